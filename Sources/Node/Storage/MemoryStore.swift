/// A ``KeyValueStore`` held in process memory, for simulations with many nodes.
///
/// Values are Swift arrays: storing a block's serialised bytes shares the block's own
/// buffer, so a block stored by ten thousand nodes exists once. Reopening a node on the same
/// `MemoryStore` object sees everything written before, as a disk store would.
public final class MemoryStore: KeyValueStore {
    public let path: String
    private var entries: [MemoryKey: [UInt8]] = [:]
    /// The keys in order, kept until the set of keys changes: opening a chain scans them, and
    /// copies of a template share them instead of sorting again.
    private var orderedKeys: [MemoryKey]?
    private var isClosed = false

    /// An empty store; `label` names it in errors.
    public init(label: String = "memory") {
        path = label
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Makes a closed store usable again with its contents (a node "restarting" in memory).
    public func reopen() { isClosed = false }

    /// Puts the keys in order now, so copies made later (from any thread) share the order
    /// instead of sorting again when they open.
    public func prepareOrderedKeys() { _ = sortedKeys() }

    /// An independent copy of the store's current contents (copy-on-write: cheap until
    /// either side changes).
    public func copy(label: String? = nil) -> MemoryStore {
        let copy = MemoryStore(label: label ?? path)
        copy.entries = entries
        copy.orderedKeys = orderedKeys
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
        set(MemoryKey(key), value)
    }

    public func delete(_ key: [UInt8]) throws(StorageError) {
        try checkOpen()
        set(MemoryKey(key), nil)
    }

    public func write(_ batch: WriteBatch) throws(StorageError) {
        try checkOpen()
        for (key, value) in batch.operations { set(MemoryKey(key), value) }
    }

    private func set(_ key: MemoryKey, _ value: [UInt8]?) {
        if let value {
            if entries.updateValue(value, forKey: key) == nil { orderedKeys = nil }
        } else if entries.removeValue(forKey: key) != nil {
            orderedKeys = nil
        }
    }

    private func sortedKeys() -> [MemoryKey] {
        if let orderedKeys { return orderedKeys }
        let keys = entries.keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        orderedKeys = keys
        return keys
    }

    public func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        try checkOpen()
        try MemorySnapshot(entries: entries, orderedKeys: sortedKeys(), path: path).scan(prefix: prefix, body)
    }

    public func snapshot() throws(StorageError) -> any KeyValueReader {
        try checkOpen()
        return MemorySnapshot(entries: entries, orderedKeys: orderedKeys, path: path)
    }

    public func close() { isClosed = true }
}

/// A frozen copy of a ``MemoryStore`` (copy-on-write, so taking it is O(1)).
final class MemorySnapshot: KeyValueReader {
    private let entries: [MemoryKey: [UInt8]]
    /// The keys in order, when the store had them at hand (sorted on the first scan otherwise).
    private var orderedKeys: [MemoryKey]?
    private let path: String

    init(entries: [MemoryKey: [UInt8]], orderedKeys: [MemoryKey]?, path: String) {
        self.entries = entries
        self.orderedKeys = orderedKeys
        self.path = path
    }

    func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? { entries[MemoryKey(key)] }

    func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        // Memory stores trade ordered scans (rare: start-up, statistics) for O(1) access.
        let keys = orderedKeys ?? entries.keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        orderedKeys = keys
        // The first key at or after the prefix, by binary search; its range follows.
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].bytes.lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
        }
        for key in keys[low...] {
            guard key.bytes.starts(with: prefix) else { return }
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
