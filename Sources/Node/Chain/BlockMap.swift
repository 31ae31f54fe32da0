import Consensus

/// A node's block tree entries by block hash (Core's `BlockMap`).
///
/// Like Core's `BlockHasher`, it uses the hash's own first 64 bits as the bucket: a block hash
/// is already uniformly distributed, and a simulated node looks a block up for nearly every
/// message it gets. Open addressing with linear probing over 16-byte slots (the low word and
/// the entry), at most three quarters full — a `Dictionary` would keep the whole 32-byte hash
/// beside each entry, once per node per block. Entries are never removed: a node keeps every
/// header it accepted.
struct BlockMap {
    private struct Slot {
        /// The low 64 bits of the entry's hash; compared before the full hash.
        var tag: UInt64
        var entry: BlockIndex?
    }

    private var slots: [Slot]
    /// `slots.count - 1`, kept here so that a lookup goes straight to its slot rather than
    /// first reading the count from the array's header (another cache miss in a large simulation).
    private var mask: Int
    private(set) var count = 0

    init() {
        slots = Array(repeating: Slot(tag: 0, entry: nil), count: 8)
        mask = 7
    }

    /// The entry for `hash`, if the node knows the header.
    ///
    /// Probing compares tags and tests slots for emptiness without touching (retaining) the
    /// entries passed over: in a large simulation their memory is rarely in cache, and a
    /// hash the node does not know yet (the first `inv` of each block) passes several.
    subscript(hash: BlockHash) -> BlockIndex? {
        let tag = hash.hash.w0
        let mask = mask
        return slots.withUnsafeBufferPointer { buffer in
            guard let slots = buffer.baseAddress else { return nil }
            var position = Int(truncatingIfNeeded: tag) & mask
            while slots[position].entry != nil {
                if slots[position].tag == tag, let entry = slots[position].entry, entry.hash == hash { return entry }
                position = (position + 1) & mask
            }
            return nil
        }
    }

    /// Adds `entry` under its hash, replacing an entry with the same hash.
    mutating func insert(_ entry: BlockIndex) {
        insert(entry, tag: entry.hash.hash.w0)
    }

    /// Where the slots are, how many, and their size: a caller that will look up a hash
    /// soon can prefetch the slot (see ``CacheLines``), which starts at its low 64 bits.
    var slotTable: (base: UnsafeRawPointer?, slots: Int, stride: Int) {
        // The count from `mask`: the array's header is rarely in cache.
        (slots.withUnsafeBytes { $0.baseAddress }, mask + 1, MemoryLayout<Slot>.stride)
    }

    /// Every entry, in no particular order.
    var values: [BlockIndex] { slots.compactMap(\.entry) }

    /// Makes room for `capacity` entries without growing again.
    mutating func reserveCapacity(_ capacity: Int) {
        let needed = Self.slotCount(for: capacity)
        if needed > slots.count { rehash(to: needed) }
    }

    private mutating func insert(_ entry: BlockIndex, tag: UInt64) {
        if (count + 1) * 4 > slots.count * 3 { rehash(to: slots.count * 2) }
        var position = Int(truncatingIfNeeded: tag) & mask
        while slots[position].entry != nil {
            if slots[position].tag == tag, let existing = slots[position].entry, existing.hash == entry.hash {
                slots[position].entry = entry
                return
            }
            position = (position + 1) & mask
        }
        slots[position] = Slot(tag: tag, entry: entry)
        count += 1
    }

    /// Moves the entries to a table of `slotCount` slots. Moved, not copied: copying would
    /// retain and release every entry, touching each one's memory.
    private mutating func rehash(to slotCount: Int) {
        var old = Array(repeating: Slot(tag: 0, entry: nil), count: slotCount)
        swap(&old, &slots)
        mask = slotCount - 1
        count = 0
        for index in old.indices {
            if let entry = old[index].entry.take() { insert(entry, tag: old[index].tag) }
        }
    }

    /// The power of two that holds `count` entries at most three quarters full.
    private static func slotCount(for count: Int) -> Int {
        var slots = 8
        while count * 4 > slots * 3 { slots *= 2 }
        return slots
    }
}
