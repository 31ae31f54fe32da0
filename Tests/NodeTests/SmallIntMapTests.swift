import Node
import Testing

@Suite struct SmallIntMapTests {
    /// Insertion order survives removals, on both sides of the switch from scanning to a
    /// dictionary of positions, and every key finds its own value.
    @Test(arguments: [5, 32, 33, 200])
    func keepsOrderAndFindsEveryKey(count: Int) {
        var map = SmallIntMap<String>()
        let keys = (0..<count).map { ($0 * 7919) % 10_007 }
        for key in keys { map[key] = "v\(key)" }
        #expect(map.keys == keys)
        for key in keys { #expect(map[key] == "v\(key)") }
        #expect(map[-1] == nil)

        let removed = Set(keys.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        for key in removed { map[key] = nil }
        let kept = keys.filter { !removed.contains($0) }
        #expect(map.keys == kept)
        #expect(map.values == kept.map { "v\($0)" })
        for key in kept { #expect(map.position(of: key).map { map.values[$0] } == "v\(key)") }
        for key in removed { #expect(map[key] == nil) }

        let target = kept.last ?? -1
        #expect(map.modify(target) { $0 += "!" } == !kept.isEmpty)
        #expect(map.modify(-1) { $0 += "!" } == false)
        if !kept.isEmpty { #expect(map[target] == "v\(target)!") }
        map[target] = "new"
        #expect(map.count == kept.count)
    }

    /// The unretained value at each position is the object the map holds there, before and
    /// after a removal shifts the positions, and reading it leaves the object's reference
    /// count alone (the map stays its only owner).
    @Test func unretainedValuesAreTheHeldObjects() {
        final class Box { let value: Int; init(_ value: Int) { self.value = value } }
        var map = SmallIntMap<Box>()
        for key in 0..<40 { map[key] = Box(key * 10) }
        map[3] = nil
        for position in 0..<map.count {
            let link = map.unretainedValue(at: position)
            #expect(link.takeUnretainedValue() === map.values[position])
            #expect(link._withUnsafeGuaranteedRef { $0.value } == map.keys[position] * 10)
        }
        weak let last = map.values.last
        map[39] = nil
        #expect(last == nil)
    }
}
