import Consensus

/// Why connecting a block stopped: the block is invalid, or the database failed.
enum ConnectFailure: Error {
    case invalid(ValidationError)
    case state(ChainStateError)
}

extension ChainState {
    /// Moves the tip to the best valid candidate, disconnecting and connecting blocks as
    /// needed (Core's `ActivateBestChain`). A block that fails is marked invalid with its
    /// descendants and the next best candidate is tried, so a failed reorg returns to the
    /// best valid chain.
    func activateBestChain() throws(ChainStateError) -> ChainUpdate {
        // Their objects were asked for with the block (`prefetchForBlock()`).
        store.prefetchTables()
        coins.prefetchTables()
        var update = ChainUpdate()
        while let tip = chain.tip, let best = bestCandidate(), best !== tip, isBetter(best, than: tip) {
            guard let fork = chain.findFork(best) else { break }
            while let current = chain.tip, current !== fork {
                try disconnectTip(into: &update)
            }
            if best.parent === fork {
                // Usually the best candidate extends the tip: one block, and no path to build.
                try connectOrMarkFailed(best, into: &update)
            } else {
                for entry in ChainState.path(to: best, from: fork) {
                    guard try connectOrMarkFailed(entry, into: &update) else { break }
                }
            }
        }
        pruneCandidates()
        return update
    }

    /// The emptied table of the last block's coin changes (or a new one), for the next.
    func takeSpareCoinTable() -> [OutPoint: Coin?] {
        defer { spareCoinTable = nil }
        return spareCoinTable ?? [:]
    }

    /// Connects `entry` on the tip; when it breaks a rule, marks it failed and notes it in
    /// `update`. Returns whether it connected.
    @discardableResult
    func connectOrMarkFailed(_ entry: BlockIndex, into update: inout ChainUpdate) throws(ChainStateError) -> Bool {
        guard let failure = try connectTip(entry, into: &update) else { return true }
        try markFailed(entry)
        update.invalidated.append((entry.hash, failure))
        return false
    }

    /// The entries after `fork` up to `best`, in chain order.
    static func path(to best: BlockIndex, from fork: BlockIndex) -> [BlockIndex] {
        var path = [BlockIndex]()
        var walk: BlockIndex? = best
        while let entry = walk, entry !== fork {
            path.append(entry)
            walk = entry.parent
        }
        return path.reversed()
    }

    func bestCandidate() -> BlockIndex? {
        var best: BlockIndex?
        for candidate in candidates.values where best.map({ isBetter(candidate, than: $0) }) ?? true {
            best = candidate
        }
        return best
    }

    /// Drops candidates that can no longer beat the tip.
    func pruneCandidates() {
        guard let tip = chain.tip else { return }
        func isBeaten(_ candidate: BlockIndex) -> Bool { candidate !== tip && isBetter(tip, than: candidate) }
        // Runs after every block, which usually beats one candidate (the old tip): removed
        // in place, without a list of one; several at once (a run of blocks connected
        // together) are collected.
        guard let first = candidates.first(where: { isBeaten($0.value) }) else { return }
        candidates[first.key] = nil
        for hash in candidates.compactMap({ isBeaten($0.value) ? $0.key : nil }) { candidates[hash] = nil }
    }

    /// Connects `entry` on top of the tip. Returns the rule it broke, or `nil` on success.
    func connectTip(_ entry: BlockIndex, into update: inout ChainUpdate) throws(ChainStateError) -> ValidationError? {
        precondition(entry.parent === chain.tip, "connecting a block that does not extend the tip")
        let block = try loadBlock(entry)
        let changes = block.transactions.reduce(0) { $0 + $1.inputs.count + $1.outputs.count }
        var view = CoinsViewOverlay(base: coins, expectedChanges: changes, table: takeSpareCoinTable())
        let undo: [[Coin]]
        do {
            undo = try connectBlock(block, entry: entry, view: &view)
        } catch {
            switch error {
            case .invalid(let validation): return validation
            case .state(let state): throw state
            }
        }
        let coinbaseTxid = block.transactions[0].txid
        coins.apply(view.changes) { $0.txid == coinbaseTxid }
        spareCoinTable = view.takeEmptiedTable()
        entry.status.insert(.fullyValid)
        markDirty(entry)
        // Undo, coins tip and the coins a flush may add, after the block's own data and
        // index entry when they were stored just before.
        var batch = makeBatch(capacity: 2 + coins.dirtyCount)
        batch.put(entry.record.undoKey, ChainDatabase.encode(undo: undo))
        if options.transactionIndex {
            let hashBytes = entry.record.hashBytes
            for transaction in block.transactions {
                batch.put(ChainDatabase.key(.transaction, transaction.txid.hash), hashBytes)
            }
        }
        addFlushIfDue(to: &batch, newTip: entry)
        try write(consume batch)
        chain.setTip(entry)
        update.noteConnected(block)
        return nil
    }

