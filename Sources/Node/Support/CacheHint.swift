import CPrefetch

/// A hint to the processor's cache, the one C builtin Swift cannot express
/// (`__builtin_prefetch`, from the header-only `CPrefetch` shim), wrapped here so that the
/// modules above see only Swift.
///
/// Contract: the address is never dereferenced, so any address — even a stale one — is safe;
/// a hint changes no result, only how long the next read of that line waits.
public enum CacheHint {
    /// Asks for the cache line holding `address` to be fetched ahead of use.
    @inlinable @inline(__always)
    public static func prefetch(_ address: UnsafeRawPointer) {
        regsim_prefetch(address)
    }

    /// Asks for `lines` cache lines from `address` on.
    @inlinable @inline(__always)
    public static func prefetch(lines: Int, at address: UnsafeRawPointer) {
        var line = 0
        while line < lines {
            regsim_prefetch(address + line * lineSize)
            line += 1
        }
    }

    /// The address of `object`'s first line (its header and first fields), taken without
    /// retaining it: a retain would touch the very line about to be asked for.
    @inlinable @inline(__always)
    public static func address<Object: AnyObject>(of object: Object) -> UnsafeRawPointer {
        UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
    }

    /// Asks for the first `lines` lines of the storage behind `collection` — an array, a set
    /// or a dictionary, each a single reference to an object whose header (reference and
    /// element counts; a dictionary's occupancy bits follow it) is read before any element.
    /// In-out only so that a collection stored in an object is read in place: a copy would
    /// retain the very storage about to be asked for.
    @inlinable @inline(__always)
    public static func prefetch<Collection>(storageOf collection: inout Collection, lines: Int = 1) {
        precondition(MemoryLayout<Collection>.size == MemoryLayout<UnsafeRawPointer>.size, "not a single-reference collection")
        let storage = withUnsafeBytes(of: &collection) { $0.load(as: UnsafeRawPointer.self) }
        prefetch(lines: lines, at: storage)
    }

    /// The cache line size of the x86-64 and Arm processors Regsim runs on.
    public static let lineSize = 64

    /// Asks for every cache line of `bytes` (a buffer's elements, not what they point to).
    @inlinable @inline(__always)
    public static func prefetch(lines bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress else { return }
        for offset in stride(from: 0, to: bytes.count, by: lineSize) { regsim_prefetch(start + offset) }
    }
}
