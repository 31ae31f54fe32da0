import BitcoinCrypto

/// The three ways Bitcoin hashes a transaction for a signature: legacy (with
/// OP_CODESEPARATOR removal and the SIGHASH_SINGLE bug), BIP 143 (segwit v0) and BIP 341
/// (taproot and tapscript).
public enum SignatureHash {
    /// The legacy signature hash (Core's `SignatureHash` for `SigVersion::BASE`).
    ///
    /// `scriptCode` is the script from the last executed OP_CODESEPARATOR; separators inside
    /// it are removed. SIGHASH_SINGLE with no matching output hashes to 1, the historical bug
    /// that consensus keeps. The full 32-bit `hashType` is appended to the preimage.
    public static func legacy(transaction tx: Transaction, inputIndex: Int, scriptCode: [UInt8], hashType: Int32) -> Hash256 {
        precondition(inputIndex < tx.inputs.count, "signature hash of a missing input")
        let base = hashType & 0x1f
        let anyoneCanPay = hashType & Int32(SighashType.anyoneCanPay) != 0
        let single = base == Int32(SighashType.single)
        let none = base == Int32(SighashType.none)
        if single && inputIndex >= tx.outputs.count {
            return Hash256(w0: 1, w1: 0, w2: 0, w3: 0)
        }
        var writer = ByteWriter(capacity: tx.baseSize + scriptCode.count + 8)
        writer.write(tx.version)
        let inputIndices = anyoneCanPay ? [inputIndex] : Array(tx.inputs.indices)
        writer.writeCompactSize(inputIndices.count)
        for index in inputIndices {
            let input = tx.inputs[index]
            input.prevout.encode(to: &writer)
            if index == inputIndex {
                writeWithoutCodeSeparators(scriptCode, to: &writer)
            } else {
                writer.writeCompactSize(0)
            }
            writer.write(index != inputIndex && (single || none) ? 0 : input.sequence)
        }
        let outputCount = none ? 0 : (single ? inputIndex + 1 : tx.outputs.count)
        writer.writeCompactSize(outputCount)
        for index in 0..<outputCount {
            if single && index != inputIndex {
                writer.write(Int64(-1))  // CTxOut(): value -1, empty script
                writer.writeCompactSize(0)
            } else {
                tx.outputs[index].encode(to: &writer)
            }
        }
        writer.write(tx.lockTime)
        writer.write(hashType)
        return hash256(writer.bytes)
    }

    /// Core's `SerializeScriptCode`: the script without OP_CODESEPARATORs, its length
    /// prefix counting the whole script minus the separators. Like Core, a truncated push
    /// ends the copy where parsing stopped.
    static func writeWithoutCodeSeparators(_ script: [UInt8], to writer: inout ByteWriter) {
        var separators = 0
        var position = 0
        while let operation = Script.readOperation(script, at: &position) {
            if operation.opcode == Opcode.codeSeparator.rawValue { separators += 1 }
        }
        writer.writeCompactSize(script.count - separators)
        var start = 0
        position = 0
        while let operation = Script.readOperation(script, at: &position) {
            if operation.opcode == Opcode.codeSeparator.rawValue {
                writer.write(script[start..<(position - 1)])
                start = position
            }
        }
        if start != script.count {
            writer.write(script[start..<min(position, script.count)])
        }
    }

    /// The BIP 143 signature hash for segwit v0 inputs. `amount` is the value of the output
    /// being spent. Uses `precomputed` hashes when given, else computes them.
    public static func witnessV0(transaction tx: Transaction, inputIndex: Int, scriptCode: [UInt8], amount: Amount,
                                 hashType: Int32, precomputed: PrecomputedTransactionData? = nil) -> Hash256 {
        precondition(inputIndex < tx.inputs.count, "signature hash of a missing input")
        let base = hashType & 0x1f
        let anyoneCanPay = hashType & Int32(SighashType.anyoneCanPay) != 0
        let single = base == Int32(SighashType.single)
        let none = base == Int32(SighashType.none)
        let cached = precomputed?.bip143

        var hashPrevouts = Hash256.zero
        var hashSequence = Hash256.zero
        var hashOutputs = Hash256.zero
        if !anyoneCanPay {
            hashPrevouts = cached?.prevouts ?? tx.digests.prevouts.sha256
        }
        if !anyoneCanPay && !single && !none {
            hashSequence = cached?.sequences ?? tx.digests.sequences.sha256
        }
        if !single && !none {
            hashOutputs = cached?.outputs ?? tx.digests.outputs.sha256
        } else if single && inputIndex < tx.outputs.count {
            var hasher = SHA256()
            hasher.update(tx.outputs[inputIndex])
            hashOutputs = hasher.finalize().sha256
        }
        // Streamed straight into SHA-256: the preimage is never assembled in memory.
        let input = tx.inputs[inputIndex]
        var hasher = SHA256()
        hasher.updateLittleEndian(tx.version)
        hasher.update(hashPrevouts)
        hasher.update(hashSequence)
        hasher.update(input.prevout)
        hasher.updateCompactSize(scriptCode.count)
        hasher.update(scriptCode)
        hasher.updateLittleEndian(amount.satoshis)
        hasher.updateLittleEndian(input.sequence)
        hasher.update(hashOutputs)
        hasher.updateLittleEndian(tx.lockTime)
        hasher.updateLittleEndian(hashType)
        return hasher.finalize().sha256
    }

