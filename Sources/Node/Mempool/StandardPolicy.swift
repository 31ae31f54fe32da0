import Consensus

/// Bitcoin Core's standardness rules (`policy.cpp`): what a node relays and mines by
/// default, beyond what consensus allows.
public enum StandardPolicy {
    /// The largest standard transaction weight (`MAX_STANDARD_TX_WEIGHT`).
    public static let maxTransactionWeight = 400_000
    /// The smallest standard transaction without witness (`MIN_STANDARD_TX_NONWITNESS_SIZE`).
    public static let minNonWitnessSize = 65
    /// The largest standard scriptSig.
    public static let maxScriptSigSize = 1650
    /// The most sigop cost a standard transaction may have (`MAX_STANDARD_TX_SIGOPS_COST`).
    public static let maxSigOpsCost = 16_000
    /// Core's dust relay fee: an output is dust when spending it costs more than it holds at 3 sat/vB.
    public static let dustRelayFeeRate = FeeRate(satoshisPerKilovirtualByte: 3000)

    /// Core's `IsStandardTx`: throws the reason a transaction is not standard.
    public static func check(_ tx: Transaction) throws(ValidationError) {
        guard (1...3).contains(tx.version) else { throw ValidationError(.policy, "version") }
        if tx.weight.units > maxTransactionWeight { throw ValidationError(.policy, "tx-size") }
        if tx.baseSize < minNonWitnessSize { throw ValidationError(.policy, "tx-size-small") }
        for input in tx.inputs {
            if input.scriptSig.count > maxScriptSigSize { throw ValidationError(.policy, "scriptsig-size") }
            if !input.scriptSig.isPushOnly { throw ValidationError(.policy, "scriptsig-not-pushonly") }
        }
        var dataOutputs = 0
        for output in tx.outputs {
            let template = ScriptTemplate(output.scriptPubKey)
            switch template {
            case .nonStandard: throw ValidationError(.policy, "scriptpubkey")
            case .multisig(let required, let keys) where keys.count > 3 || required > keys.count:
                throw ValidationError(.policy, "scriptpubkey")
            case .nullData:
                dataOutputs += 1
            default:
                if isDust(output) { throw ValidationError(.policy, "dust") }
            }
        }
        if dataOutputs > 1 { throw ValidationError(.policy, "multi-op-return") }
    }

    /// Core's `IsDust`: the output is worth less than the fee to spend it at the dust rate.
    public static func isDust(_ output: TxOut) -> Bool {
        output.value < dustThreshold(output.scriptPubKey)
    }

    /// Core's `GetDustThreshold`: the output's size plus the input that would spend it.
    public static func dustThreshold(_ script: Script) -> Amount {
        if script.isUnspendable { return .zero }
        let outputSize = 8 + ByteWriter.compactSizeLength(script.count) + script.count
        // A witness spend is about 67 vbytes (32 + 4 + 1 + 107/4 + 4), a legacy one 148 bytes.
        let spendSize = script.witnessProgram != nil ? 32 + 4 + 1 + (107 / 4) + 4 : 32 + 4 + 1 + 107 + 4
        return dustRelayFeeRate.fee(virtualSize: outputSize + spendSize)
    }

    /// True when the transaction signals BIP 125 replaceability (an input sequence below 0xfffffffe).
    public static func signalsReplacement(_ tx: Transaction) -> Bool {
        tx.inputs.contains { $0.sequence < TxIn.maxSequenceNonFinal }
    }
}
