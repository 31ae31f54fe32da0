import BitcoinCrypto

/// A ``KeyValueStore`` held in process memory, for simulations with many nodes.
///
/// A store is a frozen *base* shared with the store it was copied from, plus its own
/// *changes*. Copying a compacted store (``compact()``) therefore copies nothing: many short
/// trials can start from one prepared chain without duplicating, retaining or releasing its
/// entries one by one.
///
/// Changes name keys and values by their ``ByteInterner`` handles: stores sharing an interner
/// hold each equal key and small value once, and a store's table is plain numbers that
/// writing, replacing and releasing never reference-count. The price: an interner keeps
/// every key and small value it was given until it is released, so a long-lived store's
/// memory follows what it was ever written (spent coins, past tips), not only what it holds
/// now. Larger values are kept by the store as given: storing a block's serialised bytes
/// shares the block's own buffer, so a block stored by ten thousand nodes exists once.
/// Reopening a node on the same `MemoryStore` object sees everything written before, as a
/// disk store would.
public final class MemoryStore: KeyValueStore {
    public let path: String
    /// Entries shared with the store this one was copied from (never written here).
    private var base: [MemoryKey: [UInt8]] = [:]
    /// The base's keys in order, when known (sorted on the first scan otherwise).
    private var baseOrder: [MemoryKey]?
    /// This store's own writes over `base`: key handle → value handle, a kept value
    /// (``ownedValueFlag`` and its position in `owned`) or ``deletedValue`` where a base entry
    /// was deleted.
    private var changes = HandleTable()
    /// The changed keys in order with their handles, kept until the set of changed keys changes.
    private var changeOrder: [(key: [UInt8], handle: ByteInterner.Handle)]?
    /// Values too large to intern, by position (an overwritten one is emptied).
    private var owned: [[UInt8]] = []
    private var isClosed = false
    /// Where this store's keys and small values are kept (shared with other stores or its own).
    private let interner: ByteInterner

    /// Marks a change whose value the store keeps itself, at the position in the low bits.
    static let ownedValueFlag = ByteInterner.handleLimit
    /// Marks a change that deletes the base's entry.
    static let deletedValue = UInt32.max

    /// An empty store; `label` names it in errors, `interner` (when given) shares equal keys
    /// and values with the other stores using it.
    public init(label: String = "memory", interner: ByteInterner? = nil) {
        path = label
        self.interner = interner ?? ByteInterner()
    }

    /// The number of entries.
    public var count: Int {
        var count = base.count
        for change in resolvedChanges() {
            let inBase = base[MemoryKey(change.key)] != nil
            if change.value != nil && !inBase { count += 1 } else if change.value == nil && inBase { count -= 1 }
        }
        return count
    }

    /// Makes a closed store usable again with its contents (a node "restarting" in memory).
    public func reopen() { isClosed = false }

    /// Folds this store's changes into its base and orders the keys, so that copies made
    /// afterwards (from any thread, while this store is not written) share everything.
    public func compact() {
        if !changes.isEmpty {
            base = mergedBase()
            changes = HandleTable()
            changeOrder = nil
            owned = []
            baseOrder = nil
        }
        if baseOrder == nil { baseOrder = MemoryStore.sorted(base.keys) }
    }

    /// An independent copy of the store's current contents: the base is shared (it never
    /// changes; a store with changes of its own gives its copy a base with them folded in).
    /// The copy's writes go through `interner`, or an interner of its own.
    public func copy(label: String? = nil, interner: ByteInterner? = nil) -> MemoryStore {
        let copy = MemoryStore(label: label ?? path, interner: interner)
        if changes.isEmpty {
            copy.base = base
            copy.baseOrder = baseOrder
        } else {
            copy.base = mergedBase()
        }
        return copy
    }

    /// The base with this store's changes applied.
    private func mergedBase() -> [MemoryKey: [UInt8]] {
        var merged = base
        for change in resolvedChanges() {
            merged[MemoryKey(change.key)] = change.value
        }
        return merged
    }

