import Consensus

/// What happened to a header handed to ``ChainState/processHeader(_:now:)``.
public enum HeaderAcceptance: Sendable, Equatable {
    /// Added to the block tree.
    case accepted
    /// Already known.
    case duplicate
    /// It breaks a rule, or builds on an unknown or invalid block.
    case invalid(ValidationError)
}

extension ChainState {
    /// Adds a header to the block tree after checking it (headers-first sync): proof of
    /// work, a known and valid parent, the required bits, timestamps and version.
    /// - Parameter now: the node's current time, Unix seconds.
    public func processHeader(_ header: BlockHeader, now: Int64) throws(ChainStateError) -> HeaderAcceptance {
        let known = index[header.hash] != nil
        switch try acceptHeader(header, now: now, persist: true) {
        case .success: return known ? .duplicate : .accepted
        case .failure(let error): return .invalid(error)
        }
    }

    /// Checks a block and stores it; connects it (and any orphans waiting for it) when it
    /// leads the most-work valid chain.
    ///
    /// - Parameters:
    ///   - block: the block, in any order relative to its ancestors.
    ///   - now: the node's current time, Unix seconds (blocks more than two hours ahead are
    ///     refused with `time-too-new`).
    /// - Returns: whether the block was accepted and how the active chain changed.
    /// - Throws: ``ChainStateError`` only when the database fails; rule violations are in the
    ///   result.
    public func processBlock(_ block: Block, now: Int64) throws(ChainStateError) -> BlockProcessingResult {
        let result = try acceptAndActivate(block, now: now)
        // A block stored but not connected (a side branch) is still on disk on return.
        try writePending()
        return result
    }

    private func acceptAndActivate(_ block: Block, now: Int64) throws(ChainStateError) -> BlockProcessingResult {
        let acceptance = try acceptBlock(block, now: now)
        var update = ChainUpdate()
        if acceptance == .accepted {
            update = try activateBestChain()
            // Orphans waiting for this block (and for their own children) can now be accepted.
            var ready = orphans.take(childrenOf: block.hash)
            while let orphan = ready.popLast() {
                if try acceptBlock(orphan, now: now) == .accepted {
                    update.append(try activateBestChain())
                    ready += orphans.take(childrenOf: orphan.hash)
                }
            }
        }
        return BlockProcessingResult(acceptance: acceptance, update: update)
    }

    /// Core's `AcceptBlock`: every check that needs no UTXO set, then storage.
    func acceptBlock(_ block: Block, now: Int64) throws(ChainStateError) -> BlockAcceptance {
        let hash = block.hash
        if let existing = index[hash] {
            if existing.status.isInvalid { return .invalid(ValidationError(.cachedInvalid, "duplicate-invalid")) }
            if existing.status.contains(.haveData) { return .duplicate }
        }
        if orphans.contains(hash) { return .orphan }
        do {
            try BlockCheck.check(block, params: params)
        } catch {
            // Mutated data may be a corrupted copy of a valid block: only mark real failures.
            if error.kind != .mutated, let existing = index[hash] { try markFailed(existing) }
            return .invalid(error)
        }
        guard let parent = index[block.header.previousBlockHash] else {
            orphans.add(block, limit: options.maxOrphanBlocks)
            return .orphan
        }
        let entry: BlockIndex
        switch try acceptHeader(block.header, now: now, persist: false) {
        case .success(let accepted): entry = accepted
        case .failure(let error): return .invalid(error)
        }
        do {
            try BlockCheck.contextualCheck(block, height: entry.height, previousMedianTimePast: parent.medianTimePast, params: params)
        } catch {
            if error.kind != .mutated { try markFailed(entry) }
            return .invalid(error)
        }
        try storeBlockData(block, entry: entry)
        return .accepted
    }

