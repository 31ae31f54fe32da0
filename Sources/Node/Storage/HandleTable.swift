/// A hash table from ``ByteInterner`` handles to 32-bit entries: a ``MemoryStore``'s changes.
///
/// One array of 64-bit slots holds each key beside its value, probed linearly and emptied by
/// shifting the following entries back, so a lookup or a write usually reads one cache line
/// where `Dictionary` reads three (its occupancy bitmap, its keys and its values), and hashes
/// with one multiplication rather than SipHash. A simulation of thousands of nodes writes each
/// node's store a few times per block, when the node's table is no longer in cache.
struct HandleTable: Sequence {
    /// 0 for an empty slot, otherwise `(key + 1) << 32 | value`.
    private var slots: [UInt64] = []
    /// The number of entries.
    private(set) var count = 0

    /// True when the table has no entries.
    var isEmpty: Bool { count == 0 }

    /// The value stored for `key`, or `nil`.
    subscript(key: ByteInterner.Handle) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        let position = find(key)
        let slot = slots[position]
        return slot == 0 ? nil : UInt32(truncatingIfNeeded: slot)
    }

    /// Stores `value` for `key`; returns the value it replaced, if any.
    @discardableResult
    mutating func updateValue(_ value: UInt32, forKey key: ByteInterner.Handle) -> UInt32? {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let position = find(key)
        let previous = slots[position]
        slots[position] = HandleTable.slot(key, value)
        if previous != 0 { return UInt32(truncatingIfNeeded: previous) }
        count += 1
        return nil
    }

    /// Removes `key`; returns its value, if it had one.
    @discardableResult
    mutating func removeValue(forKey key: ByteInterner.Handle) -> UInt32? {
        guard !slots.isEmpty else { return nil }
        var hole = find(key)
        let removed = slots[hole]
        guard removed != 0 else { return nil }
        // Entries after the hole that probed past it move back into it, so that every entry
        // stays reachable from its home slot without markers for deleted ones.
        let mask = slots.count - 1
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = home(of: (slots[next] >> 32) - 1)
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        count -= 1
        return UInt32(truncatingIfNeeded: removed)
    }

    /// Where the slots are held (`nil` while there are none), for prefetching.
    var storageAddress: UnsafeRawPointer? { slots.withUnsafeBytes { $0.baseAddress } }

    /// The keys, in no particular order.
    var keys: [ByteInterner.Handle] { map(\.key) }

    func makeIterator() -> some IteratorProtocol<(key: ByteInterner.Handle, value: UInt32)> {
        slots.lazy.filter { $0 != 0 }.map { slot in
            (key: ByteInterner.Handle(index: UInt32(truncatingIfNeeded: slot >> 32) - 1), value: UInt32(truncatingIfNeeded: slot))
        }.makeIterator()
    }

    private static func slot(_ key: ByteInterner.Handle, _ value: UInt32) -> UInt64 {
        (UInt64(key.index) + 1) << 32 | UInt64(value)
    }

    /// The slot a key hashes to. Runs of eight consecutive handles share a cache line of
    /// slots, the runs spread by Fibonacci hashing (the top bits of a multiplication): the
    /// keys a block adds are interned together, so a node's store writes them into one or two
    /// lines rather than one line each.
    private func home(of index: UInt64) -> Int {
        let groupBits = slots.count.trailingZeroBitCount - 3
        let group = ((index >> 3) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - groupBits)
        return Int(truncatingIfNeeded: group << 3 | index & 7)
    }

    /// The slot holding `key`, or the empty slot where it would go (the table is never full).
    private func find(_ key: ByteInterner.Handle) -> Int {
        let mask = slots.count - 1
        let tag = UInt64(key.index) + 1
        var position = home(of: UInt64(key.index))
        while true {
            let slot = slots[position]
            if slot == 0 || slot >> 32 == tag { return position }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: Swift.max(8, old.count * 2))
        for slot in old where slot != 0 {
            slots[find(ByteInterner.Handle(index: UInt32(truncatingIfNeeded: slot >> 32) - 1))] = slot
        }
    }
}
