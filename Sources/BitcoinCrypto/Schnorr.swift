import CSecp256k1

/// BIP 340 Schnorr signature verification.
public enum Schnorr {
    /// Verifies a 64-byte `signature` over `message` (any length) with the 32-byte x-only
    /// `publicKey`. Returns false for a key that is not on the curve or a signature of the
    /// wrong size.
    public static func verify(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, publicKey: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64, publicKey.count == 32 else { return false }
        let context = Secp256k1Context.shared.raw
        var point = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(
            context, &point, publicKey.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
        else { return false }
        let messagePointer = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return secp256k1_schnorrsig_verify(
            context, signature.baseAddress!.assumingMemoryBound(to: UInt8.self),
            messagePointer, message.count, &point) == 1
    }

    /// Verifies a 64-byte `signature` over `message` with the 32-byte x-only `publicKey`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        signature.withUnsafeBytes { sig in
            message.withUnsafeBytes { msg in
                publicKey.withUnsafeBytes { key in verify(signature: sig, message: msg, publicKey: key) }
            }
        }
    }

    /// Verifies a 64-byte `signature` over a 32-byte `hash` with the 32-byte x-only `publicKey`.
    public static func verify(signature: [UInt8], hash: Hash256, publicKey: [UInt8]) -> Bool {
        hash.withUnsafeBytes { msg in
            signature.withUnsafeBytes { sig in
                publicKey.withUnsafeBytes { key in verify(signature: sig, message: msg, publicKey: key) }
            }
        }
    }
}
