import Consensus
import Node

extension Simulation {
    /// Begins miner `index`'s double-spend attack (scheduled at the attack's start time).
    func startDoubleSpend(miner index: Int) {
        guard var state = miners[index].attack, state.phase == .waitingToStart else { return }
        let nodeIndex = miners[index].configuration.nodes[0]
        let node = nodes[nodeIndex].node
        let merchant = nodes[state.attack.merchantNode].node
        guard let wallet = node.wallet(state.attack.wallet) else {
            finishAttack(miner: index, phase: .failed, detail: "no wallet \(state.attack.wallet) on \(node.name)")
            return
        }
        let merchantWallet = merchant.wallets.first ?? merchant.addWallet(name: "merchant", seed: Array("merchant \(merchant.name)".utf8))
        let payment: Transaction
        let conflict: Transaction
        do {
            payment = try wallet.createTransaction(paying: [(merchantWallet.newAddress(), state.attack.amount)], feeRate: Wallet.defaultFeeRate)
            conflict = try wallet.createDoubleSpend(of: payment, to: wallet.newAddress())
            // The conflict goes only into the attacker's own mempool, for its private blocks.
            try wallet.submit(conflict, now: unixTime)
        } catch {
            finishAttack(miner: index, phase: .failed, detail: "cannot build the transactions: \(error)")
            return
        }
        state.payment = payment
        state.conflict = conflict
        watch(payment.txid)
        watch(conflict.txid)
        nodes[nodeIndex].peers.options.acceptBlocksFromPeers = false
        state.forkHeight = node.chain.height
        state.publicHeight = node.chain.height
        state.publicTip = node.chain.tip.hash
        state.phase = .premining
        miners[index].attack = state
        emit(.attack(time: now, miner: index, phase: "started",
                     detail: "payment \(payment.txid) to \(merchant.name), conflict \(conflict.txid), premine \(state.attack.premine)"))
        if state.attack.premine == 0 { broadcastPayment(miner: index) }
    }

    func broadcastPayment(miner index: Int) {
        guard let payment = miners[index].attack?.payment else { return }
        let nodeIndex = miners[index].configuration.nodes[0]
        act(on: nodeIndex) { peers, output in
            for peer in nodes[nodeIndex].connected { peers.sendTransaction(payment, to: peer, into: &output) }
        }
        miners[index].attack?.phase = .racing
        emit(.attack(time: now, miner: index, phase: "payment-broadcast", detail: "\(payment.txid)"))
        checkRelease(miner: index)
    }

    /// The attacker found a private block.
    func privateBlockFound(miner index: Int) {
        guard var state = miners[index].attack else { return }
        state.privateBlocks += 1
        miners[index].attack = state
        if state.phase == .premining && state.privateBlocks >= state.attack.premine {
            broadcastPayment(miner: index)
        } else if state.phase == .racing {
            checkRelease(miner: index)
        }
    }

    func attackerSawPublicBlock(miner index: Int, hash: BlockHash, height: Int) {
        guard var state = miners[index].attack, height > state.publicHeight else { return }
        state.publicHeight = height
        state.publicTip = hash
        miners[index].attack = state
        switch state.phase {
        case .premining:
            // The honest chain moved before the payment went out: start again on it.
            adoptPublicChain(miner: index, toward: hash)
            let chain = nodes[miners[index].configuration.nodes[0]].node.chain
            miners[index].attack?.forkHeight = chain.height
            miners[index].attack?.privateBlocks = 0
            resubmitConflict(miner: index)
        case .racing:
            let privateHeight = miners[index].attack.map { $0.forkHeight + $0.privateBlocks } ?? 0
            if height - privateHeight >= state.attack.giveUpDeficit {
                adoptPublicChain(miner: index, toward: hash)
                finishAttack(miner: index, phase: .gaveUp, detail: "public chain \(height - privateHeight) blocks ahead")
            } else {
                checkRelease(miner: index)
            }
        default:
            break
        }
    }

    /// After restarting on a new tip, the conflict must be in the attacker's mempool again.
    func resubmitConflict(miner index: Int) {
        guard let conflict = miners[index].attack?.conflict else { return }
        let node = nodes[miners[index].configuration.nodes[0]].node
        if !node.mempool.contains(conflict.txid) { _ = try? node.submitTransaction(conflict, now: unixTime) }
    }

    /// Releases the private chain once the merchant has its confirmations and the private
    /// chain has strictly more work than the best public chain (a tie would not reorg).
    func checkRelease(miner index: Int) {
        guard let state = miners[index].attack, state.phase == .racing, let payment = state.payment else { return }
        guard confirmations(of: payment.txid, on: state.attack.merchantNode) >= state.attack.confirmations else { return }
        let nodeIndex = miners[index].configuration.nodes[0]
        let chain = nodes[nodeIndex].node.chain
        // The public chain is at least what the merchant's node has: the confirmation it
        // reports may come from a block whose header has not reached the attacker yet.
        guard let heardWork = chain.info(for: state.publicTip)?.chainWork else { return }
        let publicWork = max(heardWork, nodes[state.attack.merchantNode].node.chain.tip.chainWork)
        guard chain.tip.chainWork > publicWork else { return }
        miners[index].attack?.phase = .released
        nodes[nodeIndex].peers.options.acceptBlocksFromPeers = true
        emit(.attack(time: now, miner: index, phase: "released",
                     detail: "\(state.privateBlocks) private blocks against \(state.publicHeight - state.forkHeight) public"))
        publishPrivate(miner: index, upTo: chain.height)
        checkOutcome(miner: index)
    }

    /// After release: the attack succeeded once the merchant's chain confirms the conflict.
    func checkOutcome(miner index: Int) {
        guard let state = miners[index].attack, state.phase == .released, let conflict = state.conflict, let payment = state.payment else { return }
        // The give-up test subtracts: adding a huge deficit to the confirmations overflows.
        if confirmations(of: conflict.txid, on: state.attack.merchantNode) > 0 {
            finishAttack(miner: index, phase: .succeeded, detail: "the merchant's node confirms \(conflict.txid); the payment is reversed")
        } else if confirmations(of: payment.txid, on: state.attack.merchantNode) - state.attack.confirmations >= state.attack.giveUpDeficit {
            finishAttack(miner: index, phase: .failed, detail: "the payment stayed confirmed")
        }
    }

    func finishAttack(miner index: Int, phase: DoubleSpendAttacker.Phase, detail: String) {
        miners[index].attack?.phase = phase
        nodes[miners[index].configuration.nodes[0]].peers.options.acceptBlocksFromPeers = true
        emit(.attack(time: now, miner: index, phase: phase.rawValue, detail: detail))
    }

    /// The phase of miner `index`'s double-spend attack (`nil` for other strategies).
    public func attackPhase(ofMiner index: Int) -> String? { miners[index].attack?.phase.rawValue }
}

extension Simulation {
    /// The payment and the conflicting transaction of miner `index`'s double-spend attack,
    /// once it has started.
    public func attackTransactions(ofMiner index: Int) -> (payment: Transaction?, conflict: Transaction?) {
        (miners[index].attack?.payment, miners[index].attack?.conflict)
    }
}
