/// A ``KeyValueStore`` held in process memory, for simulations with many nodes.
///
/// Values are Swift arrays: storing a block's serialised bytes shares the block's own
/// buffer, so a block stored by ten thousand nodes exists once. Reopening a node on the same
/// `MemoryStore` object sees everything written before, as a disk store would.
public final class MemoryStore: KeyValueStore {
    public let path: String
    private var entries: [MemoryKey: [UInt8]] = [:]
    private var isClosed = false

    /// An empty store; `label` names it in errors.
    public init(label: String = "memory") {
        path = label
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Makes a closed store usable again with its contents (a node "restarting" in memory).
    public func reopen() { isClosed = false }

    /// An independent copy of the store's current contents (copy-on-write: cheap until
    /// either side changes).
    public func copy(label: String? = nil) -> MemoryStore {
        let copy = MemoryStore(label: label ?? path)
        copy.entries = entries
        return copy
    }

    private func checkOpen() throws(StorageError) {
        if isClosed { throw .closed(path: path) }
    }

    public func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try checkOpen()
        return entries[MemoryKey(key)]
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) throws(StorageError) {
        try checkOpen()
        entries[MemoryKey(key)] = value
    }

    public func delete(_ key: [UInt8]) throws(StorageError) {
        try checkOpen()
        entries[MemoryKey(key)] = nil
    }

    public func write(_ batch: WriteBatch) throws(StorageError) {
        try checkOpen()
        for (key, value) in batch.operations { entries[MemoryKey(key)] = value }
    }

    public func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        try checkOpen()
        try MemorySnapshot(entries: entries, path: path).scan(prefix: prefix, body)
    }

    public func snapshot() throws(StorageError) -> any KeyValueReader {
        try checkOpen()
        return MemorySnapshot(entries: entries, path: path)
    }

    public func close() { isClosed = true }
}

/// A frozen copy of a ``MemoryStore`` (copy-on-write, so taking it is O(1)).
final class MemorySnapshot: KeyValueReader {
    private let entries: [MemoryKey: [UInt8]]
    private let path: String

    init(entries: [MemoryKey: [UInt8]], path: String) {
        self.entries = entries
        self.path = path
    }

    func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? { entries[MemoryKey(key)] }

    func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        // Memory stores trade ordered scans (rare: start-up, statistics) for O(1) access.
        let keys = entries.keys.filter { $0.bytes.starts(with: prefix) }.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        for key in keys {
            guard let value = entries[key] else { continue }
            if !body(key.bytes, value) { return }
        }
    }
}

/// A memory store's key: hashed as one block of bytes (the standard `[UInt8]` hash feeds
/// the hasher a byte at a time, which dominated simulations of thousands of nodes).
struct MemoryKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
