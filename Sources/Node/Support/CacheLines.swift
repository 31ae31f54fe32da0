/// A few addresses a piece of work will read first, kept so that they can be asked of the
/// cache (``CacheHint``) shortly before that work runs, and a hash table whose slot for a
/// key can be asked for once the key is known.
///
/// Contract: the addresses are only ever prefetched, never read through, so a set taken
/// before the structures it names moved or were freed is harmless (merely useless).
public struct CacheLines: Sendable {
    // Fixed fields rather than an array: a set is read from an object that is itself barely
    // in cache, and an array would add one more dependent load.
    @usableFromInline nonisolated(unsafe) var first: UnsafeRawPointer?
    @usableFromInline nonisolated(unsafe) var second: UnsafeRawPointer?
    @usableFromInline nonisolated(unsafe) var third: UnsafeRawPointer?
    @usableFromInline nonisolated(unsafe) var fourth: UnsafeRawPointer?
    @usableFromInline nonisolated(unsafe) var table: UnsafeRawPointer?
    /// The table's slot count minus one (a power of two minus one) and its slot size.
    @usableFromInline var tableMask: UInt32 = 0
    @usableFromInline var tableStride: UInt32 = 0

    public init(_ first: UnsafeRawPointer? = nil, _ second: UnsafeRawPointer? = nil,
                _ third: UnsafeRawPointer? = nil, _ fourth: UnsafeRawPointer? = nil) {
        self.first = first
        self.second = second
        self.third = third
        self.fourth = fourth
    }

    /// Asks for each line.
    @inlinable public func prefetch() {
        if let first { CacheHint.prefetch(first) }
        if let second { CacheHint.prefetch(second) }
        if let third { CacheHint.prefetch(third) }
        if let fourth { CacheHint.prefetch(fourth) }
    }

    /// Adds a table of `slots` slots (a power of two) of `stride` bytes at `base`, whose slot
    /// for a key is the key's low bits (as ``BlockMap``'s).
    public mutating func setTable(_ base: UnsafeRawPointer?, slots: Int, stride: Int) {
        table = base
        tableMask = UInt32(truncatingIfNeeded: max(slots, 1) - 1)
        tableStride = UInt32(truncatingIfNeeded: stride)
    }

    /// Asks for the table's slot for `key`.
    @inlinable public func prefetchSlot(for key: UInt64) {
        guard let table else { return }
        CacheHint.prefetch(table + Int(UInt32(truncatingIfNeeded: key) & tableMask) * Int(tableStride))
    }
}
