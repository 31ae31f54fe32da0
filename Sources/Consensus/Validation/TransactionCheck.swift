/// Context-free transaction checks (Core's `CheckTransaction`): what can be decided from
/// the transaction alone.
public enum TransactionCheck {
    /// Throws Core's reject reason for the first violated rule: no inputs or outputs,
    /// oversize, negative or too large outputs, duplicate inputs, a coinbase scriptSig
    /// outside 2–100 bytes, or a null prevout in a non-coinbase.
    public static func check(_ tx: Transaction) throws(ValidationError) {
        if tx.inputs.isEmpty { throw .consensus("bad-txns-vin-empty") }
        if tx.outputs.isEmpty { throw .consensus("bad-txns-vout-empty") }
        if tx.baseSize * Weight.witnessScaleFactor > Weight.maxBlock.units { throw .consensus("bad-txns-oversize") }
        var total = Amount.zero
        for output in tx.outputs {
            if output.value.satoshis < 0 { throw .consensus("bad-txns-vout-negative") }
            if output.value > Amount.maxMoney { throw .consensus("bad-txns-vout-toolarge") }
            guard let sum = total.adding(output.value) else { throw .consensus("bad-txns-txouttotal-toolarge") }
            total = sum
        }
        var seen = Set<OutPoint>(minimumCapacity: tx.inputs.count)
        for input in tx.inputs where !seen.insert(input.prevout).inserted {
            throw .consensus("bad-txns-inputs-duplicate")
        }
        if tx.isCoinbase {
            if !(2...100).contains(tx.inputs[0].scriptSig.count) { throw .consensus("bad-cb-length") }
        } else if tx.inputs.contains(where: { $0.prevout.isNull }) {
            throw .consensus("bad-txns-prevout-null")
        }
    }
}
