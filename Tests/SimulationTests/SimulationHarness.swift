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
