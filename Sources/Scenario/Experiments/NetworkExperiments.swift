import Foundation
import Node
import Simulation

/// Runs a simulation until `blocks` blocks have been found (or a time limit) and returns it.
func runUntilBlocks(_ configuration: SimulationConfiguration, blocks: Int) throws -> Simulation {
    let simulation = try Simulation(configuration: configuration)
    final class Counter { var found = 0 }
    let counter = Counter()
    // Only blocks found are watched: the nodes' events are then not kept for window ends.
    simulation.subscribe(to: [.blockFound]) { _ in counter.found += 1 }
    simulation.run(until: Int64(blocks) * 100 * configuration.targetBlockInterval) { counter.found < blocks }
    return simulation
}

/// A mean with a 95 % confidence interval from batch means (blocks of a chain are not
/// independent trials, but batches of a few hundred nearly are).
public struct BatchEstimate: Sendable, Equatable {
    public let mean: Double
    public let lower: Double
    public let upper: Double

    /// Splits `values` (one per main-chain block, in order) into 20 batches.
    init(_ values: [Double]) {
        let batches = 20
        let size = values.count / batches
        guard size > 0 else {
            mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            lower = 0
            upper = 1
            return
        }
        let means = (0..<batches).map { batch in values[(batch * size)..<((batch + 1) * size)].reduce(0, +) / Double(size) }
        let average = means.reduce(0, +) / Double(batches)
        let variance = means.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(batches - 1)
        let half = 2.093 * sqrt(variance / Double(batches))  // Student's t, 19 degrees of freedom
        mean = average
        lower = average - half
        upper = average + half
    }

    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
}

/// `regsim experiment selfish-mining`: a selfish pool's share of the main chain against
/// Eyal and Sirer's formula, for each α and γ.
public struct SelfishMiningExperiment: Sendable {
    public var alphas: [Double]
    public var gammas: [Double]
    public var blocks: Int
    public var seed: UInt64 = 1
    public var jobs = 1

    public init(alphas: [Double], gammas: [Double], blocks: Int) {
        self.alphas = alphas
        self.gammas = gammas
        self.blocks = blocks
    }

    public struct Row: Sendable, Equatable {
        public let alpha: Double
        public let gamma: Double
        public let blocks: Int
        public let revenue: BatchEstimate
        public let theory: Double
        public let threshold: Double
    }

    public func run(progress: Bool = false) throws -> [Row] {
        let cases = alphas.flatMap { alpha in gammas.map { (alpha, $0) } }
        let bar = progress ? ProgressBar(total: cases.count, label: "selfish-mining") : nil
        let experiment = self
        let results = ParallelTrials.run(count: cases.count, jobs: jobs, progress: { bar?.update($0) }) { index in
            experiment.runCase(alpha: cases[index].0, gamma: cases[index].1)
        }
        return cases.indices.map { index in
            let (alpha, gamma) = cases[index]
            return Row(alpha: alpha, gamma: gamma, blocks: blocks, revenue: results[index] ?? BatchEstimate([]),
                       theory: SelfishMiningTheory.revenue(alpha: alpha, gamma: gamma), threshold: SelfishMiningTheory.threshold(gamma: gamma))
        }
    }

    /// One long run: the selfish pool on n1 against four equal honest miners, 1 ms links
    /// (so γ is the explicit one).
    func runCase(alpha: Double, gamma: Double) -> BatchEstimate? {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: 5))
        var random = DeterministicRandom(seed: seed).split("selfish α=\(alpha) γ=\(gamma)")
        configuration.seed = random.next()
        configuration.latency = .constant(SimulationTime.millisecond)
        configuration.peer.blockRelay = .push
        configuration.peer.trickle = false
        configuration.miners = [MinerConfiguration(name: "selfish", node: 0, hashpower: alpha, strategy: .selfish(gamma: gamma))]
            + (1..<5).map { MinerConfiguration(name: "h\($0)", node: $0, hashpower: (1 - alpha) / 4) }
        guard let simulation = try? runUntilBlocks(configuration, blocks: blocks) else { return nil }
        let main = simulation.mainChain()
        let chain = simulation.foundBlocks().filter { main.contains($0.hash) }.sorted { $0.height < $1.height }
        return BatchEstimate(chain.map { $0.miner == 0 ? 1 : 0 })
    }
}

