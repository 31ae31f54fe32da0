import BitcoinCrypto

/// How one input is signed: the key and the kind of output it spends.
public enum SigningKey: Sendable {
    /// A P2PKH output: the scriptSig becomes `<signature> <public key>`.
    case p2pkh(PrivateKey, compressed: Bool = true)
    /// A P2WPKH output: the witness becomes `<signature> <compressed public key>`.
    case p2wpkh(PrivateKey)
    /// A P2TR output spent by key path: the witness becomes one BIP 340 signature by the
    /// internal key tweaked with `merkleRoot` (nil for a key-only output).
    case p2trKeyPath(internalKey: PrivateKey, merkleRoot: Hash256? = nil)
}

/// Signs transactions spending P2PKH, P2WPKH and P2TR (key path) outputs. The wallet uses
/// it; tests use it to build real, verifiable spends.
public enum TransactionSigner {
    /// Signs every input of `unsigned`.
    ///
    /// - Parameters:
    ///   - unsigned: the transaction with empty scriptSigs and witnesses.
    ///   - spentOutputs: the output each input spends, in input order.
    ///   - keys: how to sign each input, in input order.
    ///   - hashType: the signature hash type; `SighashType.default` for taproot inputs means
    ///     ALL with a 64-byte signature, and means ALL for ECDSA inputs.
    /// - Returns: the signed transaction.
    public static func sign(_ unsigned: MutableTransaction, spentOutputs: [TxOut], keys: [SigningKey],
                            hashType: UInt8 = SighashType.default) -> Transaction {
        precondition(spentOutputs.count == unsigned.inputs.count && keys.count == unsigned.inputs.count,
                     "one spent output and one key per input")
        let base = unsigned.transaction
        let precomputed = PrecomputedTransactionData(transaction: base, spentOutputs: spentOutputs, force: true)
        var signed = unsigned
        let ecdsaHashType = hashType == SighashType.default ? SighashType.all : hashType
        for (index, key) in keys.enumerated() {
            switch key {
            case let .p2pkh(privateKey, compressed):
                let sighash = SignatureHash.legacy(transaction: base, inputIndex: index,
                                                   scriptCode: spentOutputs[index].scriptPubKey.bytes,
                                                   hashType: Int32(ecdsaHashType))
                let signature = privateKey.signECDSA(sighash) + [ecdsaHashType]
                signed.inputs[index].scriptSig = Script(Script.push(signature) + Script.push(privateKey.publicKey(compressed: compressed).bytes))
            case let .p2wpkh(privateKey):
                let publicKey = privateKey.publicKey()
                let scriptCode = Address.p2pkh(publicKey.hash160).scriptPubKey.bytes
                let sighash = SignatureHash.witnessV0(transaction: base, inputIndex: index, scriptCode: scriptCode,
                                                      amount: spentOutputs[index].value, hashType: Int32(ecdsaHashType),
                                                      precomputed: precomputed)
                signed.inputs[index].witness = [privateKey.signECDSA(sighash) + [ecdsaHashType], publicKey.bytes]
            case let .p2trKeyPath(internalKey, merkleRoot):
                guard let tweaked = internalKey.taprootTweaked(merkleRoot: merkleRoot),
                      let sighash = SignatureHash.taproot(precomputed: precomputed, inputIndex: index, hashType: hashType,
                                                          sigVersion: .taproot, execution: ScriptExecutionData())
                else { preconditionFailure("taproot signing needs a valid key, hash type and spent outputs") }
                let signature = tweaked.signSchnorr(message: sighash.bytes)
                signed.inputs[index].witness = [hashType == SighashType.default ? signature : signature + [hashType]]
            }
        }
        return signed.transaction
    }
}
