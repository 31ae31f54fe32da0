import BitcoinCrypto

/// A ``KeyValueStore`` held in process memory, for simulations with many nodes.
///
/// Values are Swift arrays: storing a block's serialised bytes shares the block's own
/// buffer, so a block stored by ten thousand nodes exists once. Reopening a node on the same
/// `MemoryStore` object sees everything written before, as a disk store would.
///
/// A store is a frozen *base* shared with the store it was copied from, plus its own
/// *changes*. Copying a compacted store (``compact()``) therefore copies nothing: many short
/// trials can start from one prepared chain without duplicating, retaining or releasing its
/// entries one by one.
public final class MemoryStore: KeyValueStore {
    public let path: String
    /// Entries shared with the store this one was copied from (never written here).
    private var base: [MemoryKey: [UInt8]] = [:]
    /// The base's keys in order, when known (sorted on the first scan otherwise).
    private var baseOrder: [MemoryKey]?
    /// This store's own writes over `base`: a value, or `nil` where a base entry was deleted.
    private var changes: [MemoryKey: [UInt8]?] = [:]
    /// The changed keys in order, kept until the set of changed keys changes.
    private var changeOrder: [MemoryKey]?
    private var isClosed = false
    /// Where keys and small values are kept once across stores (see ``ByteInterner``).
    private let interner: ByteInterner?

    /// An empty store; `label` names it in errors, `interner` (when given) shares equal keys
    /// and values with the other stores using it.
    public init(label: String = "memory", interner: ByteInterner? = nil) {
        path = label
        self.interner = interner
    }

    /// The number of entries.
    public var count: Int {
        var count = base.count
        for (key, value) in changes {
            let inBase = base[key] != nil
            if value != nil && !inBase { count += 1 } else if value == nil && inBase { count -= 1 }
        }
        return count
    }

    /// Makes a closed store usable again with its contents (a node "restarting" in memory).
    public func reopen() { isClosed = false }

    /// Folds this store's changes into its base and orders the keys, so that copies made
    /// afterwards (from any thread, while this store is not written) share everything.
    public func compact() {
        if !changes.isEmpty {
            for (key, value) in changes { base[key] = value }
            changes = [:]
            changeOrder = nil
            baseOrder = nil
        }
        if baseOrder == nil { baseOrder = MemoryStore.sorted(base.keys) }
    }

    /// An independent copy of the store's current contents: the base is shared (it never
    /// changes), this store's changes are copied on write. The copy's writes go through
    /// `interner`.
    public func copy(label: String? = nil, interner: ByteInterner? = nil) -> MemoryStore {
        let copy = MemoryStore(label: label ?? path, interner: interner)
        copy.base = base
        copy.baseOrder = baseOrder
        copy.changes = changes
        copy.changeOrder = changeOrder
        return copy
    }

    private func checkOpen() throws(StorageError) {
        if isClosed { throw .closed(path: path) }
    }

    public func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try checkOpen()
        return MemoryStore.lookup(MemoryKey(key), changes: changes, base: base)
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
        for operation in batch.operations { set(MemoryKey(operation.key), operation.value) }
    }

    private func set(_ key: MemoryKey, _ value: [UInt8]?) {
        var key = key
        var value = value
        if let interner {
            key = MemoryKey(interner.intern(key.bytes))
            if let bytes = value, bytes.count <= ByteInterner.maximumValueSize { value = interner.intern(bytes) }
        }
        let keySetChanges: Bool
        if value == nil && (base.isEmpty || base[key] == nil) {
            keySetChanges = changes.removeValue(forKey: key) != nil
        } else {
            keySetChanges = changes.updateValue(value, forKey: key) == nil
        }
        if keySetChanges { changeOrder = nil }
    }

    public func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        try checkOpen()
        try snapshotForScan().scan(prefix: prefix, body)
    }

    public func snapshot() throws(StorageError) -> any KeyValueReader {
        try checkOpen()
        return MemorySnapshot(base: base, baseOrder: baseOrder, changes: changes, changeOrder: changeOrder, path: path)
    }

    /// A snapshot with both key orders at hand, which this store keeps for its next scans.
    private func snapshotForScan() -> MemorySnapshot {
        if baseOrder == nil { baseOrder = MemoryStore.sorted(base.keys) }
        if changeOrder == nil { changeOrder = MemoryStore.sorted(changes.keys) }
        return MemorySnapshot(base: base, baseOrder: baseOrder, changes: changes, changeOrder: changeOrder, path: path)
    }

    public func close() { isClosed = true }

    static func lookup(_ key: MemoryKey, changes: [MemoryKey: [UInt8]?], base: [MemoryKey: [UInt8]]) -> [UInt8]? {
        // Empty tables are common (a fresh store has no base, a copy no changes yet): skip hashing.
        if !changes.isEmpty, let change = changes[key] { return change }
        return base.isEmpty ? nil : base[key]
    }

    static func sorted(_ keys: some Sequence<MemoryKey>) -> [MemoryKey] {
        keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }
}