    /// Core's `AcceptBlockHeader`: returns the index entry, adding it when new.
    func acceptHeader(_ header: BlockHeader, now: Int64, persist: Bool) throws(ChainStateError) -> Result<BlockIndex, ValidationError> {
        if let existing = index[header.hash] {
            if existing.status.isInvalid { return .failure(ValidationError(.cachedInvalid, "duplicate-invalid")) }
            return .success(existing)
        }
        do {
            try BlockCheck.checkHeader(header, params: params)
        } catch {
            return .failure(error)
        }
        guard let parent = index[header.previousBlockHash] else {
            return .failure(ValidationError(.missingPrevious, "prev-blk-not-found"))
        }
        if parent.status.isInvalid { return .failure(ValidationError(.invalidPrevious, "bad-prevblk")) }
        let context = BlockCheck.HeaderContext(
            height: parent.height + 1, previousMedianTimePast: parent.medianTimePast,
            expectedBits: nextWorkRequired(after: parent, blockTime: header.time), now: now)
        do {
            try BlockCheck.contextualCheckHeader(header, context: context, params: params)
        } catch {
            return .failure(error)
        }
        let entry = BlockIndex(header: header, parent: parent, status: .validHeader, headers: headers)
        index.insert(entry)
        if isBetterHeader(entry, than: bestHeader) { bestHeader = entry }
        if persist {
            markDirty(entry)
            try writePending()
        }
        return .success(entry)
    }

    /// Stores a block's data with its index entry (in the next batch: the one connecting it,
    /// or the one closing ``processBlock(_:now:)``) and makes it a candidate tip once all its
    /// ancestors' data is stored too.
    func storeBlockData(_ block: Block, entry: BlockIndex) throws(ChainStateError) {
        entry.status.insert(.haveData)
        entry.transactionCount = block.transactions.count
        entry.sequenceId = nextSequenceId
        nextSequenceId += 1
        // Room for the rest of the batch that usually connects the block next, so that it
        // is not allocated twice.
        if pendingWrites.isEmpty { pendingWrites.reserveCapacity(8) }
        pendingWrites.put(entry.record.blockKey, block.serialized)
        markDirty(entry)
        recentBlocks.insert(block)

        guard entry.parent?.chainDataComplete ?? true else {
            if let parent = entry.parent { unlinked[parent.hash, default: []].append(entry) }
            return
        }
        completeChainData(entry)
        // Usually nothing waited for this block: no list to walk.
        guard !unlinked.isEmpty, var linked = unlinked.removeValue(forKey: entry.hash) else { return }
        while let next = linked.popLast() {
            completeChainData(next)
            linked += unlinked.removeValue(forKey: next.hash) ?? []
        }
    }

    /// `entry` and all its ancestors have their data: it may become the tip.
    private func completeChainData(_ entry: BlockIndex) {
        entry.chainDataComplete = true
        if !entry.status.isInvalid { candidates[entry.hash] = entry }
    }

    /// The bits a block after `parent` must carry (Core's `GetNextWorkRequired`).
    func nextWorkRequired(after parent: BlockIndex, blockTime: UInt32) -> CompactTarget {
        let limit = CompactTarget(target: params.powLimit)
        let interval = params.difficultyAdjustmentInterval
        if (parent.height + 1) % interval != 0 || params.noRetargeting {
            guard params.allowMinDifficultyBlocks else { return parent.header.bits }
            // Without retargeting, a chain whose genesis is at the limit stays there (by
            // induction: every rule below returns the limit or an ancestor's bits), so the
            // walk back to the last retarget height — thousands of blocks — can be skipped.
            if params.noRetargeting && parent.header.bits == limit && params.genesisBlock.header.bits == limit { return limit }
            // Testnet and regtest: a block long after its parent may use the minimum difficulty;
            // otherwise the last block that did not.
            if Int64(blockTime) > Int64(parent.header.time) + params.targetSpacing * 2 { return limit }
            var walk = parent
            while let previous = walk.parent, walk.height % interval != 0, walk.header.bits == limit { walk = previous }
            return walk.header.bits
        }
        guard let first = parent.ancestor(at: parent.height - (interval - 1)) else { return parent.header.bits }
        return ProofOfWork.nextTarget(lastBits: parent.header.bits,
                                      actualTimespan: Int64(parent.header.time) - Int64(first.header.time),
                                      targetTimespan: params.targetTimespan, powLimit: params.powLimit)
    }
}
