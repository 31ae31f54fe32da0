import Consensus
import Node

extension Simulation {
    // MARK: The mining process

    /// Blocks per microsecond that miner `index` finds at its node's current difficulty:
    /// its share of the starting hashpower over the target interval, scaled by how much
    /// harder (or easier) the next block's target is than the genesis block's.
    func blockRate(_ index: Int) -> Double {
        let miner = miners[index]
        guard miner.hashpower > 0 else { return 0 }
        var rate = miner.hashpower / baseHashpower / Double(configuration.targetBlockInterval)
        if retargeting {
            let chain = nodes[miner.configuration.nodes[0]].node.chain
            let next = chain.nextBits(blockTime: UInt32(clamping: unixTime)).expanded.target.doubleValue
            let genesis = configuration.params.genesisBlock.header.bits.expanded.target.doubleValue
            if next > 0, genesis > 0 { rate *= next / genesis }
        }
        return rate
    }

    /// Draws the miner's next block time from the exponential distribution of its rate
    /// (memoryless, so redrawing after a change of rate is exact).
    func scheduleNextBlock(_ index: Int) {
        if let pending = miners[index].nextBlock { kernel.cancel(pending) }
        miners[index].nextBlock = nil
        let rate = blockRate(index)
        miners[index].currentRate = rate
        guard rate > 0 else { return }
        let delay = max(1, Int64(miners[index].random.nextExponential(mean: 1 / rate).rounded()))
        miners[index].nextBlock = kernel.schedule(at: clock + delay, .mine(miner: Int32(index)))
    }

    /// A miner's hashes found a block: build it on the tip of one of its nodes, grind a
    /// valid nonce and hand it to the strategy.
    func blockFound(miner index: Int) {
        miners[index].nextBlock = nil
        defer { scheduleNextBlock(index) }
        let configuration = miners[index].configuration
        let nodeIndex = configuration.nodes.count == 1
            ? configuration.nodes[0] : configuration.nodes[Int(miners[index].random.next() % UInt64(configuration.nodes.count))]
        guard nodes[nodeIndex].online else { return }
        let block = nodes[nodeIndex].node.mineBlock(to: miners[index].payout, now: unixTime,
                                                    extraNonce: UInt64(miners[index].blocksFound), tag: Array(configuration.name.utf8)).block
        miners[index].blocksFound += 1
        let withholding = miners[index].selfish != nil || miners[index].attack?.isActive == true
        submitMinedBlock(block, miner: index, node: nodeIndex, publish: !withholding)
        if miners[index].selfish != nil {
            if let height = miners[index].selfish?.ownBlockFound() { publishPrivate(miner: index, upTo: height) }
        } else if miners[index].attack?.isActive == true {
            privateBlockFound(miner: index)
        }
    }

    /// Records, reports and submits a freshly mined block on its node.
    func submitMinedBlock(_ block: Block, miner: Int, node nodeIndex: Int, publish: Bool) {
        let height = (nodes[nodeIndex].node.chain.info(for: block.header.previousBlockHash)?.height ?? -1) + 1
        recordBlock(block, miner: miner, height: height)
        emit(.blockFound(time: now, miner: miner, node: nodeIndex, hash: block.hash, height: height,
                         transactions: block.transactions.count, published: publish))
        act(on: nodeIndex) { $0.submitLocalBlock(block, relay: publish, now: protocolTime, into: &$1) }
    }

    /// Reschedules miners whose rate depends on node `index`'s tip (retargeting), and lets
    /// attackers watching the node react.
    func tipChangedForMiners(at index: Int) {
        if retargeting {
            for miner in minersByNode[index] where blockRate(miner) != miners[miner].currentRate { scheduleNextBlock(miner) }
        }
        for miner in attackers where miners[miner].attack?.attack.merchantNode == index {
            switch miners[miner].attack?.phase {
            case .racing?: checkRelease(miner: miner)
            case .released?: checkOutcome(miner: miner)
            default: break
            }
        }
    }

    // MARK: Withholding miners

