import Consensus
import Foundation
import Node
import Simulation
import Testing

/// Lanes on several threads give exactly what one thread gives.
@Suite struct ParallelLaneTests {
    /// Sixty nodes in SimBlock's regions (a 6 ms latency floor), lossy links, trickled
    /// transactions, watched confirmations, and a node that turns bad half-way.
    static func regionalRun(threads: Int, badNode: Bool) throws -> (lines: [String], window: Int64?, metrics: SimulationMetrics, workerThreads: Int) {
        var configuration = SimulationHarness.regional(threads: threads)
        configuration.peer.blockRelay = .headers
        configuration.peer.trickle = true
        configuration.targetBlockInterval = 2 * SimulationTime.minute
        let simulation = try Simulation(configuration: configuration)
        var lines: [String] = []
        simulation.subscribe { lines.append($0.jsonLine) }
        try SimulationHarness.schedulePayments(simulation, atMinutes: stride(from: 5, to: 60, by: 10))
        simulation.run(until: 30 * SimulationTime.minute)
        if badNode {
            let chain = simulation.node(59).chain
            let bad = BlockBuilder.makeBlock(parent: chain.tip.hash, height: chain.height + 1, time: UInt32(chain.tip.header.time + 1),
                                             bits: chain.tip.header.bits, transactions: [], coinbaseScript: Script([0x51]),
                                             coinbaseValue: Amount(unchecked: 100 * 100_000_000)).block
            for peer in simulation.connectedPeers(59) { simulation.injectMessage(.block(bad), from: 59, to: peer) }
        }
        simulation.run(until: 2 * SimulationTime.hour)
        return (lines, simulation.parallelWindow, simulation.metrics(), simulation.workerThreads)
    }

    @Test func threadsDoNotChangeTheEventStream() throws {
        let one = try Self.regionalRun(threads: 1, badNode: true)
        let two = try Self.regionalRun(threads: 2, badNode: true)
        let three = try Self.regionalRun(threads: 3, badNode: true)
        #expect(one.window == nil)
        #expect(two.window == 6 * SimulationTime.millisecond)
        #expect(three.window == 6 * SimulationTime.millisecond)
        #expect(one.lines.count > 5_000)
        #expect(one.lines == two.lines)
        #expect(one.lines == three.lines)
        #expect(one.metrics.blocksFound > 20)
        #expect(one.metrics.messagesDelivered == two.metrics.messagesDelivered)
        #expect(one.metrics.bytesSent == three.metrics.bytesSent)
        // The run has what the comparison should cover.
        for type in ["misbehaviour", "block-rejected", "confirmations", "tx-received", "reorg"] {
            #expect(one.lines.contains { $0.contains("\"type\":\"\(type)\"") }, "no \(type) event")
        }
    }

    /// Asking for more threads than processors runs one per processor (more would spin at
    /// every window's end waiting to be scheduled: a run took minutes instead of seconds),
    /// with the lanes the request implies, and still gives one thread's results.
    @Test func threadsBeyondTheProcessorsAreCapped() throws {
        let one = try Self.regionalRun(threads: 1, badNode: false)
        let many = try Self.regionalRun(threads: 1_000, badNode: false)
        #expect(many.window == 6 * SimulationTime.millisecond)
        #expect(many.workerThreads >= 1 && many.workerThreads <= ProcessInfo.processInfo.activeProcessorCount)
        #expect(one.lines == many.lines)
    }

    /// A selfish miner reacts to other nodes' tips at once, so its simulation runs one event at
    /// a time whatever the threads; the results are the same.
    @Test func reactiveMinersRunOneEventAtATime() throws {
        func run(threads: Int) throws -> (lines: [String], window: Int64?) {
            var configuration = SimulationConfiguration(nodes: NodeConfiguration.regional(count: 12))
            configuration.threads = threads
            configuration.latency = .regions
            configuration.targetBlockInterval = SimulationTime.minute
            configuration.miners = [MinerConfiguration(name: "selfish", node: 0, hashpower: 0.4, strategy: .selfish(gamma: nil)),
                                    MinerConfiguration(name: "honest", node: 6, hashpower: 0.6)]
            let simulation = try Simulation(configuration: configuration)
            var lines: [String] = []
            simulation.subscribe { lines.append($0.jsonLine) }
            simulation.run(until: 3 * SimulationTime.hour)
            return (lines, simulation.parallelWindow)
        }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(two.window == nil)
        #expect(one.lines.count > 1_000)
        #expect(one.lines == two.lines)
    }

    @Test func latencyFloors() {
        #expect(LatencyModel.regions.minimum == 6 * SimulationTime.millisecond)
        #expect(LatencyModel.constant(42).minimum == 42)
        #expect(LatencyModel.uniform(min: 7, max: 9).minimum == 7)
        #expect(LatencyModel.logNormal(median: 1_000, sigma: 1).minimum == 0)
        var random = DeterministicRandom(seed: 3)
        for from in Region.allCases {
            for to in Region.allCases {
                for _ in 0..<2_000 { #expect(LatencyModel.regions.sample(from: from, to: to, random: &random) >= 6_000) }
            }
        }
    }

    @Test func threadCountIsChecked() throws {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: 2))
        configuration.threads = 0
        #expect(throws: SimulationError("threads must be at least 1, not 0")) { try Simulation(configuration: configuration) }
        configuration.threads = 8
        configuration.latency = .constant(SimulationTime.second)
        #expect(try Simulation(configuration: configuration).parallelWindow == SimulationTime.second)
    }
}