    /// Counts a tip change and, every ``ChainOptions/flushInterval`` of them, adds the
    /// coins and the coins' best block to `batch`.
    func addFlushIfDue(to batch: inout WriteBatch, newTip: BlockIndex) {
        blocksSinceFlush += 1
        guard blocksSinceFlush >= options.flushInterval else { return }
        addFlush(to: &batch, tip: newTip)
    }

    /// Adds the coins' changes and the coins' best block, `tip`, to `batch`, and starts
    /// counting tip changes to the next flush anew.
    func addFlush(to batch: inout WriteBatch, tip: BlockIndex) {
        coins.flush(into: &batch)
        batch.put(ChainDatabase.key(.coinsTip), tip.record.hashBytes)
        blocksSinceFlush = 0
    }

    /// Core's `ConnectBlock` on a scratch view: BIP 30, inputs, maturity, amounts, BIP 68,
    /// sigop cost, scripts with the flags of the block's height, and the coinbase's value.
    /// Returns the undo record.
    func connectBlock(_ block: Block, entry: BlockIndex, view: inout CoinsViewOverlay) throws(ConnectFailure) -> [[Coin]] {
        func invalid(_ reason: String, _ detail: String = "") -> ConnectFailure { .invalid(.consensus(reason, detail)) }
        func coin(_ outpoint: OutPoint) throws(ConnectFailure) -> Coin? {
            do { return try view.coin(outpoint) } catch { throw .state(error) }
        }
        do { try BlockCheck.check(block, params: params) } catch { throw .invalid(error) }
        guard let parent = entry.parent else { return [] }
        if enforcesBIP30(entry) {
            for transaction in block.transactions {
                for index in transaction.outputs.indices where try coin(OutPoint(txid: transaction.txid, index: UInt32(index))) != nil {
                    throw invalid("bad-txns-BIP30", "tried to overwrite transaction \(transaction.txid)")
                }
            }
        }
        let flags = params.scriptFlags(height: entry.height, hash: entry.hash)
        let enforceBIP68 = entry.height >= params.csvHeight
        let previousMedianTimePast = parent.medianTimePast
        var fees = Amount.zero
        var sigOpCost = 0
        var undo = [[Coin]]()
        undo.reserveCapacity(block.transactions.count - 1)
        // With several script threads, scripts wait until the block's other rules pass (Core's
        // check queue); with one, each transaction's are verified as it connects.
        let deferScripts = options.scriptCheckThreads > 1 && block.transactions.count > 2
        var scriptChecks = [ScriptCheckQueue.Check]()
        for transaction in block.transactions {
            var spent = [Coin]()
            if !transaction.isCoinbase {
                spent.reserveCapacity(transaction.inputs.count)
                for input in transaction.inputs {
                    let found: Coin?
                    do { found = try view.spend(input.prevout) } catch { throw .state(error) }
                    guard let found else {
                        throw invalid("bad-txns-inputs-missingorspent", "tx \(transaction.txid) input \(input.prevout)")
                    }
                    spent.append(found)
                }
                let fee: Amount
                do {
                    fee = try InputCheck.check(transaction, spent: spent, spendHeight: entry.height, params: params)
                } catch {
                    // In a block, every transaction failure is a consensus failure of the block.
                    throw invalid(error.reason, "tx \(transaction.txid): \(error.detail)")
                }
                guard let total = fees.adding(fee) else { throw invalid("bad-txns-accumulated-fee-outofrange") }
                fees = total
                let locks = LockTime.sequenceLocks(transaction, enforce: enforceBIP68, previousHeights: spent.map(\.height)) {
                    entry.ancestor(at: $0)?.medianTimePast ?? 0
                }
                if !LockTime.sequenceLocksSatisfied(locks, height: entry.height, previousMedianTimePast: previousMedianTimePast) {
                    throw invalid("bad-txns-nonfinal", "contains a non-BIP68-final transaction")
                }
            }
            sigOpCost += InputCheck.sigOpCost(transaction, spent: spent, flags: flags)
            if sigOpCost > ChainParams.maxBlockSigOpsCost { throw invalid("bad-blk-sigops", "too many sigops") }
            if !transaction.isCoinbase {
                if deferScripts {
                    scriptChecks.append((transaction, spent.map(\.output)))
                } else {
                    do {
                        try verifier.verify(transaction, spentOutputs: spent.map(\.output), flags: flags)
                    } catch {
                        throw ChainState.scriptFailure(transaction, error)
                    }
                }
                undo.append(spent)
            }
            for (index, output) in transaction.outputs.enumerated() where !output.scriptPubKey.isUnspendable {
                view.add(Coin(output: output, height: entry.height, isCoinbase: transaction.isCoinbase),
                         at: OutPoint(txid: transaction.txid, index: UInt32(index)))
            }
        }
        let reward = fees.adding(params.blockSubsidy(height: entry.height)) ?? Amount.maxMoney
        guard let paid = block.transactions[0].totalOutputValue, paid <= reward else {
            throw invalid("bad-cb-amount", "coinbase pays too much (limit \(reward.btcString))")
        }
        if let (index, failure) = ScriptCheckQueue.firstFailure(of: scriptChecks, verifier: verifier, flags: flags,
                                                                threads: options.scriptCheckThreads) {
            throw ChainState.scriptFailure(scriptChecks[index].transaction, failure)
        }
        return undo
    }

