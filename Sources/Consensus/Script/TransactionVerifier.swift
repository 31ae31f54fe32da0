/// Checks every input script of a transaction against the outputs it spends, through
/// shared signature and script-execution caches.
public struct TransactionVerifier: Sendable {
    /// Shared by every node of a process: each signature is verified once.
    public let signatureCache: SignatureCache?
    /// Shared by every node of a process: each transaction's scripts run once per flag set.
    public let scriptCache: ScriptExecutionCache?

    /// A verifier using the given caches (pass `nil` to verify everything afresh).
    public init(signatureCache: SignatureCache? = SignatureCache(), scriptCache: ScriptExecutionCache? = ScriptExecutionCache()) {
        self.signatureCache = signatureCache
        self.scriptCache = scriptCache
    }

    /// An input that failed, and why.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let inputIndex: Int
        public let error: ScriptError
        public var description: String { "input \(inputIndex): \(error)" }
    }

    /// Verifies all inputs of `transaction`.
    ///
    /// - Parameters:
    ///   - transaction: the spending transaction.
    ///   - spentOutputs: the output each input spends, in input order.
    ///   - flags: the script verification flags.
    /// - Throws: ``Failure`` naming the first input that fails and its ``ScriptError``.
    public func verify(_ transaction: Transaction, spentOutputs: [TxOut], flags: ScriptFlags) throws(Failure) {
        precondition(spentOutputs.count == transaction.inputs.count, "one spent output per input")
        let cacheKey = scriptCache.map { _ in ScriptExecutionCache.key(wtxid: transaction.wtxid, flags: flags) }
        if let cacheKey, scriptCache!.contains(cacheKey) { return }
        let precomputed = PrecomputedTransactionData(transaction: transaction, spentOutputs: spentOutputs)
        for (index, input) in transaction.inputs.enumerated() {
            let checker = TransactionSignatureChecker(precomputed: precomputed, inputIndex: index,
                                                      amount: spentOutputs[index].value, cache: signatureCache)
            do {
                try ScriptVerification.verify(scriptSig: input.scriptSig, scriptPubKey: spentOutputs[index].scriptPubKey,
                                              witness: input.witness, flags: flags, checker: checker)
            } catch {
                throw Failure(inputIndex: index, error: error)
            }
        }
        if let cacheKey { scriptCache!.insert(cacheKey) }
    }
}
