import Consensus
import Node
import Simulation

/// Configurations the simulation tests share.
enum SimulationHarness {
    /// Five miners with 10/20/20/20/30% on a full mesh with constant latency and `push` relay.
    static func fiveMiners(latency: Int64, seed: UInt64 = 1) -> SimulationConfiguration {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: 5))
        configuration.seed = seed
        configuration.latency = .constant(latency)
        configuration.peer.blockRelay = .push
        configuration.peer.trickle = false
        configuration.miners = zip([0.1, 0.2, 0.2, 0.2, 0.3], 0..<5).map { share, node in
            MinerConfiguration(name: "m\(node + 1)", node: node, hashpower: share)
        }
        return configuration
    }

    /// Sixty nodes in SimBlock's regions (a 6 ms latency floor), a Bitcoin-like topology,
    /// links losing 1 % of messages, and six miners of 1–6 shares on every tenth node.
    static func regional(threads: Int) -> SimulationConfiguration {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.regional(count: 60))
        configuration.threads = threads
        configuration.topology = .bitcoin(outbound: 8, maxInbound: 125)
        configuration.latency = .regions
        configuration.loss = 0.01
        configuration.miners = (0..<6).map { MinerConfiguration(name: "m\($0)", node: $0 * 10, hashpower: Double($0 + 1)) }
        return configuration
    }

    /// Funds a wallet on node 3 and has it pay itself 1 BTC at each of `minutes`.
    static func schedulePayments(_ simulation: Simulation, atMinutes minutes: some Sequence<Int>) throws {
        let alice = simulation.addWallet("alice", on: 3)
        try simulation.bootstrap(funding: [(alice, 3)])
        for minute in minutes {
            simulation.schedule(at: Int64(minute) * SimulationTime.minute) { simulation in
                _ = try? simulation.send(Amount(btc: 1)!, from: alice, at: 3, to: alice.newAddress())
            }
        }
    }

    /// Records every event as a JSON line.
    final class EventLog {
        var lines: [String] = []
        var events: [SimulationEvent] = []
        init(_ simulation: Simulation) {
            simulation.subscribe { [unowned self] event in
                self.lines.append(event.jsonLine)
                self.events.append(event)
            }
        }
    }
}
