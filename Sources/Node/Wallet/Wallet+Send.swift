import BitcoinCrypto
import Consensus

/// Why the wallet could not build or send a transaction.
public enum WalletError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spendable coins do not cover the amount and fee.
    case insufficientFunds(needed: Amount, available: Amount)
    /// The amount is zero, negative, or dust.
    case invalidAmount(Amount)
    /// The wallet does not know the transaction to double-spend.
    case unknownTransaction(Txid)
    /// The node refused the transaction.
    case rejected(Txid, ValidationError)
    /// The chain database failed.
    case chain(ChainStateError)
    /// The wallet's node no longer exists.
    case detached

    public var description: String {
        switch self {
        case let .insufficientFunds(needed, available): return "insufficient funds: need \(needed), have \(available)"
        case let .invalidAmount(amount): return "invalid amount \(amount)"
        case let .unknownTransaction(txid): return "unknown transaction \(txid)"
        case let .rejected(txid, error): return "transaction \(txid) rejected: \(error)"
        case let .chain(error): return error.description
        case .detached: return "the wallet's node no longer exists"
        }
    }
}

extension Wallet {
    /// The default fee rate of wallet transactions: 2 sat/vB.
    public static let defaultFeeRate = FeeRate(satoshisPerKilovirtualByte: 2000)

    /// Builds, funds, signs and submits a payment of `amount` to `address` (Core's
    /// `sendtoaddress`). Change goes to a new address of the wallet.
    ///
    /// - Parameters:
    ///   - amount: what the recipient gets.
    ///   - address: the recipient.
    ///   - feeRate: the fee rate to pay.
    ///   - now: the node's clock, Unix seconds.
    /// - Returns: the transaction, accepted by the node's mempool.
    @discardableResult
    public func send(_ amount: Amount, to address: Address, feeRate: FeeRate = Wallet.defaultFeeRate, now: Int64) throws(WalletError) -> Transaction {
        let transaction = try createTransaction(paying: [(address, amount)], feeRate: feeRate)
        try submit(transaction, now: now)
        return transaction
    }

    /// Submits a transaction to the wallet's node, which relays its outcome back.
    public func submit(_ transaction: Transaction, now: Int64) throws(WalletError) {
        guard let node else { throw .detached }
        let result: MempoolResult
        do { result = try node.submitTransaction(transaction, now: now) } catch { throw .chain(error) }
        if case .rejected(let error) = result.acceptance { throw .rejected(transaction.txid, error) }
    }

    /// A funded and signed transaction paying `outputs`, not yet submitted.
    public func createTransaction(paying outputs: [(address: Address, amount: Amount)], feeRate: FeeRate) throws(WalletError) -> Transaction {
        let payments = outputs.map { TxOut(value: $0.amount, scriptPubKey: $0.address.scriptPubKey) }
        for payment in payments where payment.value <= .zero || StandardPolicy.isDust(payment) {
            throw .invalidAmount(payment.value)
        }
        let target = payments.reduce(Int64(0)) { $0 + $1.value.satoshis }
        // Confirmed coins first, largest first; then the wallet's own unconfirmed change.
        let candidates = listUnspent().filter(\.spendable).sorted {
            ($0.confirmations > 0 ? 0 : 1, -$0.output.value.satoshis, $0.outpoint) < ($1.confirmations > 0 ? 0 : 1, -$1.output.value.satoshis, $1.outpoint)
        }
        let changeAddress = Address.witness(version: 0, program: [UInt8](repeating: 0, count: 20))
        var selected = [Unspent]()
        var total: Int64 = 0
        for coin in candidates {
            selected.append(coin)
            total += coin.output.value.satoshis
            let fee = feeRate.fee(virtualSize: estimatedSize(inputs: selected, outputs: payments + [TxOut(value: .zero, scriptPubKey: changeAddress.scriptPubKey)]))
            if total >= target + fee.satoshis { break }
        }
        let feeWithChange = feeRate.fee(virtualSize: estimatedSize(inputs: selected, outputs: payments + [TxOut(value: .zero, scriptPubKey: changeAddress.scriptPubKey)])).satoshis
        let feeWithoutChange = feeRate.fee(virtualSize: estimatedSize(inputs: selected, outputs: payments)).satoshis
        guard total >= target + feeWithoutChange else {
            throw .insufficientFunds(needed: Amount(unchecked: target + feeWithoutChange), available: Amount(unchecked: total))
        }
        var transactionOutputs = payments
        let change = TxOut(value: Amount(unchecked: total - target - feeWithChange), scriptPubKey: newAddress().scriptPubKey)
        if change.value.satoshis > 0 && !StandardPolicy.isDust(change) {
            transactionOutputs.append(change)  // otherwise the remainder goes to the fee
        }
        return sign(inputs: selected, outputs: transactionOutputs)
    }

