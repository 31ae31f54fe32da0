import Consensus
import Foundation
import Node
import Simulation

/// `regsim experiment double-spend`: many real-node races per (q, z), beside the theory.
public struct DoubleSpendExperiment: Sendable {
    public var attackerShares: [Double]
    public var confirmations: [Int]
    public var trials: Int
    public var premine = 1
    public var giveUp = 10
    public var seed: UInt64 = 1
    public var jobs = 1
    /// Per-message latency between the two nodes, microseconds.
    public var latency: Int64 = SimulationTime.millisecond
    public var useLevelDB = false
    public var levelDBDirectory = NSTemporaryDirectory()

    public init(attackerShares: [Double], confirmations: [Int], trials: Int) {
        self.attackerShares = attackerShares
        self.confirmations = confirmations
        self.trials = trials
    }

    /// One row of the result table.
    public struct Row: Sendable, Equatable {
        public let q: Double
        public let z: Int
        public let trials: Int
        public let successes: Int
        public var measured: Double { Double(successes) / Double(max(trials, 1)) }
        public var interval: WilsonInterval { WilsonInterval(successes: successes, trials: trials) }
        /// This model's exact probability (premine K, give-up D).
        public let exact: Double
        /// Rosenfeld's formula (premine 1, never gives up).
        public let rosenfeld: Double
        public let nakamoto: Double
    }

    /// Runs every trial (in parallel over `jobs` threads) and returns one row per (q, z).
    public func run(progress: Bool = false) throws -> [Row] {
        let template = try DoubleSpendExperiment.prepareTemplate()
        let cases = attackerShares.flatMap { q in confirmations.map { (q, $0) } }
        let total = cases.count * trials
        let bar = progress ? ProgressBar(total: total, label: "double-spend") : nil
        let experiment = self
        let outcomes = ParallelTrials.run(count: total, jobs: jobs, progress: { bar?.update($0) }) { index in
            let (q, z) = cases[index / experiment.trials]
            return experiment.trial(q: q, z: z, number: index % experiment.trials, template: template)
        }
        return cases.enumerated().map { caseIndex, entry in
            let (q, z) = entry
            let successes = outcomes[(caseIndex * trials)..<((caseIndex + 1) * trials)].filter { $0 }.count
            return Row(q: q, z: z, trials: trials, successes: successes,
                       exact: DoubleSpendTheory.exact(q: q, z: z, premine: premine, giveUp: giveUp),
                       rosenfeld: DoubleSpendTheory.rosenfeld(q: q, z: z), nakamoto: DoubleSpendTheory.nakamoto(q: q, z: z))
        }
    }

    /// A chain in which the attacker's wallet owns one mature 50 BTC coinbase, built once and
    /// copied by every trial's nodes.
    struct Template: Sendable {
        let store: StoreTemplate
        let seed: [UInt8]
    }

    static func prepareTemplate() throws -> Template {
        let store = MemoryStore()
        let headers = HeaderCache()
        let node = try FullNode(name: "template", store: store, params: .regtest, headers: headers)
        let seed = Array("regsim double-spend attacker".utf8)
        let wallet = node.addWallet(name: "attacker", seed: seed)
        let start: Int64 = 1_700_000_000
        _ = try node.generate(1, to: wallet.newAddress().scriptPubKey, now: start - 101 * 600)
        for index in 0..<100 {
            _ = try node.generate(1, to: Script([0x51]), now: start - Int64(100 - index) * 600)
        }
        try node.chain.flush()
        return Template(store: StoreTemplate(store, headers: headers.snapshot()), seed: seed)
    }

    /// Copies the template chain into a LevelDB database per node.
    static func writeTemplate(_ template: MemoryStore, to directory: String, nodes: [String]) throws {
        var batch = WriteBatch()
        try template.scan(prefix: []) { key, value in
            batch.put(key, value)
            return true
        }
        for name in nodes {
            let store = try LevelDBStore(path: directory + "/" + name)
            try store.write(batch)
            store.close()
        }
    }

    /// One race: true when the merchant's node ends up confirming the conflict.
    func trial(q: Double, z: Int, number: Int, template: Template) -> Bool {
        // Two nodes: the attacker's, and the honest miners' node where the merchant watches.
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.named(count: 2))
        var seedMaterial = DeterministicRandom(seed: seed).split("double-spend q=\(q) z=\(z) trial=\(number)")
        configuration.seed = seedMaterial.next()
        configuration.latency = .constant(latency)
        configuration.peer.blockRelay = .push
        configuration.peer.trickle = false
        let directory = levelDBDirectory + "/regsim-trial-\(seed)-\(q)-\(z)-\(number)"
        if useLevelDB {
            guard (try? DoubleSpendExperiment.writeTemplate(template.store.store, to: directory, nodes: configuration.nodes.map(\.name))) != nil else { return false }
            configuration.store = .leveldb(directory: directory)
        } else {
            configuration.store = .memoryCopy(template.store)
        }
        let attack = DoubleSpendAttack(merchantNode: 1, amount: Amount(btc: 1)!, confirmations: z, premine: premine,
                                       giveUpDeficit: giveUp, start: 0, wallet: "attacker")
        configuration.miners = [
            MinerConfiguration(name: "attacker", node: 0, hashpower: q, strategy: .doubleSpend(attack)),
            MinerConfiguration(name: "honest", node: 1, hashpower: 1 - q),
        ]
        defer { if useLevelDB { try? FileManager.default.removeItem(atPath: directory) } }
        guard let simulation = try? Simulation(configuration: configuration) else { return false }
        let wallet = simulation.node(0).addWallet(name: "attacker", seed: template.seed)
        guard (try? wallet.rescan(keyCount: 1, heights: 1...1)) != nil else { return false }
        let finished: Set<String> = ["succeeded", "failed", "gave-up"]
        // A generous limit: races last a few dozen blocks; a majority attacker always ends.
        simulation.run(until: 20_000 * configuration.targetBlockInterval) {
            !finished.contains(simulation.attackPhase(ofMiner: 0) ?? "failed")
        }
        return simulation.attackPhase(ofMiner: 0) == "succeeded"
    }
}
