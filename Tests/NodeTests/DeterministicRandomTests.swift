import Node
import Testing

@Suite struct DeterministicRandomTests {
    /// The same seed gives the same numbers; splits by label are independent of each other
    /// and do not move the parent stream.
    @Test func splitsAreDeterministicAndIndependent() {
        var a = DeterministicRandom(seed: 42), b = DeterministicRandom(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        var left = a.split("left"), right = a.split("right"), again = a.split("left")
        let first = left.next()
        #expect(first == again.next())
        #expect(first != right.next())
        #expect(a.next() == b.next())
    }

    /// The numeric split (used once per link) gives exactly the stream of the label it
    /// stands for, so runs keep their results.
    @Test func numericSplitMatchesTheLabel() {
        var parent = DeterministicRandom(seed: 7)
        _ = parent.next()
        for (first, second) in [(0, 0), (12, 345), (9_999, 10_000), (-3, 7), (Int.max, Int.min)] {
            var numeric = parent.split("link", first, second)
            var labelled = parent.split("link \(first) \(second)")
            #expect((0..<4).map { _ in numeric.next() } == (0..<4).map { _ in labelled.next() }, "\(first) \(second)")
        }
        var other = parent.split("peer", 12, 345), link = parent.split("link", 12, 345)
        #expect(other.next() != link.next())
    }
}
