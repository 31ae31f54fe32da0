import Consensus
import Node

extension Simulation {
    /// Turns what happened inside a node into simulation events and lets the miners react
    /// (on the node's lane; miners react only when lanes run one event at a time).
    func nodeEvent(_ event: NodeEvent, at index: Int, in lane: Lane) {
        let now = lane.now
        switch event {
        case .blockAccepted(let block, let from):
            emit(.blockReceived(time: now, node: index, hash: block.hash, from: from), in: lane)
        case .blockRejected(let hash, let error, let from):
            emit(.blockRejected(time: now, node: index, hash: hash, reason: error.reason, from: from), in: lane)
        case .blockHeaderTracked(let header, _):
            publicBlockSeen(header, byNode: index)
        case .chainUpdated(let update):
            chainUpdated(update, at: index, in: lane)
        case .mempoolUpdated(let update):
            for transaction in update.added { emit(.transactionReceived(time: now, node: index, txid: transaction.txid, from: nil), in: lane) }
        case .transactionRejected(let txid, let error, let from):
            emit(.transactionRejected(time: now, node: index, txid: txid, reason: error.reason, from: from), in: lane)
        case .misbehaving(let peer, let reason):
            emit(.misbehaviour(time: now, node: index, peer: peer, reason: reason), in: lane)
        case .storageFailure(let error):
            emit(.storageFailure(time: now, node: index, message: "\(error)"), in: lane)
        }
    }

    func chainUpdated(_ update: ChainUpdate, at index: Int, in lane: Lane) {
        let chain = nodes[index].node.chain
        let (disconnected, connected) = update.net
        if !disconnected.isEmpty, let oldTip = disconnected.first {
            let kept = Set(connected.flatMap { $0.transactions.map(\.txid) })
            let reversed = disconnected.flatMap { $0.transactions.dropFirst().map(\.txid) }.filter { !kept.contains($0) }
            emit(.reorg(time: lane.now, node: index, depth: disconnected.count, oldTip: oldTip.hash, newTip: chain.tipHash, reversed: reversed), in: lane)
        }
        emit(.tipChanged(time: lane.now, node: index, hash: chain.tipHash, height: chain.height), in: lane)
        reportConfirmations(at: index, in: lane)
        tipChangedForMiners(at: index)
    }

    // MARK: Watched transactions

    /// Reports confirmations of `txid` on every node from now on (and when it was first
    /// included, for confirmation latency).
    public func watch(_ txid: Txid) {
        guard watched[txid] == nil else { return }
        watched[txid] = []
        watchOrder.append(txid)
        watchStart[txid] = now
        for block in blocks.values where block.transactions.contains(where: { $0.txid == txid }) { watched[txid]?.append(block.hash) }
        watched[txid]?.sort()
    }

    /// Confirmations of `txid` on node `index`: 0 when not in its active chain.
    public func confirmations(of txid: Txid, on index: Int) -> Int {
        let chain = nodes[index].node.chain
        var best = 0
        for hash in watched[txid] ?? [] where chain.isActive(hash) { best = max(best, chain.confirmations(of: hash)) }
        return best
    }

    func reportConfirmations(at index: Int, in lane: Lane) {
        for txid in watchOrder {
            let count = confirmations(of: txid, on: index)
            if nodes[index].reportedConfirmations[txid, default: 0] != count {
                nodes[index].reportedConfirmations[txid] = count
                emit(.confirmations(time: lane.now, node: index, txid: txid, count: count), in: lane)
            }
        }
    }

    /// Records a block new to the simulation.
    func recordBlock(_ block: Block, miner: Int, height: Int) {
        guard blocks[block.hash] == nil else { return }
        blocks[block.hash] = block
        records[block.hash] = BlockRecord(miner: miner, found: now, height: height, population: nodes.count { $0.online })
        foundOrder.append(block.hash)
        guard !watched.isEmpty else { return }
        for transaction in block.transactions.dropFirst() where watched[transaction.txid] != nil {
            watched[transaction.txid]?.append(block.hash)
        }
    }
}
