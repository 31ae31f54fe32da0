import Consensus

/// What happened to a transaction offered to the mempool.
public enum MempoolAcceptance: Sendable, Equatable {
    /// In the mempool.
    case accepted
    /// Its inputs are unknown; kept until its parents arrive (Core reports `missing-inputs`).
    case orphan
    /// Refused.
    case rejected(ValidationError)

    /// Core's reject reason, or `nil` when accepted.
    public var rejectReason: String? {
        switch self {
        case .accepted: return nil
        case .orphan: return "missing-inputs"
        case .rejected(let error): return error.reason
        }
    }
}

/// The outcome of ``Mempool/accept(_:now:)``.
public struct MempoolResult: Sendable {
    public let acceptance: MempoolAcceptance
    /// Everything added (the transaction, orphans it freed) and removed (replaced, evicted).
    public let update: MempoolUpdate
}

extension Mempool {
    /// Checks `transaction` with Bitcoin Core's consensus and policy rules and adds it
    /// (Core's `AcceptToMemoryPool`). Orphans waiting for it are retried.
    ///
    /// - Parameter now: the node's clock, Unix seconds (entry time, for expiry).
    /// - Returns: whether it was accepted, and everything the mempool added or removed.
    /// - Throws: only when the chain database fails.
    public func accept(_ transaction: Transaction, now: Int64) throws(ChainStateError) -> MempoolResult {
        var update = MempoolUpdate()
        var acceptance = try acceptSingle(transaction, now: now, bypassLimits: false, update: &update)
        switch acceptance {
        case .accepted:
            try acceptOrphans(spending: transaction.txid, now: now, update: &update)
        case .rejected(let error) where error.kind == .missingInputs:
            orphans.add(transaction, limit: options.maxOrphanTransactions)
            acceptance = .orphan
        default:
            break
        }
        return MempoolResult(acceptance: acceptance, update: update)
    }

    /// Retries orphans whose parent `parent` was just accepted, and their own children.
    func acceptOrphans(spending parent: Txid, now: Int64, update: inout MempoolUpdate) throws(ChainStateError) {
        var parents = [parent]
        while let next = parents.popLast() {
            for orphan in orphans.take(spending: next) {
                switch try acceptSingle(orphan, now: now, bypassLimits: false, update: &update) {
                case .accepted: parents.append(orphan.txid)
                case .rejected(let error) where error.kind == .missingInputs:
                    orphans.add(orphan, limit: options.maxOrphanTransactions)  // still missing another parent
                default: break
                }
            }
        }
    }