    /// Spends exactly the coins of `original` again, to `address`, for a demonstration of a
    /// double-spend: all the value less the fee goes to `address`. With `feeRate` above the
    /// original's, nodes with full RBF accept it as a replacement; otherwise they keep the
    /// first seen.
    public func createDoubleSpend(of original: Txid, to address: Address, feeRate: FeeRate = Wallet.defaultFeeRate) throws(WalletError) -> Transaction {
        guard let record = records[original] else { throw .unknownTransaction(original) }
        return try createDoubleSpend(of: record.transaction, to: address, feeRate: feeRate)
    }

    /// Spends exactly the inputs of `original` (a transaction of this wallet's coins, known
    /// to the network or not) again, to `address`.
    public func createDoubleSpend(of original: Transaction, to address: Address, feeRate: FeeRate = Wallet.defaultFeeRate) throws(WalletError) -> Transaction {
        var inputs = [Unspent]()
        for input in original.inputs {
            guard let funding = records[input.prevout.txid], Int(input.prevout.index) < funding.transaction.outputs.count else {
                throw .unknownTransaction(input.prevout.txid)
            }
            inputs.append(Unspent(outpoint: input.prevout, output: funding.transaction.outputs[Int(input.prevout.index)],
                                  confirmations: 0, isCoinbase: funding.transaction.isCoinbase, spendable: true))
        }
        let total = inputs.reduce(Int64(0)) { $0 + $1.output.value.satoshis }
        let payment = TxOut(value: .zero, scriptPubKey: address.scriptPubKey)
        let fee = feeRate.fee(virtualSize: estimatedSize(inputs: inputs, outputs: [payment])).satoshis
        guard total - fee > 0 else { throw .insufficientFunds(needed: Amount(unchecked: fee), available: Amount(unchecked: total)) }
        return sign(inputs: inputs, outputs: [TxOut(value: Amount(unchecked: total - fee), scriptPubKey: address.scriptPubKey)])
    }

    /// Signs a transaction spending `inputs` (coins of this wallet) to `outputs`. Inputs
    /// signal replaceability (BIP 125), as Core's wallet does by default.
    func sign(inputs: [Unspent], outputs: [TxOut]) -> Transaction {
        let unsigned = MutableTransaction(
            version: 2,
            inputs: inputs.map { TxIn(prevout: $0.outpoint, sequence: TxIn.maxSequenceNonFinal - 1) },
            outputs: outputs, lockTime: 0)
        return signTransaction(unsigned, spending: inputs)
    }

    /// Signs every input of `unsigned` (Core's `signrawtransactionwithwallet`); `coins` are
    /// the outputs its inputs spend, in input order, all paying keys of this wallet.
    public func signTransaction(_ unsigned: MutableTransaction, spending coins: [Unspent]) -> Transaction {
        precondition(coins.count == unsigned.inputs.count, "one coin per input")
        let signingKeys = coins.map { coin -> SigningKey in
            guard let key = keys[coin.output.scriptPubKey] else { preconditionFailure("the wallet has no key for \(coin.outpoint)") }
            switch key.kind {
            case .p2wpkh: return .p2wpkh(key.privateKey)
            case .p2pkh: return .p2pkh(key.privateKey)
            case .p2tr: return .p2trKeyPath(internalKey: key.privateKey)
            }
        }
        return TransactionSigner.sign(unsigned, spentOutputs: coins.map(\.output), keys: signingKeys)
    }

    /// The virtual size of a signed transaction, with the largest signatures (72-byte DER).
    func estimatedSize(inputs: [Unspent], outputs: [TxOut]) -> Int {
        var base = 4 + 4 + ByteWriter.compactSizeLength(inputs.count) + ByteWriter.compactSizeLength(outputs.count)
        var witness = 0
        for coin in inputs {
            base += 32 + 4 + 4
            switch keys[coin.output.scriptPubKey]?.kind ?? .p2wpkh {
            case .p2pkh: base += 1 + 1 + 73 + 1 + 33
            case .p2wpkh: base += 1; witness += 1 + 1 + 73 + 1 + 33
            case .p2tr: base += 1; witness += 1 + 1 + 64
            }
        }
        if witness > 0 { witness += 2 }  // marker and flag
        for output in outputs { base += 8 + ByteWriter.compactSizeLength(output.scriptPubKey.count) + output.scriptPubKey.count }
        return Weight(base * 4 + witness).virtualSize
    }
}
