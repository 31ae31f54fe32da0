import COpenSSL

/// RIPEMD-160 through OpenSSL.
public enum RIPEMD160 {
    /// The 20-byte RIPEMD-160 digest of `buffer`.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var context = RIPEMD160_CTX()
        RIPEMD160_Init(&context)
        if let base = buffer.baseAddress, buffer.count > 0 {
            RIPEMD160_Update(&context, base, buffer.count)
        }
        var digest = [UInt8](repeating: 0, count: 20)
        RIPEMD160_Final(&digest, &context)
        return digest
    }

    /// The 20-byte RIPEMD-160 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }
}

/// Bitcoin's HASH160: RIPEMD-160 of SHA-256 (public key and script hashes in addresses).
public func hash160(_ bytes: [UInt8]) -> [UInt8] {
    SHA256.hash(bytes).withUnsafeBytes { RIPEMD160.hash($0) }
}

/// Bitcoin's HASH160 of `buffer`.
public func hash160(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
    SHA256.hash(buffer).withUnsafeBytes { RIPEMD160.hash($0) }
}
