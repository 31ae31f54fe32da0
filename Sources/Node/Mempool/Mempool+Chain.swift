import Consensus

extension Mempool {
    /// Brings the mempool in line with a change of the active chain (Core's
    /// `removeForBlock` and `MaybeUpdateMempoolForReorg`): transactions a block included
    /// leave (`block`), and so do those conflicting with it and their descendants
    /// (`conflict`); transactions of disconnected blocks come back, parents first, and any
    /// transaction no longer valid on the new chain leaves (`reorg`).
    public func update(for change: ChainUpdate, now: Int64) throws(ChainStateError) -> MempoolUpdate {
        let (disconnected, connected) = change.net
        var update = MempoolUpdate()
        for block in connected {
            removeForBlock(block, into: &update)
            orphans.removeForBlock(block)
        }
        guard !disconnected.isEmpty else { return update }
        for block in disconnected.reversed() {
            for transaction in block.transactions.dropFirst() where entries[transaction.txid] == nil {
                _ = try acceptSingle(transaction, now: now, bypassLimits: true, update: &update)
            }
        }
        try removeForReorg(into: &update)
        trimToSize(now: now, into: &update)
        return update
    }

    func removeForBlock(_ block: Block, into update: inout MempoolUpdate) {
        for transaction in block.transactions where entries[transaction.txid] != nil {
            removeOne(transaction.txid, reason: .block, into: &update)
        }
        var conflicting = Set<Txid>()
        for transaction in block.transactions.dropFirst() {
            for input in transaction.inputs {
                if let other = spentBy[input.prevout], other != transaction.txid { conflicting.formUnion(descendants(of: other)) }
            }
        }
        remove(conflicting, reason: .conflict, into: &update)
    }

    /// Core's `removeForReorg`: drops transactions whose inputs vanished, that spend a
    /// coinbase no longer mature, or that are no longer final, with their descendants.
    func removeForReorg(into update: inout MempoolUpdate) throws(ChainStateError) {
        let nextHeight = chain.height + 1
        var invalid = Set<Txid>()
        for entry in entries.values {
            var valid = LockTime.isFinal(entry.transaction, height: nextHeight, time: chain.medianTimePast)
            for input in entry.transaction.inputs where valid && entries[input.prevout.txid] == nil {
                guard let coin = try chain.coin(input.prevout) else {
                    valid = false
                    break
                }
                if coin.isCoinbase && nextHeight - coin.height < chain.params.coinbaseMaturity { valid = false }
            }
            if !valid { invalid.formUnion(descendants(of: entry.txid)) }
        }
        remove(invalid, reason: .reorg, into: &update)
    }
}
