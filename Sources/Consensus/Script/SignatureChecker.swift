import BitcoinCrypto

/// What the script interpreter asks of the transaction it is checking (Core's
/// `BaseSignatureChecker`).
public protocol SignatureChecker {
    /// True when `signature` (DER plus a hash-type byte) is a valid ECDSA signature by
    /// `publicKey` of this input's signature hash under `scriptCode`.
    func checkECDSASignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: [UInt8], sigVersion: SigVersion) -> Bool
    /// Checks a BIP 340 signature (64 bytes, or 65 with a hash-type byte) by a 32-byte key of
    /// this input's BIP 341 signature hash; throws the precise reason on failure.
    func checkSchnorrSignature(_ signature: [UInt8], publicKey: [UInt8], sigVersion: SigVersion, execution: ScriptExecutionData) throws(ScriptError)
    /// OP_CHECKLOCKTIMEVERIFY's comparison with the transaction's lock time.
    func checkLockTime(_ lockTime: Int64) -> Bool
    /// OP_CHECKSEQUENCEVERIFY's comparison with this input's sequence.
    func checkSequence(_ sequence: Int64) -> Bool
}

/// A checker that fails every signature and lock-time check: for running scripts that
/// need no transaction.
public struct NoSignatureChecker: SignatureChecker {
    public init() {}
    public func checkECDSASignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: [UInt8], sigVersion: SigVersion) -> Bool { false }
    public func checkSchnorrSignature(_ signature: [UInt8], publicKey: [UInt8], sigVersion: SigVersion, execution: ScriptExecutionData) throws(ScriptError) {
        throw .schnorrSig
    }
    public func checkLockTime(_ lockTime: Int64) -> Bool { false }
    public func checkSequence(_ sequence: Int64) -> Bool { false }
}

/// Checks signatures against input `inputIndex` of a transaction (Core's
/// `TransactionSignatureChecker`), through a shared ``SignatureCache`` when given.
public struct TransactionSignatureChecker: SignatureChecker {
    public let precomputed: PrecomputedTransactionData
    public let inputIndex: Int
    /// The value of the output this input spends (committed to by segwit signature hashes).
    public let amount: Amount
    public let cache: SignatureCache?

    public init(precomputed: PrecomputedTransactionData, inputIndex: Int, amount: Amount, cache: SignatureCache? = nil) {
        self.precomputed = precomputed
        self.inputIndex = inputIndex
        self.amount = amount
        self.cache = cache
    }

    var transaction: Transaction { precomputed.transaction }

    public func checkECDSASignature(_ signature: [UInt8], publicKey: [UInt8], scriptCode: [UInt8], sigVersion: SigVersion) -> Bool {
        guard let hashType = signature.last, Self.hasValidKeyShape(publicKey) else { return false }
        let sighash: Hash256
        if sigVersion == .witnessV0 {
            sighash = SignatureHash.witnessV0(transaction: transaction, inputIndex: inputIndex, scriptCode: scriptCode,
                                              amount: amount, hashType: Int32(hashType), precomputed: precomputed)
        } else {
            sighash = SignatureHash.legacy(transaction: transaction, inputIndex: inputIndex, scriptCode: scriptCode,
                                           hashType: Int32(hashType))
        }
        let der = signature.dropLast()
        let key = cache.map { _ in SignatureCache.key(kind: 0, sighash: sighash, publicKey: publicKey, signature: der) }
        if let key, cache!.contains(key) { return true }
        let valid = der.withUnsafeBytes { sig in
            publicKey.withUnsafeBytes { pub in ECDSA.verify(signature: sig, hash: sighash, publicKey: pub) }
        }
        if valid, let key { cache!.insert(key) }
        return valid
    }

    /// Core's `CPubKey::IsValid` shape test, done before any hashing.
    private static func hasValidKeyShape(_ key: [UInt8]) -> Bool {
        guard let first = key.first else { return false }
        switch first {
        case 2, 3: return key.count == 33
        case 4, 6, 7: return key.count == 65
        default: return false
        }
    }

    public func checkSchnorrSignature(_ signature: [UInt8], publicKey: [UInt8], sigVersion: SigVersion, execution: ScriptExecutionData) throws(ScriptError) {
        guard signature.count == 64 || signature.count == 65 else { throw .schnorrSigSize }
        var hashType = SighashType.default
        if signature.count == 65 {
            hashType = signature[64]
            guard hashType != SighashType.default else { throw .schnorrSigHashtype }
        }
        guard let sighash = SignatureHash.taproot(precomputed: precomputed, inputIndex: inputIndex, hashType: hashType,
                                                  sigVersion: sigVersion, execution: execution) else {
            throw .schnorrSigHashtype
        }
        let body = signature[0..<64]
        let key = cache.map { _ in SignatureCache.key(kind: 1, sighash: sighash, publicKey: publicKey, signature: body) }
        if let key, cache!.contains(key) { return }
        let valid = body.withUnsafeBytes { sig in
            sighash.withUnsafeBytes { message in
                publicKey.withUnsafeBytes { pub in Schnorr.verify(signature: sig, message: message, publicKey: pub) }
            }
        }
        guard valid else { throw .schnorrSig }
        if let key { cache!.insert(key) }
    }

    public func checkLockTime(_ lockTime: Int64) -> Bool {
        let txLockTime = Int64(transaction.lockTime)
        let threshold = Int64(LockTime.threshold)
        // Compare like with like: block heights with heights, times with times.
        guard (txLockTime < threshold && lockTime < threshold) || (txLockTime >= threshold && lockTime >= threshold) else {
            return false
        }
        guard lockTime <= txLockTime else { return false }
        // A final input would let the transaction bypass its lock time altogether.
        return transaction.inputs[inputIndex].sequence != TxIn.sequenceFinal
    }

    public func checkSequence(_ sequence: Int64) -> Bool {
        let txSequence = Int64(transaction.inputs[inputIndex].sequence)
        // Compared unsigned, as Core does since versions became uint32 (and as BIP 68 does).
        guard UInt32(bitPattern: transaction.version) >= 2 else { return false }
        guard txSequence & Int64(TxIn.sequenceLocktimeDisableFlag) == 0 else { return false }
        let mask = Int64(TxIn.sequenceLocktimeTypeFlag | TxIn.sequenceLocktimeMask)
        let txMasked = txSequence & mask
        let masked = sequence & mask
        let typeFlag = Int64(TxIn.sequenceLocktimeTypeFlag)
        guard (txMasked < typeFlag && masked < typeFlag) || (txMasked >= typeFlag && masked >= typeFlag) else {
            return false
        }
        return masked <= txMasked
    }
}
