import BitcoinCrypto

/// The encoding rules a script applies to signatures and public keys before checking them
/// (Core's `CheckSignatureEncoding` and `CheckPubKeyEncoding`).
public enum SignatureEncoding {
    /// BIP 66 strict DER: `0x30 len 0x02 lenR R 0x02 lenS S hashtype`, minimal and positive
    /// integers, lengths consistent (Core's `IsValidSignatureEncoding`).
    public static func isStrictDER(_ sig: [UInt8]) -> Bool {
        guard (9...73).contains(sig.count), sig[0] == 0x30, Int(sig[1]) == sig.count - 3 else { return false }
        let lenR = Int(sig[3])
        guard 5 + lenR < sig.count else { return false }
        let lenS = Int(sig[5 + lenR])
        guard lenR + lenS + 7 == sig.count, sig[2] == 0x02, lenR != 0, sig[4] & 0x80 == 0 else { return false }
        if lenR > 1 && sig[4] == 0x00 && sig[5] & 0x80 == 0 { return false }
        guard sig[lenR + 4] == 0x02, lenS != 0, sig[lenR + 6] & 0x80 == 0 else { return false }
        if lenS > 1 && sig[lenR + 6] == 0x00 && sig[lenR + 7] & 0x80 == 0 { return false }
        return true
    }

    /// True when the last byte is SIGHASH_ALL, NONE or SINGLE, optionally with ANYONECANPAY.
    public static func hasDefinedHashType(_ sig: [UInt8]) -> Bool {
        guard let last = sig.last else { return false }
        let base = last & ~SighashType.anyoneCanPay
        return base >= SighashType.all && base <= SighashType.single
    }

    /// Applies the DERSIG, LOW_S and STRICTENC rules to a signature with its hash-type byte.
    /// The empty signature always passes (it is the compact way to fail a CHECKSIG).
    public static func check(signature sig: [UInt8], flags: ScriptFlags) throws(ScriptError) {
        guard !sig.isEmpty else { return }
        if !flags.isDisjoint(with: [.derSig, .lowS, .strictEncoding]) && !isStrictDER(sig) {
            throw .sigDER
        }
        if flags.contains(.lowS) && !ECDSA.hasLowS(signature: Array(sig.dropLast())) {
            throw .sigHighS
        }
        if flags.contains(.strictEncoding) && !hasDefinedHashType(sig) {
            throw .sigHashtype
        }
    }

    /// Applies STRICTENC (compressed or uncompressed key shapes only) and, in segwit v0,
    /// WITNESS_PUBKEYTYPE (compressed only).
    public static func check(publicKey key: [UInt8], flags: ScriptFlags, sigVersion: SigVersion) throws(ScriptError) {
        if flags.contains(.strictEncoding) && !isCompressedOrUncompressed(key) { throw .pubkeyType }
        if flags.contains(.witnessPubkeyType) && sigVersion == .witnessV0 && !isCompressed(key) {
            throw .witnessPubkeyType
        }
    }

    static func isCompressedOrUncompressed(_ key: [UInt8]) -> Bool {
        guard key.count >= 33 else { return false }
        switch key[0] {
        case 0x04: return key.count == 65
        case 0x02, 0x03: return key.count == 33
        default: return false
        }
    }

    static func isCompressed(_ key: [UInt8]) -> Bool {
        key.count == 33 && (key[0] == 0x02 || key[0] == 0x03)
    }
}

/// Which rules a signature is checked under (Core's `SigVersion`).
public enum SigVersion: Sendable, Equatable {
    /// Legacy and P2SH scripts.
    case base
    /// Segwit v0 scripts (BIP 143 signature hash).
    case witnessV0
    /// Taproot key-path spends (BIP 341).
    case taproot
    /// Tapscript (BIP 342).
    case tapscript
}

/// Signature hash types.
public enum SighashType {
    /// BIP 341's default: like ALL, with no hash-type byte on the signature.
    public static let `default`: UInt8 = 0x00
    public static let all: UInt8 = 0x01
    public static let none: UInt8 = 0x02
    public static let single: UInt8 = 0x03
    public static let anyoneCanPay: UInt8 = 0x80
}
