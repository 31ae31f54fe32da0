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
}