/// A frozen view of a ``MemoryStore`` (copy-on-write, so taking it is O(1)).
final class MemorySnapshot: KeyValueReader {
    private let base: [MemoryKey: [UInt8]]
    private var baseOrder: [MemoryKey]?
    private let changes: [MemoryKey: [UInt8]?]
    private var changeOrder: [MemoryKey]?
    private let path: String

    init(base: [MemoryKey: [UInt8]], baseOrder: [MemoryKey]?, changes: [MemoryKey: [UInt8]?], changeOrder: [MemoryKey]?, path: String) {
        self.base = base
        self.baseOrder = baseOrder
        self.changes = changes
        self.changeOrder = changeOrder
        self.path = path
    }

    func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        MemoryStore.lookup(MemoryKey(key), changes: changes, base: base)
    }

    func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        // Memory stores trade ordered scans (rare: start-up, statistics) for O(1) access:
        // the two sorted key lists are merged, a change hiding the base's entry.
        let baseKeys = baseOrder ?? MemoryStore.sorted(base.keys)
        let changedKeys = changeOrder ?? MemoryStore.sorted(changes.keys)
        baseOrder = baseKeys
        changeOrder = changedKeys
        var b = MemorySnapshot.firstIndex(atOrAfter: prefix, in: baseKeys)
        var c = MemorySnapshot.firstIndex(atOrAfter: prefix, in: changedKeys)
        while true {
            let nextBase = b < baseKeys.count && baseKeys[b].bytes.starts(with: prefix) ? baseKeys[b] : nil
            let nextChange = c < changedKeys.count && changedKeys[c].bytes.starts(with: prefix) ? changedKeys[c] : nil
            let key: MemoryKey
            switch (nextBase, nextChange) {
            case (nil, nil):
                return
            case (let baseKey?, nil):
                key = baseKey
                b += 1
            case (nil, let changedKey?):
                key = changedKey
                c += 1
            case (let baseKey?, let changedKey?):
                if baseKey == changedKey {
                    key = changedKey
                    b += 1
                    c += 1
                } else if baseKey.bytes.lexicographicallyPrecedes(changedKey.bytes) {
                    key = baseKey
                    b += 1
                } else {
                    key = changedKey
                    c += 1
                }
            }
            guard let value = MemoryStore.lookup(key, changes: changes, base: base) else { continue }
            if !body(key.bytes, value) { return }
        }
    }

    /// The position of the first key not ordered before `prefix`, by binary search.
    private static func firstIndex(atOrAfter prefix: [UInt8], in keys: [MemoryKey]) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].bytes.lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A memory store's key.
///
/// The standard `[UInt8]` hash feeds the hasher a byte at a time, and even feeding it the
/// whole buffer dominated simulations of thousands of nodes (about a dozen hashes per node
/// per block). The bytes are first folded into one word with a multiply–xorshift mix — the
/// keys are mostly SHA-256 hashes already, which a fast mix spreads well; equal keys always
/// fold alike, so a rare collision costs a comparison, never a wrong answer — and tables
/// bucket by that word mixed with their seed (``Hash256/rawHash(of:seed:)``).
struct MemoryKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        hasher.combine(MemoryKey.fold(bytes))
    }

    func _rawHashValue(seed: Int) -> Int { Hash256.rawHash(of: MemoryKey.fold(bytes), seed: seed) }

    /// Word-at-a-time comparison (an array's own `==` goes byte by byte), and none at all for
    /// the same buffer: an interned key is usually compared with itself.
    static func == (lhs: MemoryKey, rhs: MemoryKey) -> Bool {
        lhs.bytes.withUnsafeBytes { left in
            rhs.bytes.withUnsafeBytes { right in
                guard left.count == right.count else { return false }
                if left.baseAddress == right.baseAddress { return true }
                var offset = 0
                while offset + 8 <= left.count {
                    if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                        != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                    offset += 8
                }
                while offset < left.count {
                    if left[offset] != right[offset] { return false }
                    offset += 1
                }
                return true
            }
        }
    }

    static func fold(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var state = UInt64(raw.count) &* 0x9E37_79B9_7F4A_7C15
            var offset = 0
            while offset + 8 <= raw.count {
                state = (state ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                state ^= state >> 32
                offset += 8
            }
            var tail: UInt64 = 0
            while offset < raw.count {
                tail = tail << 8 | UInt64(raw[offset])
                offset += 1
            }
            state = (state ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            return state ^ (state >> 29)
        }
    }
}