    /// Every change with its key's bytes and its value (`nil`: a deletion).
    private func resolvedChanges() -> [(key: [UInt8], value: [UInt8]?)] {
        changes.map { (interner.bytes($0.key), MemoryStore.value(of: $0.value, owned: owned, interner: interner)) }
    }

    private func checkOpen() throws(StorageError) {
        if isClosed { throw .closed(path: path) }
    }

    public func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try checkOpen()
        return MemoryStore.lookup(key, base: base, changes: changes, owned: owned, interner: interner)
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) throws(StorageError) {
        try checkOpen()
        set(key, value)
    }

    public func delete(_ key: [UInt8]) throws(StorageError) {
        try checkOpen()
        set(key, nil)
    }

    public func write(_ batch: consuming WriteBatch) throws(StorageError) {
        try checkOpen()
        // Each operation is moved out of the batch in order and its arrays into the store (or
        // released), with no retain and release on the way.
        var operations = batch.takeOperations()
        operations.withUnsafeMutableBufferPointer { operations in
            for index in operations.indices {
                // Swapped out, an operation without storage left in its place.
                var operation = WriteBatch.Operation(key: [], value: nil)
                swap(&operation, &operations[index])
                set(operation.key, operation.value)
            }
        }
    }

    private func set(_ key: [UInt8], _ value: [UInt8]?) {
        let previous: UInt32?
        let keySetChanges: Bool
        if let value {
            let handles = interner.handles(key: key, value: value)
            previous = changes.updateValue(handles.value?.index ?? keep(value), forKey: handles.key)
            keySetChanges = previous == nil
        } else if !base.isEmpty && base[MemoryKey(key)] != nil {
            previous = changes.updateValue(MemoryStore.deletedValue, forKey: interner.handles(key: key, value: nil).key)
            keySetChanges = previous == nil
        } else if let handle = interner.existingHandle(key) {
            previous = changes.removeValue(forKey: handle)
            keySetChanges = previous != nil
        } else {
            return  // never written anywhere, so not here
        }
        if let previous, previous != MemoryStore.deletedValue, previous & MemoryStore.ownedValueFlag != 0 {
            owned[Int(previous & ~MemoryStore.ownedValueFlag)] = []
        }
        if keySetChanges { changeOrder = nil }
    }

    /// Keeps a value too large to intern; returns its change entry.
    private func keep(_ value: [UInt8]) -> UInt32 {
        precondition(owned.count < Int(MemoryStore.ownedValueFlag) - 1, "too many large values in one memory store")
        owned.append(value)
        return MemoryStore.ownedValueFlag | UInt32(owned.count - 1)
    }

    public func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        try checkOpen()
        try snapshotForScan().scan(prefix: prefix, body)
    }

    public func snapshot() throws(StorageError) -> any KeyValueReader {
        try checkOpen()
        return makeSnapshot()
    }

    private func makeSnapshot() -> MemorySnapshot {
        MemorySnapshot(base: base, baseOrder: baseOrder, changes: changes, changeOrder: changeOrder,
                       owned: owned, interner: interner)
    }

    /// A snapshot with both key orders at hand, which this store keeps for its next scans.
    private func snapshotForScan() -> MemorySnapshot {
        if baseOrder == nil { baseOrder = MemoryStore.sorted(base.keys) }
        if changeOrder == nil { changeOrder = MemoryStore.ordered(changes.keys, interner: interner) }
        return makeSnapshot()
    }

    public func close() { isClosed = true }

    /// Asks the cache for the header of the changes' table: a node's first read of its store
    /// for a block (the BIP 30 lookup) otherwise starts with that miss.
    public func prefetchTables() {
        if let table = changes.storageAddress { CacheHint.prefetch(table) }
    }

    /// The value a change entry names (`nil`: a deletion).
    static func value(of entry: UInt32, owned: [[UInt8]], interner: ByteInterner) -> [UInt8]? {
        if entry == deletedValue { return nil }
        if entry & ownedValueFlag != 0 { return owned[Int(entry & ~ownedValueFlag)] }
        return interner.bytes(ByteInterner.Handle(index: entry))
    }

    static func lookup(_ key: [UInt8], base: [MemoryKey: [UInt8]], changes: HandleTable,
                       owned: [[UInt8]], interner: ByteInterner) -> [UInt8]? {
        // Empty tables are common (a fresh store has no base, a copy no changes yet): skip hashing.
        if !changes.isEmpty, let handle = interner.existingHandle(key), let entry = changes[handle] {
            return value(of: entry, owned: owned, interner: interner)
        }
        return base.isEmpty ? nil : base[MemoryKey(key)]
    }

    static func sorted(_ keys: some Sequence<MemoryKey>) -> [MemoryKey] {
        keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }

    static func ordered(_ handles: some Sequence<ByteInterner.Handle>, interner: ByteInterner) -> [(key: [UInt8], handle: ByteInterner.Handle)] {
        handles.map { (interner.bytes($0), $0) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }
}

