import Consensus
import Foundation
import Node
import Simulation

extension ScenarioRunner {
    /// A timed expectation the run ended before: failed, saying when the run ended.
    func unreached(_ expectation: Expectation) -> ExpectationResult {
        let ended = stoppedBy.map { "stopped at \(Units.clock(end)) by \($0)" } ?? "ended at \(Units.clock(end))"
        return ExpectationResult(location: expectation.location, expected: check(expectation).expected,
                                 actual: "not checked: the run \(ended)", passed: false)
    }

    /// Checks one expectation now.
    func check(_ expectation: Expectation) -> ExpectationResult {
        let names = scenario.nodeNames
        func result(_ expected: String, _ actual: String, _ passed: Bool) -> ExpectationResult {
            ExpectationResult(location: expectation.location, expected: expected, actual: actual, passed: passed)
        }
        switch expectation.kind {
        case let .confirmations(tx, node, comparison):
            let count = transaction(tx).map { simulation.confirmations(of: $0.txid, on: node) } ?? 0
            return result("\(tx) to have \(comparison) confirmations on \(names[node])", "\(count)", comparison.holds(Double(count)))
        case let .state(tx, node, state):
            let actual = transaction(tx).map { self.state(of: $0, on: node) }
            return result("\(tx) \(state.rawValue) on \(names[node])", actual?.rawValue ?? "never sent", actual == state)
        case .converged:
            let tips = (0..<simulation.nodeCount).filter(simulation.isOnline).map { simulation.node($0).chain.tip }
            let distinct = Set(tips.map(\.hash)).count
            return result("all online nodes on one tip", distinct == 1 ? "one tip at height \(tips.first?.height ?? 0)" : "\(distinct) different tips", distinct == 1)
        case let .reorg(depth, node):
            let seen = node.map { maxReorgDepth[$0] ?? 0 } ?? anyReorgDepth
            let place = node.map { " on \(names[$0])" } ?? ""
            return result("a reorg of depth ≥ \(depth)\(place)", seen == 0 ? "no reorg" : "deepest reorg \(seen)", seen >= depth)
        case let .minerShare(miner, comparison):
            let share = simulation.metrics().miners[miner].mainChainShare
            return result("\(scenario.minerNames[miner])'s main-chain share \(percent(comparison))", String(format: "%.1f%%", share * 100), comparison.holds(share))
        case let .staleRate(miner, comparison):
            let metrics = simulation.metrics()
            let rate = miner.map { metrics.miners[$0].staleRate } ?? metrics.staleRate
            let whose = miner.map { "\(scenario.minerNames[$0])'s stale rate" } ?? "the stale rate"
            return result("\(whose) \(percent(comparison))", String(format: "%.2f%%", rate * 100), comparison.holds(rate))
        case let .nakamotoCoefficient(comparison):
            let value = simulation.metrics().nakamotoCoefficient
            return result("Nakamoto coefficient \(comparison)", "\(value)", comparison.holds(Double(value)))
        case let .interval(from, to, comparison):
            let main = simulation.mainChain()
            let times = simulation.foundBlocks().filter { main.contains($0.hash) && $0.time >= from && $0.time < to }.map(\.time).sorted()
            let window = "\(Units.clock(from))–\(to == .max ? "end" : Units.clock(to))"
            guard let first = times.first, let last = times.last, times.count > 1 else {
                return result("mean block interval \(comparison) s in \(window)", "fewer than two blocks", false)
            }
            let mean = SimulationTime.toSeconds(last - first) / Double(times.count - 1)
            return result("mean block interval \(comparison) s in \(window)", String(format: "%.0f s over %d blocks", mean, times.count), comparison.holds(mean))
        case let .attack(miner, phase):
            let actual = simulation.attackPhase(ofMiner: miner) ?? "no attack"
            return result("\(scenario.minerNames[miner])'s attack to end \(phase)", actual, actual == phase)
        case .banned(let node):
            let banners = simulation.nodesBanning(node).map { names[$0] }
            let connected = simulation.connectedPeers(node).map { names[$0] }
            let bans = banners.isEmpty ? "banned by no one" : "banned by \(banners.joined(separator: ", "))"
            let connections = connected.isEmpty ? "no connections left" : "still connected to \(connected.joined(separator: ", "))"
            return result("\(names[node]) banned and cut off", "\(bans); \(connections)", !banners.isEmpty && connected.isEmpty)
        }
    }

    func percent(_ comparison: Comparison) -> String {
        "\(comparison.op.rawValue) \(Comparison.format(comparison.value * 100))%"
    }

    /// The transaction's state in node `index`'s view.
    func state(of transaction: Transaction, on index: Int) -> TransactionState {
        if simulation.confirmations(of: transaction.txid, on: index) > 0 { return .confirmed }
        let node = simulation.node(index)
        if node.mempool.contains(transaction.txid) { return .unconfirmed }
        // A coin it spends was confirmed and is gone from the UTXO set: a conflict won.
        for input in transaction.inputs {
            let coin = (try? node.chain.coin(input.prevout)) ?? nil
            if coin == nil && isConfirmed(input.prevout.txid, on: index) { return .conflicted }
        }
        return .absent
    }

    /// True when `txid` is in one of the last 2,000 blocks of node `index`'s active chain.
    func isConfirmed(_ txid: Txid, on index: Int) -> Bool {
        let chain = simulation.node(index).chain
        for height in stride(from: chain.height, through: max(1, chain.height - 2_000), by: -1) {
            guard let block = try? chain.block(atHeight: height) else { return false }
            if block.transactions.contains(where: { $0.txid == txid }) { return true }
        }
        return false
    }
}
