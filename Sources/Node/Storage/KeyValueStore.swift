/// An ordered key-value store: what a node's chain database is written to.
///
/// ``LevelDBStore`` is the default and persists to disk; ``MemoryStore`` keeps everything in
/// process memory for very large simulations. Both pass the same test suite. A store is
/// used by one node at a time; it is not meant to be shared between threads.
public protocol KeyValueStore: KeyValueReader {
    /// Where the data lives (a directory, or a label for memory stores); used in errors.
    var path: String { get }

    /// Stores `value` under `key`, replacing any previous value.
    func put(_ key: [UInt8], _ value: [UInt8]) throws(StorageError)

    /// Removes `key` (doing nothing when absent).
    func delete(_ key: [UInt8]) throws(StorageError)

    /// Applies every operation of `batch` atomically: after a crash either all of it or none
    /// of it is visible. Takes the batch, so that a store keeping its keys and values may
    /// move them in rather than copy them (a simulation writes a batch per node per block).
    func write(_ batch: consuming WriteBatch) throws(StorageError)

    /// A consistent read-only view of the store as it is now; later writes do not show in it.
    func snapshot() throws(StorageError) -> any KeyValueReader

    /// Releases the store; later calls throw ``StorageError/closed(path:)``. Idempotent.
    func close()

    /// Asks the cache for the tables a read or write starts with, shortly before one: a hint
    /// for a caller with other work to do first (no effect on the contents). Does nothing
    /// unless a store has such tables (``MemoryStore`` does).
    func prefetchTables()
}

extension KeyValueStore {
    public func prefetchTables() {}
}

/// Read access to a store or a snapshot of it.
public protocol KeyValueReader: AnyObject {
    /// The value stored under `key`, or `nil`.
    func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]?
    /// Calls `body` for each entry whose key starts with `prefix`, in ascending byte order of
    /// keys, until it returns `false`.
    func scan(prefix: [UInt8], _ body: (_ key: [UInt8], _ value: [UInt8]) -> Bool) throws(StorageError)
}

/// Operations to apply together with ``KeyValueStore/write(_:)``.
public struct WriteBatch: Sendable {
    /// One write: a value to put, or `nil` to delete.
    ///
    /// A struct rather than a tuple: arrays of tuples are destroyed through the runtime's
    /// generic path, which showed in simulations writing a batch per node per block.
    public struct Operation: Sendable {
        public let key: [UInt8]
        public let value: [UInt8]?

        public init(key: [UInt8], value: [UInt8]?) {
            self.key = key
            self.value = value
        }
    }

    /// The operations in order.
    public private(set) var operations: [Operation] = []

    public init() {}

    /// Makes room for `capacity` operations in all (spares regrowing a batch written for
    /// every block).
    public mutating func reserveCapacity(_ capacity: Int) { operations.reserveCapacity(capacity) }

    /// Adds a put of `value` under `key`.
    public mutating func put(_ key: [UInt8], _ value: [UInt8]) { operations.append(Operation(key: key, value: value)) }

    /// Adds a deletion of `key`.
    public mutating func delete(_ key: [UInt8]) { operations.append(Operation(key: key, value: nil)) }

    /// The operations, taken out of the batch: a store consuming them one at a time moves
    /// each key and value rather than retaining and then releasing it.
    public consuming func takeOperations() -> [Operation] { operations }

    /// The number of operations.
    public var count: Int { operations.count }

    /// True when there is nothing to write.
    public var isEmpty: Bool { operations.isEmpty }
}

extension KeyValueReader {
    /// Every entry under `prefix`, in key order.
    public func entries(prefix: [UInt8]) throws(StorageError) -> [(key: [UInt8], value: [UInt8])] {
        var result = [(key: [UInt8], value: [UInt8])]()
        try scan(prefix: prefix) { key, value in
            result.append((key, value))
            return true
        }
        return result
    }
}