    /// The BIP 341 signature hash for taproot key-path spends (`sigVersion` `.taproot`) and
    /// tapscript (`.tapscript`, BIP 342): the `TapSighash` tagged hash of
    /// ``taprootMessage(precomputed:inputIndex:hashType:sigVersion:execution:)``. Returns `nil`
    /// for an undefined hash type, for SIGHASH_SINGLE without a matching output, or when the
    /// spent outputs are unknown.
    public static func taproot(precomputed: PrecomputedTransactionData, inputIndex: Int, hashType: UInt8,
                               sigVersion: SigVersion, execution: ScriptExecutionData) -> Hash256? {
        guard let message = taprootMessage(precomputed: precomputed, inputIndex: inputIndex, hashType: hashType,
                                           sigVersion: sigVersion, execution: execution) else { return nil }
        return TaggedHash.tapSighash.hash(message)
    }

    /// BIP 341's signature message (`SigMsg` with the epoch byte), before tagged hashing.
    public static func taprootMessage(precomputed: PrecomputedTransactionData, inputIndex: Int, hashType: UInt8,
                                      sigVersion: SigVersion, execution: ScriptExecutionData) -> [UInt8]? {
        let tx = precomputed.transaction
        precondition(inputIndex < tx.inputs.count, "signature hash of a missing input")
        guard let cached = precomputed.bip341 else { return nil }
        guard hashType <= 0x03 || (0x81...0x83).contains(hashType) else { return nil }
        let outputType = hashType == SighashType.default ? SighashType.all : hashType & 0x03
        let anyoneCanPay = hashType & SighashType.anyoneCanPay != 0
        var writer = ByteWriter(capacity: 256)
        writer.write(UInt8(0))  // epoch
        writer.write(hashType)
        writer.write(tx.version)
        writer.write(tx.lockTime)
        if !anyoneCanPay {
            writer.write(cached.prevouts)
            writer.write(cached.amounts)
            writer.write(cached.scripts)
            writer.write(cached.sequences)
        }
        if outputType == SighashType.all { writer.write(cached.outputs) }
        let extFlag: UInt8 = sigVersion == .tapscript ? 1 : 0
        writer.write(extFlag << 1 | (execution.annexHash == nil ? 0 : 1))
        if anyoneCanPay {
            tx.inputs[inputIndex].prevout.encode(to: &writer)
            precomputed.spentOutputs[inputIndex].encode(to: &writer)
            writer.write(tx.inputs[inputIndex].sequence)
        } else {
            writer.write(UInt32(inputIndex))
        }
        if let annexHash = execution.annexHash { writer.write(annexHash) }
        if outputType == SighashType.single {
            guard inputIndex < tx.outputs.count else { return nil }
            writer.write(SHA256.hash(tx.outputs[inputIndex].serialized))
        }
        if sigVersion == .tapscript {
            writer.write(execution.tapleafHash)
            writer.write(UInt8(0))  // key version
            writer.write(execution.codeSeparatorPosition)
        }
        return writer.bytes
    }
}

/// State a script execution carries for taproot signature hashes and limits (Core's
/// `ScriptExecutionData`).
public struct ScriptExecutionData: Sendable {
    /// SHA256 of the serialised annex, when the witness has one.
    public var annexHash: Hash256?
    /// The BIP 341 leaf hash of the executing tapscript.
    public var tapleafHash: Hash256 = .zero
    /// The opcode position of the last executed OP_CODESEPARATOR, 0xffffffff for none.
    public var codeSeparatorPosition: UInt32 = 0xffff_ffff
    /// BIP 342's remaining validation weight budget.
    public var validationWeightLeft: Int64 = 0

    public init() {}
}
