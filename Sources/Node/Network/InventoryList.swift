import Consensus

/// The items of an `inv`, `getdata` or `notfound` message, in order.
///
/// Nearly every such message names one item (a block or transaction announced or asked
/// for), so one item is held inline and only two or more (or none) in an array. A one-item
/// message then carries no array: its receiver, usually far from the sender in time and
/// memory, reads no storage that has long left the cache, and copies of the message
/// touch no shared reference count.
public struct InventoryList: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    @usableFromInline enum Storage: Sendable {
        case one(InventoryItem)
        case many([InventoryItem])
    }

    @usableFromInline var storage: Storage

    /// The items of `items`, in order.
    public init(_ items: some Sequence<InventoryItem>) {
        var iterator = items.makeIterator()
        guard let first = iterator.next() else {
            storage = .many([])
            return
        }
        guard let second = iterator.next() else {
            storage = .one(first)
            return
        }
        var array = [first, second]
        while let next = iterator.next() { array.append(next) }
        storage = .many(array)
    }

    /// The items of `items`, in order. One item — the usual announcement or request — is
    /// taken without iterating: an iterator over a lazily mapped collection costs more to make
    /// and destroy than the item.
    public init(_ items: some Collection<InventoryItem>) {
        if items.count == 1, let item = items.first {
            storage = .one(item)
        } else {
            storage = .many(Array(items))
        }
    }

    /// A list of the one item `item` (no array is made).
    public init(_ item: InventoryItem) {
        storage = .one(item)
    }

    /// An empty list.
    public init() {
        storage = .many([])
    }

    /// Adds `item` at the end: a list built item by item makes no array while it has one.
    public mutating func append(_ item: InventoryItem) {
        switch storage {
        case .one(let first):
            storage = .many([first, item])
        case .many(var items):
            if items.isEmpty {
                storage = .one(item)
                return
            }
            storage = .many([])  // the list's reference dropped, the array grows in place
            items.append(item)
            storage = .many(items)
        }
    }

    public init(arrayLiteral elements: InventoryItem...) {
        self.init(elements)
    }

    /// Witness-block items (Core's `MSG_WITNESS_BLOCK`) for `hashes`, in order.
    public static func blocks(_ hashes: some Collection<BlockHash>) -> InventoryList {
        InventoryList(hashes.lazy.map(InventoryItem.block))
    }

    /// Witness-transaction items (Core's `MSG_WITNESS_TX`) for `txids`, in order.
    public static func transactions(_ txids: some Collection<Txid>) -> InventoryList {
        InventoryList(txids.lazy.map(InventoryItem.transaction))
    }

    @inlinable public var startIndex: Int { 0 }

    @inlinable public var endIndex: Int {
        switch storage {
        case .one: return 1
        case .many(let items): return items.count
        }
    }

    @inlinable public subscript(position: Int) -> InventoryItem {
        switch storage {
        case .one(let item):
            precondition(position == 0, "InventoryList index out of range")
            return item
        case .many(let items):
            return items[position]
        }
    }

    /// Equal when they list the same items in the same order, however each is held.
    public static func == (lhs: InventoryList, rhs: InventoryList) -> Bool {
        lhs.elementsEqual(rhs)
    }
}
