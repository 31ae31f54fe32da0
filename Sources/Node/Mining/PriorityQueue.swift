/// A binary min-heap: ``pop()`` returns the smallest element by `areInIncreasingOrder`.
/// Ties come out in an order that depends only on the operations performed, so callers
/// that need a stable order put a sequence number in the element.
public struct PriorityQueue<Element> {
    private var storage: [Element] = []
    private let areInIncreasingOrder: (Element, Element) -> Bool

    public init(_ areInIncreasingOrder: @escaping (Element, Element) -> Bool) {
        self.areInIncreasingOrder = areInIncreasingOrder
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    /// The smallest element, without removing it.
    public var first: Element? { storage.first }

    public mutating func reserveCapacity(_ capacity: Int) { storage.reserveCapacity(capacity) }

    public mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard areInIncreasingOrder(storage[child], storage[parent]) else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    public mutating func pop() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < storage.count && areInIncreasingOrder(storage[left], storage[smallest]) { smallest = left }
            if right < storage.count && areInIncreasingOrder(storage[right], storage[smallest]) { smallest = right }
            guard smallest != parent else { break }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