    /// Core's `PreChecks`, replacement checks and script checks, then insertion.
    /// `bypassLimits` skips fee floors and size trimming (for transactions returning from
    /// disconnected blocks); `entryTime` is the entry's time when not `now` (a transaction
    /// reloaded from `mempool.dat` keeps its own, as Core's `accept_time`).
    func acceptSingle(_ tx: Transaction, now: Int64, entryTime: Int64? = nil, bypassLimits: Bool,
                      update: inout MempoolUpdate) throws(ChainStateError) -> MempoolAcceptance {
        func reject(_ kind: ValidationError.Kind, _ reason: String, _ detail: String = "") -> MempoolAcceptance {
            .rejected(ValidationError(kind, reason, detail))
        }
        do { try TransactionCheck.check(tx) } catch { return .rejected(error) }
        if tx.isCoinbase { return reject(.consensus, "coinbase") }
        if options.requireStandard {
            do { try StandardPolicy.check(tx) } catch { return .rejected(error) }
        }
        let nextHeight = chain.height + 1
        let tipMedianTime = chain.medianTimePast
        if !LockTime.isFinal(tx, height: nextHeight, time: tipMedianTime) { return reject(.prematureSpend, "non-final") }
        if let existing = entries[tx.txid] {
            return reject(.policy, existing.transaction.wtxid == tx.wtxid ? "txn-already-in-mempool" : "txn-same-nonwitness-data-in-mempool")
        }

        var conflicts = Set<Txid>()
        for input in tx.inputs { if let other = spentBy[input.prevout] { conflicts.insert(other) } }
        if !conflicts.isEmpty {
            switch options.replacement {
            case .never:
                return reject(.conflict, "txn-mempool-conflict")
            case .optIn where !conflicts.allSatisfy(signalsReplacement):
                return reject(.conflict, "txn-mempool-conflict")
            default:
                break
            }
        }

        var spent = [Coin]()
        spent.reserveCapacity(tx.inputs.count)
        var parents = Set<Txid>()
        for input in tx.inputs {
            if let parent = entries[input.prevout.txid] {
                guard Int(input.prevout.index) < parent.transaction.outputs.count else {
                    return reject(.consensus, "bad-txns-inputs-missingorspent")
                }
                spent.append(Coin(output: parent.transaction.outputs[Int(input.prevout.index)], height: Mempool.mempoolHeight, isCoinbase: false))
                parents.insert(input.prevout.txid)
            } else if let coin = try chain.coin(input.prevout) {
                spent.append(coin)
            } else {
                // Either this transaction is already confirmed, or its parents are unknown.
                for index in tx.outputs.indices where try chain.coin(OutPoint(txid: tx.txid, index: UInt32(index))) != nil {
                    return reject(.policy, "txn-already-known")
                }
                return reject(.missingInputs, "missing-inputs", "input \(input.prevout)")
            }
        }

        let fee: Amount
        do { fee = try InputCheck.check(tx, spent: spent, spendHeight: nextHeight, params: chain.params) } catch { return .rejected(error) }
        let locks = LockTime.sequenceLocks(
            tx, enforce: nextHeight >= chain.params.csvHeight,
            previousHeights: spent.map { $0.height == Mempool.mempoolHeight ? nextHeight : $0.height }) { self.chain.medianTimePast(atHeight: $0) }
        if !LockTime.sequenceLocksSatisfied(locks, height: nextHeight, previousMedianTimePast: tipMedianTime) {
            return reject(.prematureSpend, "non-BIP68-final")
        }
        let sigOpCost = InputCheck.sigOpCost(tx, spent: spent, flags: .standardPolicy)
        if sigOpCost > StandardPolicy.maxSigOpsCost { return reject(.policy, "bad-txns-too-many-sigops") }

        let virtualSize = tx.virtualSize
        if !bypassLimits {
            let minimum = options.minRelayFeeRate.fee(virtualSize: virtualSize)
            if fee < minimum { return reject(.policy, "min relay fee not met", "\(fee.satoshis) < \(minimum.satoshis)") }
            if fee < minimumFeeRate(now: now).fee(virtualSize: virtualSize) { return reject(.policy, "mempool min fee not met") }
        }

        // Package limits, counting the transactions a replacement would evict as gone.
        var evict = Set<Txid>()
        for conflict in conflicts { evict.formUnion(descendants(of: conflict)) }
        let ancestors = ancestors(ofParents: parents).subtracting(evict)
        let ancestorSize = ancestors.reduce(virtualSize) { $0 + (entries[$1]?.virtualSize ?? 0) }
        if ancestors.count + 1 > options.ancestorLimitCount || ancestorSize > options.ancestorLimitSize {
            return reject(.policy, "too-long-mempool-chain", "too many unconfirmed ancestors [limit: \(options.ancestorLimitCount)]")
        }
        for ancestor in ancestors {
            guard let entry = entries[ancestor] else { continue }
            if entry.descendantCount + 1 > options.descendantLimitCount || entry.descendantSize + virtualSize > options.descendantLimitSize {
                return reject(.policy, "too-long-mempool-chain", "too many descendants for tx \(ancestor) [limit: \(options.descendantLimitCount)]")
            }
        }

        if !conflicts.isEmpty {
            if let failure = replacementFailure(tx, fee: fee, virtualSize: virtualSize, conflicts: conflicts, evict: evict, parents: parents) {
                return .rejected(failure)
            }
        }

        // Scripts: policy flags first; a failure is a consensus failure only if the
        // consensus flags fail too (Core's "mandatory" versus "non-mandatory").
        do {
            try verifier.verify(tx, spentOutputs: spent.map(\.output), flags: .standardPolicy)
        } catch {
            let consensusFlags = chain.params.scriptFlags(height: nextHeight, hash: .zero)
            if (try? verifier.verify(tx, spentOutputs: spent.map(\.output), flags: consensusFlags)) != nil {
                return reject(.policy, "non-mandatory-script-verify-flag (\(error.error))", "input \(error.inputIndex)")
            }
            return reject(.consensus, "mandatory-script-verify-flag-failed (\(error.error))", "input \(error.inputIndex)")
        }

        remove(evict, reason: .replaced, into: &update)
        add(Entry(transaction: tx, fee: fee, time: entryTime ?? now, height: chain.height, sequence: nextSequence, sigOpCost: sigOpCost))
        nextSequence += 1
        update.added.append(tx)
        if !bypassLimits {
            trimToSize(now: now, into: &update)
            if entries[tx.txid] == nil { return reject(.policy, "mempool full") }
        }
        return .accepted
    }