/// A frozen view of a ``MemoryStore`` (copy-on-write, so taking it is O(1)).
final class MemorySnapshot: KeyValueReader {
    private let base: [MemoryKey: [UInt8]]
    private var baseOrder: [MemoryKey]?
    private let changes: HandleTable
    private var changeOrder: [(key: [UInt8], handle: ByteInterner.Handle)]?
    private let owned: [[UInt8]]
    private let interner: ByteInterner

    init(base: [MemoryKey: [UInt8]], baseOrder: [MemoryKey]?, changes: HandleTable,
         changeOrder: [(key: [UInt8], handle: ByteInterner.Handle)]?, owned: [[UInt8]], interner: ByteInterner) {
        self.base = base
        self.baseOrder = baseOrder
        self.changes = changes
        self.changeOrder = changeOrder
        self.owned = owned
        self.interner = interner
    }

    func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        MemoryStore.lookup(key, base: base, changes: changes, owned: owned, interner: interner)
    }

    func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        // Memory stores trade ordered scans (rare: start-up, statistics) for O(1) access:
        // the two sorted key lists are merged, a change hiding the base's entry.
        let baseKeys = baseOrder ?? MemoryStore.sorted(base.keys)
        let changedKeys = changeOrder ?? MemoryStore.ordered(changes.keys, interner: interner)
        baseOrder = baseKeys
        changeOrder = changedKeys
        var b = MemorySnapshot.firstIndex(atOrAfter: prefix, in: baseKeys.count) { baseKeys[$0].bytes }
        var c = MemorySnapshot.firstIndex(atOrAfter: prefix, in: changedKeys.count) { changedKeys[$0].key }
        while true {
            let nextBase = b < baseKeys.count && baseKeys[b].bytes.starts(with: prefix) ? baseKeys[b].bytes : nil
            let nextChange = c < changedKeys.count && changedKeys[c].key.starts(with: prefix) ? changedKeys[c] : nil
            let key: [UInt8]
            let value: [UInt8]?
            switch (nextBase, nextChange) {
            case (nil, nil):
                return
            case (let baseKey?, let change?) where !baseKey.lexicographicallyPrecedes(change.key):
                // The change hides the base's entry for the same key.
                if change.key == baseKey { b += 1 }
                key = change.key
                value = changedValue(change.handle)
                c += 1
            case (let baseKey?, _):
                key = baseKey
                value = base[MemoryKey(baseKey)]
                b += 1
            case (nil, let change?):
                key = change.key
                value = changedValue(change.handle)
                c += 1
            }
            guard let value else { continue }
            if !body(key, value) { return }
        }
    }

    private func changedValue(_ handle: ByteInterner.Handle) -> [UInt8]? {
        changes[handle].flatMap { MemoryStore.value(of: $0, owned: owned, interner: interner) }
    }

    /// The position of the first of `count` sorted keys not ordered before `prefix`, by binary search.
    private static func firstIndex(atOrAfter prefix: [UInt8], in count: Int, key: (Int) -> [UInt8]) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if key(middle).lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
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
    static func == (lhs: MemoryKey, rhs: MemoryKey) -> Bool { equal(lhs.bytes, rhs.bytes) }

    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
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
