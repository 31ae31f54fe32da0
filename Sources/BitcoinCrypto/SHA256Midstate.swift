/// The SHA-256 state after absorbing the first 64 bytes of an 80-byte block header.
///
/// Grinding a nonce changes only the last 16 bytes of the header (the end of the merkle
/// root, time, bits, nonce), so the first compression is done once here and every nonce
/// costs two compressions: the header's second block and the outer hash.
public struct SHA256Midstate: Sendable {
    @usableFromInline let state: SHA256

    /// Absorbs `first64`, which must be exactly 64 bytes.
    public init(first64: UnsafeRawBufferPointer) {
        precondition(first64.count == 64, "a midstate covers exactly one 64-byte block")
        var hasher = SHA256()
        hasher.update(first64)
        state = hasher
    }

    /// Absorbs the first 64 bytes of `header`, which must be at least 64 bytes.
    public init(first64 header: [UInt8]) {
        self = header.withUnsafeBytes { SHA256Midstate(first64: UnsafeRawBufferPointer(rebasing: $0[0..<64])) }
    }

    /// HASH256 of the 64 absorbed bytes followed by `tail` (16 bytes for a header).
    @inlinable
    public func hash256(tail: UnsafeRawBufferPointer) -> Hash256 {
        var inner = state
        inner.update(tail)
        return inner.finalize().sha256
    }

    /// HASH256 of an 80-byte header whose first 64 bytes are absorbed and whose last 16 are
    /// `tail12` (merkle root end, time, bits as 12 little-endian bytes) followed by `nonce`.
    @inlinable
    public func headerHash(tail12 a: UInt64, _ b: UInt32, nonce: UInt32) -> Hash256 {
        var tail = (a.littleEndian, b.littleEndian, nonce.littleEndian)
        return withUnsafeBytes(of: &tail) { hash256(tail: $0) }
    }
}
