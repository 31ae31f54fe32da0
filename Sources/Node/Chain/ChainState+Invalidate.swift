import Consensus

extension ChainState {
    /// Marks `entry` failed and its descendants failed-child, persistently, and removes them
    /// from the candidate tips (Core's `InvalidBlockFound`).
    func markFailed(_ entry: BlockIndex) throws(ChainStateError) {
        entry.status.insert(.failed)
        markDirty(entry)
        candidates[entry.hash] = nil
        for other in index.values where other !== entry && other.height > entry.height && other.descends(from: entry) {
            other.status.insert(.failedChild)
            candidates[other.hash] = nil
            markDirty(other)
        }
        try writePending()
        recomputeBestHeader()
    }

    /// The valid header with the most work (ties broken as for tips, deterministically).
    func recomputeBestHeader() {
        var best: BlockIndex?
        for entry in index.values where !entry.status.isInvalid && entry.status.contains(.validHeader) {
            if best.map({ isBetter(entry, than: $0) }) ?? true { best = entry }
        }
        if let best { bestHeader = best }
    }

    /// Treats block `hash` as invalid, like Core's `invalidateblock`: disconnects it and its
    /// descendants if they are active, marks them invalid, and moves to the best remaining chain.
    /// - Throws: ``ChainStateError/unknownBlock(_:)``, or a database failure.
    @discardableResult
    public func invalidateBlock(_ hash: BlockHash) throws(ChainStateError) -> ChainUpdate {
        guard let entry = index[hash] else { throw .unknownBlock(hash) }
        guard entry.parent != nil else { throw .corrupt(path: store.path, what: "the genesis block cannot be invalidated") }
        var update = ChainUpdate()
        while chain.contains(entry) { try disconnectTip(into: &update) }
        try markFailed(entry)
        rebuildCandidates()
        update.append(try activateBestChain())
        return update
    }

    /// Undoes ``invalidateBlock(_:)`` and any invalidity found earlier, like Core's
    /// `reconsiderblock`: clears the failure marks of the block, its descendants and its
    /// ancestors, then moves to the most-work chain again (rules are checked anew).
    @discardableResult
    public func reconsiderBlock(_ hash: BlockHash) throws(ChainStateError) -> ChainUpdate {
        guard let entry = index[hash] else { throw .unknownBlock(hash) }
        for other in index.values where other.status.isInvalid && (other.descends(from: entry) || entry.descends(from: other)) {
            other.status.remove([.failed, .failedChild])
            markDirty(other)
        }
        try writePending()
        recomputeBestHeader()
        rebuildCandidates()
        return try activateBestChain()
    }

    /// Core's `preciousblock`: among chains of equal work, prefer the one ending at `hash`
    /// as if it had arrived first (a later call wins over an earlier one). Does nothing when
    /// the block has less work than the tip.
    @discardableResult
    public func preciousBlock(_ hash: BlockHash) throws(ChainStateError) -> ChainUpdate {
        guard let entry = index[hash] else { throw .unknownBlock(hash) }
        guard let tip = chain.tip, entry.chainWork >= tip.chainWork, entry !== tip else { return ChainUpdate() }
        entry.sequenceId = nextPreciousSequenceId
        nextPreciousSequenceId -= 1
        // It was dropped from the candidates when it lost the first-seen tie (Core re-adds it too).
        if entry.chainDataComplete && !entry.status.isInvalid { candidates[entry.hash] = entry }
        return try activateBestChain()
    }
}