    /// True when `txid` or one of its in-mempool ancestors signals BIP 125 (Core's `IsRBFOptIn`).
    func signalsReplacement(_ txid: Txid) -> Bool {
        guard let entry = entries[txid] else { return false }
        if StandardPolicy.signalsReplacement(entry.transaction) { return true }
        return ancestors(ofParents: entry.parents).contains { entries[$0].map { StandardPolicy.signalsReplacement($0.transaction) } ?? false }
    }

    /// Core's replacement rules: at most 100 evictions, no spending of what it replaces, no
    /// new unconfirmed inputs, a higher fee rate than each direct conflict, at least the fees
    /// it evicts, and enough extra to pay for its own relay. Returns the broken rule, if any.
    func replacementFailure(_ tx: Transaction, fee: Amount, virtualSize: Int, conflicts: Set<Txid>,
                            evict: Set<Txid>, parents: Set<Txid>) -> ValidationError? {
        if evict.count > options.maxReplacementEvictions {
            return ValidationError(.policy, "too many potential replacements", "\(evict.count) > \(options.maxReplacementEvictions)")
        }
        if !parents.isDisjoint(with: evict) {
            return ValidationError(.consensus, "bad-txns-spends-conflicting-tx", "spends a transaction it replaces")
        }
        let conflictParents = Set(conflicts.compactMap { entries[$0] }.flatMap { $0.transaction.inputs.map(\.prevout.txid) })
        if parents.contains(where: { !conflictParents.contains($0) }) {
            return ValidationError(.policy, "replacement-adds-unconfirmed", "replacement adds unconfirmed inputs")
        }
        let newRate = FeeRate(fee: fee, virtualSize: virtualSize)
        for conflict in conflicts.sorted() {
            guard let old = entries[conflict] else { continue }
            // Compared exactly, as fee × size products.
            if fee.satoshis * Int64(old.virtualSize) <= old.fee.satoshis * Int64(virtualSize) {
                return ValidationError(.policy, "insufficient fee",
                                       "rejecting replacement \(tx.txid); new feerate \(newRate) <= old feerate \(old.feeRate)")
            }
        }
        let evictedFees = evict.reduce(Int64(0)) { $0 + (entries[$1]?.fee.satoshis ?? 0) }
        if fee.satoshis < evictedFees {
            return ValidationError(.policy, "insufficient fee", "rejecting replacement \(tx.txid), less fees than conflicting txs")
        }
        let relayFee = options.incrementalRelayFeeRate.fee(virtualSize: virtualSize)
        if fee.satoshis - evictedFees < relayFee.satoshis {
            return ValidationError(.policy, "insufficient fee",
                                   "rejecting replacement \(tx.txid), not enough additional fees to relay; \(fee.satoshis - evictedFees) < \(relayFee.satoshis)")
        }
        return nil
    }
}
