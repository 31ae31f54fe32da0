import COpenSSL

/// A streaming SHA-256 hasher backed by OpenSSL (which uses the SHA-NI instructions when the
/// CPU has them).
///
/// It is a value type: copying a hasher copies its state, which is how a midstate is kept
/// (see ``SHA256Midstate``).
public struct SHA256: Sendable {
    @usableFromInline var context = SHA256_CTX()

    /// A hasher with nothing absorbed yet.
    @inlinable
    public init() {
        SHA256_Init(&context)
    }

    /// Absorbs `buffer`.
    @inlinable
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        SHA256_Update(&context, base, buffer.count)
    }

    /// Absorbs `bytes`.
    @inlinable
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Absorbs `bytes`.
    @inlinable
    public mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Absorbs the 32 bytes of `hash`.
    @inlinable
    public mutating func update(_ hash: Hash256) {
        hash.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash. The hasher should not be used afterwards.
    @inlinable
    public mutating func finalize() -> Hash256 {
        var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &digest) { out in
            SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
            return Hash256(UnsafeRawBufferPointer(out))
        }
    }

    /// SHA-256 of `buffer`.
    @inlinable
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> Hash256 {
        var hasher = SHA256()
        hasher.update(buffer)
        return hasher.finalize()
    }

    /// SHA-256 of `bytes`.
    @inlinable
    public static func hash(_ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// SHA-256 of `bytes`.
    @inlinable
    public static func hash(_ bytes: ArraySlice<UInt8>) -> Hash256 {
        bytes.withUnsafeBytes { hash($0) }
    }
}

/// Bitcoin's HASH256: SHA-256 applied twice (block hashes, txids, merkle nodes, checksums).
@inlinable
public func hash256(_ buffer: UnsafeRawBufferPointer) -> Hash256 {
    SHA256.hash(buffer).sha256
}

/// Bitcoin's HASH256 of `bytes`.
@inlinable
public func hash256(_ bytes: [UInt8]) -> Hash256 {
    bytes.withUnsafeBytes { hash256($0) }
}

/// Bitcoin's HASH256 of `bytes`.
@inlinable
public func hash256(_ bytes: ArraySlice<UInt8>) -> Hash256 {
    bytes.withUnsafeBytes { hash256($0) }
}

/// HASH256 of the 64-byte concatenation `left || right` (one merkle tree node).
@inlinable
public func hash256(_ left: Hash256, _ right: Hash256) -> Hash256 {
    var pair = (left.w0.littleEndian, left.w1.littleEndian, left.w2.littleEndian, left.w3.littleEndian,
                right.w0.littleEndian, right.w1.littleEndian, right.w2.littleEndian, right.w3.littleEndian)
    return withUnsafeBytes(of: &pair) { hash256($0) }
}

extension Hash256 {
    /// SHA-256 of these 32 bytes (turns a single SHA-256 into Bitcoin's HASH256).
    ///
    /// A 32-byte message is exactly one padded block, so this runs one compression on that
    /// block directly, without OpenSSL's init/final bookkeeping: it is the second half of
    /// every HASH256 (txids, merkle nodes, block hashes, nonce grinding).
    @inlinable
    public var sha256: Hash256 {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        // The hash, the 0x80 terminator, zeros, and the bit length 256 as a big-endian 64-bit.
        var block = (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian,
                     UInt64(0x80), UInt64(0), UInt64(0), UInt64(256).byteSwapped)
        Swift.withUnsafeBytes(of: &block) { SHA256_Transform(&context, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        let h = context.h
        func word(_ a: UInt32, _ b: UInt32) -> UInt64 {
            UInt64(a.bigEndian) | UInt64(b.bigEndian) << 32
        }
        return Hash256(w0: word(h.0, h.1), w1: word(h.2, h.3), w2: word(h.4, h.5), w3: word(h.6, h.7))
    }
}