    /// A block's transaction failed its scripts: a consensus failure of the block.
    static func scriptFailure(_ transaction: Transaction, _ failure: TransactionVerifier.Failure) -> ConnectFailure {
        .invalid(.consensus("mandatory-script-verify-flag-failed (\(failure.error))", "tx \(transaction.txid) input \(failure.inputIndex)"))
    }

    /// BIP 30 applies except at its two historical exceptions and on the chain where BIP 34
    /// made it redundant (Core's logic in `ConnectBlock`).
    func enforcesBIP30(_ entry: BlockIndex) -> Bool {
        if let exception = params.bip30Exceptions[entry.height], exception == entry.hash { return false }
        guard let bip34Hash = params.bip34Hash, let ancestor = entry.parent?.ancestor(at: params.bip34Height) else {
            return true
        }
        return ancestor.hash != bip34Hash || entry.height >= 1_983_702
    }

    /// Takes the tip block off the chain using its undo record (Core's `DisconnectBlock`).
    func disconnectTip(into update: inout ChainUpdate) throws(ChainStateError) {
        guard let entry = chain.tip, let parent = entry.parent else { return }
        let block = try loadBlock(entry)
        guard let undoBytes = try read(entry.record.undoKey) else {
            throw .corrupt(path: store.path, what: "undo data of block \(entry.hash) is missing")
        }
        let undo: [[Coin]]
        do { undo = try ChainDatabase.decodeUndo(undoBytes) } catch {
            throw .corrupt(path: store.path, what: "undo data of block \(entry.hash): \(error)")
        }
        guard undo.count == block.transactions.count - 1 else {
            throw .corrupt(path: store.path, what: "undo data of block \(entry.hash) does not match its transactions")
        }
        var view = CoinsViewOverlay(base: coins, table: takeSpareCoinTable())
        for (position, transaction) in block.transactions.enumerated().reversed() {
            for index in transaction.outputs.indices.reversed() where !transaction.outputs[index].scriptPubKey.isUnspendable {
                _ = try view.spend(OutPoint(txid: transaction.txid, index: UInt32(index)))
            }
            guard position > 0 else { continue }
            let spent = undo[position - 1]
            guard spent.count == transaction.inputs.count else {
                throw .corrupt(path: store.path, what: "undo data of block \(entry.hash) does not match its inputs")
            }
            for (input, coin) in zip(transaction.inputs, spent).reversed() { view.add(coin, at: input.prevout) }
        }
        coins.apply(view.changes) { _ in true }
        spareCoinTable = view.takeEmptiedTable()
        var batch = makeBatch()
        if options.transactionIndex {
            for transaction in block.transactions { batch.delete(ChainDatabase.key(.transaction, transaction.txid.hash)) }
        }
        addFlushIfDue(to: &batch, newTip: parent)
        try write(consume batch)
        chain.setTip(parent)
        update.noteDisconnected(block)
    }
}
