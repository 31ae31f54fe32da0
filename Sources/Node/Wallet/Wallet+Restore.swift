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
        try restored.scanChain()
        return restored
    }

    /// Derives the first `keyCount` receiving keys (P2WPKH) of a wallet recreated from its
    /// seed and finds their coins in the node's active chain (all of it, or the blocks at
    /// `heights` when the caller knows where they are) and mempool.
    public func rescan(keyCount: Int, heights: ClosedRange<Int>? = nil) throws(ChainStateError) {
        while nextKeyIndex < UInt32(clamping: keyCount) { _ = newAddress() }
        try scanChain(heights: heights)
    }

    func scanChain(heights: ClosedRange<Int>? = nil) throws(ChainStateError) {
        if chain.height > 0 {
            for height in (heights ?? 1...chain.height).clamped(to: 1...chain.height) {
                if let block = try chain.block(atHeight: height) { blockConnected(block, height: height) }
            }
        }
        guard let node else { return }
        var update = MempoolUpdate()
        update.added = node.mempool.transactions
        mempoolChanged(update)
    }
}