/// `regsim experiment fork-rate`: stale rate against propagation delay and relay mode,
/// beside 1 − e^(−τ/T) with τ the measured time for a block to reach every node.
public struct ForkRateExperiment: Sendable {
    public var latencies: [Int64]
    public var relays: [BlockRelayMode]
    public var blocks: Int
    public var miners = 10
    public var seed: UInt64 = 1
    public var jobs = 1

    public init(latencies: [Int64], relays: [BlockRelayMode], blocks: Int) {
        self.latencies = latencies
        self.relays = relays
        self.blocks = blocks
    }

    public struct Row: Sendable, Equatable {
        public let latency: Int64
        public let relay: BlockRelayMode
        public let blocks: Int
        public let stale: Int
        public var staleRate: Double { Double(stale) / Double(max(blocks, 1)) }
        public var interval: WilsonInterval { WilsonInterval(successes: stale, trials: blocks) }
        /// Median seconds for a block to reach every node.
        public let propagation: Double
        public let model: Double
    }

    public func run(progress: Bool = false) throws -> [Row] {
        let cases = latencies.flatMap { latency in relays.map { (latency, $0) } }
        let bar = progress ? ProgressBar(total: cases.count, label: "fork-rate") : nil
        let experiment = self
        let results = ParallelTrials.run(count: cases.count, jobs: jobs, progress: { bar?.update($0) }) { index in
            experiment.runCase(latency: cases[index].0, relay: cases[index].1)
        }
        return cases.indices.compactMap { results[$0] }
    }

    func runCase(latency: Int64, relay: BlockRelayMode) -> Row? {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: miners))
        var random = DeterministicRandom(seed: seed).split("fork-rate \(latency) \(relay.rawValue)")
        configuration.seed = random.next()
        configuration.latency = .constant(latency)
        configuration.peer.blockRelay = relay
        configuration.peer.trickle = false
        configuration.miners = (0..<miners).map { MinerConfiguration(name: "m\($0 + 1)", node: $0, hashpower: 1) }
        guard let simulation = try? runUntilBlocks(configuration, blocks: blocks) else { return nil }
        let metrics = simulation.metrics()
        let tau = metrics.propagation.last?.median ?? 0
        let interval = SimulationTime.toSeconds(configuration.targetBlockInterval)
        return Row(latency: latency, relay: relay, blocks: metrics.blocksFound, stale: metrics.staleBlocks,
                   propagation: tau, model: 1 - exp(-tau / interval))
    }
}

/// `regsim experiment centralisation`: each miner's share of the main chain and stale rate
/// against its hashpower, at a given propagation delay.
public struct CentralisationExperiment: Sendable {
    public var shares: [Double]
    public var latency: Int64
    public var blocks: Int
    public var seed: UInt64 = 1

    public init(shares: [Double], latency: Int64, blocks: Int) {
        self.shares = shares
        self.latency = latency
        self.blocks = blocks
    }

    public struct Row: Sendable, Equatable {
        public let hashpower: Double
        public let mined: Int
        public let mainChainShare: Double
        public let staleRate: Double
        /// The first-order model: a block is lost when another miner (share 1 − s) finds one
        /// within the propagation time τ: (1 − s)(1 − e^(−τ/T)).
        public let modelStaleRate: Double
    }

    public func run() throws -> [Row] {
        let total = shares.reduce(0, +)
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: shares.count))
        var random = DeterministicRandom(seed: seed).split("centralisation")
        configuration.seed = random.next()
        configuration.latency = .constant(latency)
        configuration.peer.blockRelay = .push
        configuration.peer.trickle = false
        configuration.miners = shares.enumerated().map { MinerConfiguration(name: "m\($0 + 1)", node: $0, hashpower: $1) }
        let simulation = try runUntilBlocks(configuration, blocks: blocks)
        let metrics = simulation.metrics()
        let tau = metrics.propagation.last?.median ?? SimulationTime.toSeconds(latency)
        let loss = 1 - exp(-tau / SimulationTime.toSeconds(configuration.targetBlockInterval))
        return metrics.miners.enumerated().map { index, miner in
            let share = shares[index] / total
            return Row(hashpower: share, mined: miner.blocksMined, mainChainShare: miner.mainChainShare,
                       staleRate: miner.staleRate, modelStaleRate: (1 - share) * loss)
        }
    }
}