    /// A block header from a peer reached a withholding miner's node.
    func publicBlockSeen(_ header: BlockHeader, byNode index: Int) {
        guard let height = nodes[index].node.chain.info(for: header.hash)?.height else { return }
        for miner in minersByNode[index] {
            if miners[miner].selfish != nil {
                selfishReaction(miner: miner, publicBlock: header.hash, height: height)
            } else if miners[miner].attack?.isActive == true {
                attackerSawPublicBlock(miner: miner, hash: header.hash, height: height)
            }
        }
    }

    func selfishReaction(miner: Int, publicBlock: BlockHash, height: Int) {
        guard let reaction = miners[miner].selfish?.publicBlockFound(height: height) else { return }
        switch reaction {
        case .ignore:
            break
        case .adopt:
            adoptPublicChain(miner: miner, toward: publicBlock)
            let height = nodes[miners[miner].configuration.nodes[0]].node.chain.height
            miners[miner].selfish?.adopted(height: height)
        case .publish(let upTo, let tie):
            publishPrivate(miner: miner, upTo: upTo)
            if tie, let gamma = miners[miner].selfish?.gamma { applyGamma(gamma, miner: miner) }
        }
    }

    /// Sends the miner's private blocks up to `height` to its peers.
    func publishPrivate(miner: Int, upTo height: Int) {
        let nodeIndex = miners[miner].configuration.nodes[0]
        let chain = nodes[nodeIndex].node.chain
        let from = (miners[miner].selfish?.publishedHeight ?? miners[miner].attack?.forkHeight ?? 0) + 1
        guard height >= from else { return }
        var published = [Block]()
        for level in from...min(height, chain.height) {
            if let hash = chain.hash(atHeight: level), let block = blocks[hash] { published.append(block) }
        }
        guard let last = published.last else { return }
        miners[miner].selfish?.publishedHeight = height
        emit(.blocksPublished(time: now, miner: miner, count: published.count, tip: last.hash))
        act(on: nodeIndex) { $0.publish(published, now: protocolTime, into: &$1) }
    }

    /// The withholding miner gives up its branch and takes the public chain ending at
    /// `hash`, whose headers it has heard: the blocks come from the simulation's store, as
    /// from any peer that has them.
    func adoptPublicChain(miner: Int, toward hash: BlockHash) {
        let nodeIndex = miners[miner].configuration.nodes[0]
        for missing in nodes[nodeIndex].node.chain.blocksToDownload(toward: hash, limit: .max) {
            guard let block = blocks[missing] else { return }
            act(on: nodeIndex) { $0.submitLocalBlock(block, relay: false, now: protocolTime, into: &$1) }
        }
    }

    /// Eyal and Sirer's explicit γ: each honest miner, with probability γ, learns the
    /// selfish block first and mines on it (Core's `preciousblock`).
    func applyGamma(_ gamma: Double, miner: Int) {
        let chain = nodes[miners[miner].configuration.nodes[0]].node.chain
        guard let block = blocks[chain.tip.hash] else { return }
        for other in miners.indices where other != miner && miners[other].selfish == nil {
            guard miners[miner].random.nextUnit() < gamma else { continue }
            for nodeIndex in miners[other].configuration.nodes where nodes[nodeIndex].online {
                act(on: nodeIndex) { $0.submitLocalBlock(block, relay: false, now: protocolTime, into: &$1) }
                guard let changed = try? nodes[nodeIndex].node.preciousBlock(block.hash, now: unixTime), !changed.update.isEmpty else { continue }
                chainUpdated(changed.update, at: nodeIndex, in: globalLane(of: nodeIndex))
            }
        }
    }

    // MARK: Hashpower

    /// Changes a miner's hashpower from now on (its next block time is redrawn).
    public func setHashpower(_ hashpower: Double, ofMiner index: Int) throws(SimulationError) {
        guard miners.indices.contains(index) else { throw SimulationError("no miner \(index)") }
        guard hashpower >= 0, hashpower.isFinite else { throw SimulationError("hashpower \(hashpower) must be a non-negative number") }
        miners[index].hashpower = hashpower
        emit(.hashpowerChanged(time: now, miner: index, hashpower: hashpower))
        scheduleNextBlock(index)
    }
}

extension Simulation {
    /// Stops miner `index` (hashpower 0) without an event: for ending a workload after a
    /// number of blocks.
    public func setMinerIdle(_ index: Int) {
        miners[index].hashpower = 0
        scheduleNextBlock(index)
    }
}
