import Consensus

extension Wallet {
    /// The wallet with the same seed and keys on `node` (after the node restarted), its
    /// coins found again by rescanning `node`'s active chain and mempool (Core's
    /// `rescanblockchain`).
    @discardableResult
    public func restore(on node: FullNode) throws(ChainStateError) -> Wallet {
        let restored = node.addWallet(name: name, seed: seed)
        restored.keys = keys
        restored.nextKeyIndex = nextKeyIndex
        let chain = node.chain
        if chain.height > 0 {
            for height in 1...chain.height {
                if let block = try chain.block(atHeight: height) { restored.blockConnected(block, height: height) }
            }
        }
        var update = MempoolUpdate()
        update.added = node.mempool.transactions
        restored.mempoolChanged(update)
        return restored
    }
}
