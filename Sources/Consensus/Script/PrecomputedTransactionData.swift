import BitcoinCrypto

/// Hashes of a transaction's parts that every one of its signature hashes shares (Core's
/// `PrecomputedTransactionData`), computed once per transaction instead of once per input.
public final class PrecomputedTransactionData: Sendable {
    /// The transaction.
    public let transaction: Transaction
    /// The outputs its inputs spend, in input order (empty when unknown).
    public let spentOutputs: [TxOut]

    /// BIP 143's double-SHA256 hashes, present when some input carries a witness that is
    /// not a known taproot spend.
    let bip143: (prevouts: Hash256, sequences: Hash256, outputs: Hash256)?
    /// BIP 341's single-SHA256 hashes, present when some input spends a taproot output.
    let bip341: (prevouts: Hash256, amounts: Hash256, scripts: Hash256, sequences: Hash256, outputs: Hash256)?

    /// Precomputes what the transaction's inputs need. `spentOutputs` is required for taproot
    /// spends (BIP 341 commits to every spent amount and script). Without `force`, only the
    /// hashes that the inputs' witnesses call for are computed; signers, whose inputs have no
    /// witness yet, pass `force: true` to get them all.
    public init(transaction: Transaction, spentOutputs: [TxOut] = [], force: Bool = false) {
        self.transaction = transaction
        let known = spentOutputs.count == transaction.inputs.count
        self.spentOutputs = known ? spentOutputs : []
        var usesBIP143 = force
        var usesBIP341 = force
        for (index, input) in transaction.inputs.enumerated() where !input.witness.isEmpty {
            let script = known ? spentOutputs[index].scriptPubKey.bytes : []
            if script.count == 34 && script[0] == Opcode.op1.rawValue {
                usesBIP341 = true
            } else {
                usesBIP143 = true
            }
        }
        if usesBIP143 || usesBIP341 {
            let digests = transaction.digests
            let (prevouts, sequences, outputs) = (digests.prevouts, digests.sequences, digests.outputs)
            bip143 = usesBIP143 ? (prevouts.sha256, sequences.sha256, outputs.sha256) : nil
            if usesBIP341 && known {
                var amounts = ByteWriter(capacity: 8 * spentOutputs.count)
                var scripts = ByteWriter()
                for output in spentOutputs {
                    amounts.write(output.value.satoshis)
                    scripts.writeVarBytes(output.scriptPubKey.bytes)
                }
                bip341 = (prevouts, SHA256.hash(amounts.bytes), SHA256.hash(scripts.bytes), sequences, outputs)
            } else {
                bip341 = nil
            }
        } else {
            bip143 = nil
            bip341 = nil
        }
    }
}
