import COpenSSL

/// SHA-1 through OpenSSL, needed only by the script opcode `OP_SHA1`.
public enum SHA1 {
    /// The 20-byte SHA-1 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 20)
        bytes.withUnsafeBufferPointer { buffer in
            _ = COpenSSL.SHA1(buffer.baseAddress, buffer.count, &digest)
        }
        return digest
    }
}
