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

    /// Asks for the first cache line of `object` (its header and first fields) without
    /// retaining it: retaining would touch the very line being asked for.
    @inlinable @inline(__always)
    public static func prefetch<Object: AnyObject>(_ object: Object) {
        regsim_prefetch(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()))
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
