/// Checks of a transaction against the coins it spends (Core's `Consensus::CheckTxInputs`
/// and `GetTransactionSigOpCost`).
public enum InputCheck {
    /// Checks coinbase maturity and amounts, and returns the fee.
    ///
    /// - Parameters:
    ///   - transaction: a non-coinbase transaction.
    ///   - spent: the coin each input spends, in input order.
    ///   - spendHeight: the height of the block that would include the transaction.
    ///   - params: for the coinbase maturity.
    /// - Throws: `bad-txns-premature-spend-of-coinbase`, `bad-txns-inputvalues-outofrange`,
    ///   `bad-txns-in-belowout` or `bad-txns-fee-outofrange`.
    public static func check(_ transaction: Transaction, spent: [Coin], spendHeight: Int, params: ChainParams) throws(ValidationError) -> Amount {
        var valueIn = Amount.zero
        for coin in spent {
            if coin.isCoinbase && spendHeight - coin.height < params.coinbaseMaturity {
                throw ValidationError(.prematureSpend, "bad-txns-premature-spend-of-coinbase",
                                      "tried to spend coinbase at depth \(spendHeight - coin.height)")
            }
            guard coin.output.value.isInMoneyRange, let sum = valueIn.adding(coin.output.value) else {
                throw .consensus("bad-txns-inputvalues-outofrange")
            }
            valueIn = sum
        }
        // CheckTransaction already bounded the outputs; an unchecked transaction still fails cleanly.
        guard let valueOut = transaction.totalOutputValue else { throw .consensus("bad-txns-txouttotal-toolarge") }
        guard valueIn >= valueOut else {
            throw .consensus("bad-txns-in-belowout", "value in (\(valueIn.btcString)) < value out (\(valueOut.btcString))")
        }
        guard let fee = valueIn.subtracting(valueOut) else { throw .consensus("bad-txns-fee-outofrange") }
        return fee
    }

    /// The sigop cost of a transaction (Core's `GetTransactionSigOpCost`): legacy sigops × 4,
    /// plus P2SH sigops × 4 and witness sigops for non-coinbase transactions.
    public static func sigOpCost(_ transaction: Transaction, spent: [Coin], flags: ScriptFlags) -> Int {
        var cost = transaction.legacySigOpCount * Weight.witnessScaleFactor
        guard !transaction.isCoinbase else { return cost }
        for (input, coin) in zip(transaction.inputs, spent) {
            let script = coin.output.scriptPubKey
            if flags.contains(.p2sh) && script.isPayToScriptHash {
                cost += script.p2shSigOpCount(scriptSig: input.scriptSig) * Weight.witnessScaleFactor
            }
            cost += script.witnessSigOpCount(scriptSig: input.scriptSig, witness: input.witness, flags: flags)
        }
        return cost
    }
}

extension Transaction {
    /// Sigops in scriptSigs and scriptPubKeys, counted the inaccurate legacy way (Core's
    /// `GetLegacySigOpCount`).
    public var legacySigOpCount: Int {
        inputs.reduce(0) { $0 + $1.scriptSig.sigOpCount(accurate: false) }
            + outputs.reduce(0) { $0 + $1.scriptPubKey.sigOpCount(accurate: false) }
    }
}
