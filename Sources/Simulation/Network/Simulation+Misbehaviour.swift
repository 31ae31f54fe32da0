import Consensus
import Node

extension Simulation {
    /// Node `index` breaks the rules now: it builds what `misbehaviour` names on its tip and
    /// sends it to every peer it is connected to, outside its peer logic. Honest peers judge it
    /// with their own rules: they reject an invalid block, disconnect the sender and ban it
    /// (``SimulationEvent/misbehaviour(time:node:peer:reason:)``); a valid one they accept
    /// and relay like any other. A block of chosen transactions (``Misbehaviour/block(with:)``)
    /// goes to the node's own chain first, as a mined block would: it takes a valid one and
    /// rejects an invalid one, which it sends all the same.
    ///
    /// The block counts among the run's found blocks (miner -1) unless the nodes reject it:
    /// rejected blocks are left out of the block tree, the stale rate and the miner shares,
    /// and counted in ``SimulationMetrics/invalidBlocks``.
    /// - Returns: the block sent.
    @discardableResult
    public func misbehave(_ index: Int, sending misbehaviour: Misbehaviour) -> Block {
        let chain = nodes[index].node.chain
        let height = chain.height + 1
        let block = misbehavingBlock(on: chain, misbehaviour)
        let peers = connectedPeers(index)
        emit(.misbehaving(time: now, node: index, kind: misbehaviour.kind.rawValue, hash: block.hash, height: height, peers: peers.count))
        if misbehaviour == .corruptMessage {
            var bytes = MessageCodec.encode(.block(block), magic: configuration.params.messageStart)
            bytes[MessageCodec.checksumOffset] ^= 0xff
            for peer in peers { send(.block(block), from: index, to: peer, wire: bytes) }
            return block
        }
        misbehaviourBlocks.insert(block.hash)
        recordBlock(block, miner: -1, height: height)
        if case .block = misbehaviour {
            // Mined like any block, so the node's own chain judges it first (and takes a valid one).
            act(on: index) { $0.submitLocalBlock(block, relay: false, now: protocolTime, into: &$1) }
        }
        for peer in peers { send(.block(block), from: index, to: peer) }
        return block
    }

    /// The block `misbehaviour` sends, on `chain`'s tip with the time and bits it requires.
    func misbehavingBlock(on chain: ChainState, _ misbehaviour: Misbehaviour) -> Block {
        let params = chain.params
        let height = chain.height + 1
        let time = UInt32(clamping: max(chain.medianTimePast + 1, unixTime))
        let subsidy = params.blockSubsidy(height: height)
        var transactions: [Transaction] = []
        var coinbaseValue = subsidy
        switch misbehaviour {
        case .inflatedCoinbase: coinbaseValue = subsidy.adding(subsidy) ?? subsidy
        case .block(let chosen): transactions = chosen
        case .badProofOfWork, .corruptMessage: break
        }
        let block = BlockBuilder.makeBlock(parent: chain.tipHash, height: height, time: time, bits: chain.nextBits(blockTime: time),
                                           transactions: transactions, coinbaseScript: Script([0x51]), coinbaseValue: coinbaseValue,
                                           tag: Array("misbehaving".utf8)).block
        guard misbehaviour == .badProofOfWork else { return block }
        // Any target is below 2^256, so some nonce misses it (about every other one at regtest's).
        var header = block.header
        repeat {
            header = header.with(nonce: header.nonce &+ 1)
        } while ProofOfWork.check(hash: header.hash.hash, bits: header.bits, powLimit: params.powLimit)
        return Block(header: header, transactions: block.transactions)
    }

    /// True when `hash` is a block a misbehaving node sent and the nodes rejected: its proof
    /// of work fails, or a node holds it as invalid.
    func isRejectedMisbehaviour(_ hash: BlockHash) -> Bool {
        guard misbehaviourBlocks.contains(hash), let block = blocks[hash] else { return false }
        let params = configuration.params
        if !ProofOfWork.check(hash: hash.hash, bits: block.header.bits, powLimit: params.powLimit) { return true }
        return nodes.contains { $0.node.chain.info(for: hash)?.status.isInvalid == true }
    }

    /// The blocks found in the run, in order, without those the nodes rejected.
    func acceptedFoundOrder() -> [BlockHash] {
        misbehaviourBlocks.isEmpty ? foundOrder : foundOrder.filter { !isRejectedMisbehaviour($0) }
    }
}
