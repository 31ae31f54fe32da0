import Foundation
import Node
import Simulation

/// Issue 6's figures: the kernel alone, a simulated year of five miners, and SimBlock's
/// propagation workload.
enum SimulationBenchmarks {
    static func run(arguments: [String]) {
        if arguments.isEmpty || arguments.contains("kernel") { kernel() }
        if arguments.isEmpty || arguments.contains("year") { year() }
        let sizes = arguments.compactMap(Int.init)
        // `blocks=N` changes the workload's 100 blocks (for a quick look at 100,000 nodes).
        let blocks = arguments.first { $0.hasPrefix("blocks=") }.flatMap { Int($0.dropFirst(7)) } ?? 100
        // `threads=N` runs the nodes on N threads (default: one per core).
        let threads = arguments.first { $0.hasPrefix("threads=") }.flatMap { Int($0.dropFirst(8)) }
            ?? ProcessInfo.processInfo.activeProcessorCount
        for nodes in sizes.isEmpty && arguments.isEmpty ? [6_000, 10_000] : sizes { simblock(nodes: nodes, blocks: blocks, threads: threads) }
    }

    /// Events per second of the bare kernel: schedule and run 10 M events with random times.
    static func kernel() {
        let count = 10_000_000
        var random = DeterministicRandom(seed: 1)
        let seconds = Measure.median(rounds: 3) {
            let kernel = EventKernel<Int>()
            for index in 0..<1_000 { kernel.schedule(at: Int64(random.next() % 1_000_000), index) }
            var sum = 0
            for _ in 0..<count {
                guard let event = kernel.step() else { break }
                sum &+= event.payload
                kernel.schedule(after: Int64(random.next() % 1_000_000), event.payload)
            }
            precondition(sum != 0)
        }
        print("kernel: \(Measure.rate(Double(count) / seconds, "events")) (1,000 pending, schedule + step)")
    }

    /// One simulated year of five miners (10/20/20/20/30%), full mesh, 10 s latency, push relay.
    static func year() {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: 5))
        configuration.latency = .constant(10 * SimulationTime.second)
        configuration.peer.blockRelay = .push
        configuration.peer.trickle = false
        configuration.miners = zip([0.1, 0.2, 0.2, 0.2, 0.3], 0..<5).map { MinerConfiguration(name: "m\($1 + 1)", node: $1, hashpower: $0) }
        var metrics: SimulationMetrics?
        var events: UInt64 = 0
        let seconds = Measure.seconds {
            let simulation = try! Simulation(configuration: configuration)
            simulation.run(until: 365 * SimulationTime.day)
            metrics = simulation.metrics()
            events = simulation.eventsRun
        }
        guard let metrics else { return }
        print(String(format: "year: %d blocks, %d events in %.2f s (%.0f blocks/s); stale %.2f%%; m1 share %.4f stale %.2f%%, m5 share %.4f stale %.2f%%",
                     metrics.blocksFound, events, seconds, Double(metrics.blocksFound) / seconds, metrics.staleRate * 100,
                     metrics.miners[0].mainChainShare, metrics.miners[0].staleRate * 100,
                     metrics.miners[4].mainChainShare, metrics.miners[4].staleRate * 100))
    }

    /// SimBlock's Bitcoin workload: `nodes` nodes in its six regions with its latencies and
    /// bandwidths, 8 outbound peers each, blocks of a modelled 535 kB every 10 minutes found
    /// by random nodes, until `blocks` (SimBlock: 100) are found and have reached every node. Every node
    /// validates every block.
    static func simblock(nodes count: Int, blocks: Int = 100, threads: Int) {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.regional(count: count))
        configuration.threads = threads
        configuration.topology = .bitcoin(outbound: 8, maxInbound: 125)
        configuration.latency = .regions
        configuration.peer.blockRelay = .inv
        configuration.peer.trickle = false
        configuration.modelledBlockSize = 535_000
        configuration.chainOptions.recentBlockLimit = 2
        // SimBlock gives every node a share of the hashpower.
        configuration.miners = (0..<count).map { MinerConfiguration(name: "n\($0 + 1)", node: $0, hashpower: 1) }
        var summary = ""
        let before = residentMegabytes()
        let processorBefore = Measure.processorSeconds()
        var releaseSeconds = 0.0
        let seconds = Measure.seconds {
            var simulation: Simulation? = try! Simulation(configuration: configuration)
            summary = simulation.map { runSimBlock($0, blocks: blocks) } ?? ""
            // Releasing thousands of nodes is part of the run (and of the figure), timed apart.
            releaseSeconds = Measure.seconds { simulation = nil }
        }
        let processor = Measure.processorSeconds() - processorBefore
        print(String(format: "simblock %d nodes, %d threads: %.2f s (processor %.2f s; releasing the nodes %.2f s), peak RSS %.0f MB (before %.0f MB): ",
                     count, threads, seconds, processor, releaseSeconds, peakResidentMegabytes(), before) + summary)
    }

    /// Runs SimBlock's workload on `simulation` until `blocks` are found and have spread;
    /// returns the summary line.
    static func runSimBlock(_ simulation: Simulation, blocks: Int) -> String {
        var found = 0
        simulation.subscribe(to: [.blockFound]) { _ in found += 1 }
        simulation.run(until: .max / 2) { found < blocks }
        for index in 0..<simulation.nodeCount { simulation.setMinerIdle(index) }
        simulation.run(until: simulation.now + 10 * SimulationTime.minute)
        let metrics = simulation.metrics()
        let full = metrics.propagation.last!
        return String(format: "%d blocks, %d at 100%%, median time to 50%% %.2f s / 90%% %.2f s / 100%% %.2f s, stale %.1f%%, %.1f M messages, %d events",
                      metrics.blocksFound, full.blocks, metrics.propagation[0].median, metrics.propagation[1].median, full.median,
                      metrics.staleRate * 100, Double(metrics.messagesDelivered) / 1e6, simulation.eventsRun)
    }

    static func residentMegabytes() -> Double { statusField("VmRSS:") }
    static func peakResidentMegabytes() -> Double { statusField("VmHWM:") }

    static func statusField(_ name: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0").map { $0 / 1024 } ?? 0
    }
}
