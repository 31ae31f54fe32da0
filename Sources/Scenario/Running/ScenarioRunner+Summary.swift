import Consensus
import Foundation
import Simulation

extension ScenarioRunner {
    /// Prints tips per node, forks, stale rate, miner shares, the fate of each transaction
    /// and the expectations.
    func summarize(_ metrics: SimulationMetrics) {
        guard options.verbosity != .quiet else {
            for result in results where !result.passed { print(result.line) }
            return
        }
        print("")
        let stopped = stoppedBy.map { ", stopped by \($0) before \(Units.clock(scenario.duration))" } ?? ""
        print("── \(scenario.name) after \(Units.clock(end))\(stopped) (seed \(options.seed ?? scenario.seed))")
        var tips: [(hash: BlockHash, height: Int, nodes: [String])] = []
        for index in 0..<simulation.nodeCount {
            let tip = simulation.node(index).chain.tip
            let name = scenario.nodeNames[index] + (simulation.isOnline(index) ? "" : " (offline)")
            if let slot = tips.firstIndex(where: { $0.hash == tip.hash }) { tips[slot].nodes.append(name) } else { tips.append((tip.hash, tip.height, [name])) }
        }
        for tip in tips { print("tip \(tip.height) \(tip.hash.description.prefix(16))…  \(tip.nodes.joined(separator: ", "))") }
        let reorgs = metrics.reorgDepths.map { "\($0.count)× depth \($0.depth)" }.joined(separator: ", ")
        print(String(format: "blocks found %d, main chain %d, stale %d (%.2f%%)", metrics.blocksFound, metrics.mainChainBlocks, metrics.staleBlocks, metrics.staleRate * 100)
              + (metrics.invalidBlocks > 0 ? ", rejected as invalid \(metrics.invalidBlocks)" : "")
              + (reorgs.isEmpty ? ", no reorgs" : "; reorgs: \(reorgs)"))
        for miner in metrics.miners {
            print("  " + miner.name.padding(toLength: max(12, miner.name.count), withPad: " ", startingAt: 0)
                  + String(format: " hashpower %5.1f%%  mined %5d  main chain %5d (%5.1f%%)  stale %4d (%.2f%%)", miner.hashpowerShare * 100, miner.blocksMined, miner.mainChainBlocks,
                         miner.mainChainShare * 100, miner.staleBlocks, miner.staleRate * 100))
        }
        if metrics.mainChainBlocks > 0 {
            print(String(format: "Nakamoto coefficient %d, HHI %.0f", metrics.nakamotoCoefficient, metrics.herfindahlIndex))
        }
        for (id, transaction) in transactions {
            let views = (0..<simulation.nodeCount).map { index -> String in
                let state = self.state(of: transaction, on: index)
                let confirmations = simulation.confirmations(of: transaction.txid, on: index)
                return "\(scenario.nodeNames[index]) \(state == .confirmed ? "\(confirmations) conf" : state.rawValue)"
            }
            print("  \(id) \(transaction.txid.description.prefix(16))…: " + views.joined(separator: ", "))
        }
        let passed = results.filter(\.passed).count
        if !results.isEmpty { print("expectations: \(passed)/\(results.count) passed") }
        for result in results { print("  " + result.line) }
    }

    /// The run's summary as one JSON document (`regsim run --json`).
    public func summaryJSON() -> String {
        let metrics = simulation.metrics()
        var object = JSONLine()
        object.add("scenario", scenario.name)
        object.add("seed", Int64(bitPattern: options.seed ?? scenario.seed))
        object.add("duration-seconds", SimulationTime.toSeconds(scenario.duration))
        object.add("end-seconds", SimulationTime.toSeconds(end))
        if let stoppedBy { object.add("stopped-by-line", stoppedBy.line) }
        object.add("passed", results.allSatisfy(\.passed))
        object.addRaw("miners", "[" + metrics.miners.map { miner in
            miner.json(nodes: JSONLine.quote(miner.nodes.map { scenario.nodeNames[$0] }.joined(separator: ",")))
        }.joined(separator: ",") + "]")
        object.addRaw("tips", "[" + (0..<simulation.nodeCount).map { index in
            var entry = JSONLine()
            let tip = simulation.node(index).chain.tip
            entry.add("node", scenario.nodeNames[index])
            entry.add("height", tip.height)
            entry.add("hash", tip.hash.description)
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.addRaw("transactions", "[" + transactions.map { id, transaction in
            var entry = JSONLine()
            entry.add("id", id)
            entry.add("txid", transaction.txid.description)
            entry.addRaw("confirmations", "{" + (0..<simulation.nodeCount).map {
                "\(JSONLine.quote(scenario.nodeNames[$0])):\(simulation.confirmations(of: transaction.txid, on: $0))"
            }.joined(separator: ",") + "}")
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.addRaw("expectations", "[" + results.map { result in
            var entry = JSONLine()
            entry.add("line", result.location.line)
            entry.add("expected", result.expected)
            entry.add("actual", result.actual)
            entry.add("passed", result.passed)
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.addRaw("metrics", metrics.json)
        return object.finish()
    }
}
