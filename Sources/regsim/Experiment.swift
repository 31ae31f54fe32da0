import ArgumentParser
import Foundation
import Node
import Scenario

struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Monte Carlo sweeps on real nodes, beside the published formulas.",
        subcommands: [DoubleSpend.self, SelfishMining.self, ForkRate.self, Centralisation.self])
}

/// Options every experiment shares.
struct ExperimentOptions: ParsableArguments {
    @Option(help: "Parallel simulations (default: the number of cores). Results do not depend on it.")
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed of every trial.") var seed: UInt64 = 1
    @Option(help: "Directory for the CSV and the plot.") var out: String?
}

struct DoubleSpend: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "double-spend", abstract: "How often does an attacker with share q reverse a payment after z confirmations?")

    @Option(help: "Attacker shares: 0.1,0.2,0.3 or a range 0.05-0.45 (steps of 0.05).") var attacker = "0.1,0.2,0.3"
    @Option(help: "Confirmations: 0-10 or 1,2,6.") var confirmations = "0-10"
    @Option(help: "Trials per (q, z).") var trials = 2000
    @Option(help: "Private blocks found before the payment is broadcast (Rosenfeld: 1).") var premine = 1
    @Option(name: .customLong("give-up"), help: "The attacker abandons this many blocks behind.") var giveUp = 10
    @Flag(help: "Keep each trial's nodes in LevelDB instead of memory.") var leveldb = false
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        var experiment = DoubleSpendExperiment(attackerShares: try parseList(attacker, step: 0.05), confirmations: try parseIntegers(confirmations), trials: trials)
        guard experiment.attackerShares.allSatisfy({ $0 > 0 && $0 < 1 }) else { throw ValidationError("attacker shares must be between 0 and 1") }
        guard trials > 0, premine >= 0, giveUp >= 1 else { throw ValidationError("trials and give-up must be positive, premine not negative") }
        experiment.premine = premine
        experiment.giveUp = giveUp
        experiment.seed = common.seed
        experiment.jobs = max(1, common.jobs)
        experiment.useLevelDB = leveldb
        let start = Date()
        let rows = try experiment.run(progress: true)
        print(DoubleSpendReport.table(rows))
        print(String(format: "%d trials in %.1f s on %d jobs; premine %d, give up %d behind", rows.count * trials, Date().timeIntervalSince(start), experiment.jobs, premine, giveUp))
        let out = common.out ?? "runs/experiment-double-spend"
        try writeFile(out, "double-spend.csv", DoubleSpendReport.csv(rows))
        try writeFile(out, "double-spend.svg", DoubleSpendReport.svg(rows))
        try writeFile(out, "double-spend.html", DoubleSpendReport.html(rows, title: "Double-spend success against confirmations"))
        print("wrote \(out)/double-spend.csv, .svg, .html")
    }
}

struct SelfishMining: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "selfish-mining", abstract: "A selfish pool's revenue against Eyal and Sirer's formula.")

    @Option(help: "Pool shares: 0.1-0.45 (steps of 0.05) or 0.25,0.35.") var alpha = "0.1-0.45"
    @Option(help: "Tie shares γ: 0,0.5,1.") var gamma = "0,0.5,1"
    @Option(help: "Blocks found per run.") var blocks = 20_000
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        var experiment = SelfishMiningExperiment(alphas: try parseList(alpha, step: 0.05), gammas: try parseList(gamma, step: 0.5), blocks: blocks)
        guard experiment.alphas.allSatisfy({ $0 > 0 && $0 < 0.5 }), experiment.gammas.allSatisfy({ (0...1).contains($0) }), blocks >= 100 else {
            throw ValidationError("α must be in (0, 0.5), γ in [0, 1], blocks ≥ 100")
        }
        experiment.seed = common.seed
        experiment.jobs = max(1, common.jobs)
        let (table, csv) = ExperimentTables.selfishMining(try experiment.run(progress: true))
        print(table)
        let out = common.out ?? "runs/experiment-selfish-mining"
        try writeFile(out, "selfish-mining.csv", csv)
        print("wrote \(out)/selfish-mining.csv")
    }
}

struct ForkRate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fork-rate", abstract: "Stale-block rate against propagation delay and relay mode.")

    @Option(help: "Link latencies: 0.1s,1s,5s,10s,30s.") var latency = "0.1s,1s,5s,10s,30s"
    @Option(help: "Relay modes: inv,headers,compact,push.") var relay = "inv,compact,push"
    @Option(help: "Blocks found per run.") var blocks = 5_000
    @Option(help: "Equal miners, one per node, full mesh.") var miners = 10
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        let latencies = try latency.split(separator: ",").map { text -> Int64 in
            guard let value = Units.duration(String(text)) else { throw ValidationError("expected durations such as 0.1s,10s, found \(text)") }
            return value
        }
        let relays = try relay.split(separator: ",").map { text -> BlockRelayMode in
            guard let mode = BlockRelayMode(rawValue: String(text)) else { throw ValidationError("relay modes are inv, headers, compact, push") }
            return mode
        }
        guard blocks >= 100, miners >= 2 else { throw ValidationError("blocks ≥ 100 and miners ≥ 2") }
        var experiment = ForkRateExperiment(latencies: latencies, relays: relays, blocks: blocks)
        experiment.miners = miners
        experiment.seed = common.seed
        experiment.jobs = max(1, common.jobs)
        let (table, csv) = ExperimentTables.forkRate(try experiment.run(progress: true))
        print(table)
        let out = common.out ?? "runs/experiment-fork-rate"
        try writeFile(out, "fork-rate.csv", csv)
        print("wrote \(out)/fork-rate.csv")
    }
}

struct Centralisation: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Miner share and stale rate against hashpower at a given propagation delay.")

    @Option(help: "Hashpower of each miner (normalised): 0.05,0.1,0.15,0.2,0.5.") var shares = "0.05,0.1,0.15,0.2,0.5"
    @Option(help: "Link latency.") var latency = "10s"
    @Option(help: "Blocks found.") var blocks = 50_000
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        guard let delay = Units.duration(latency) else { throw ValidationError("expected a duration such as 10s, found \(latency)") }
        let values = try parseList(shares, step: 0.05)
        guard values.count >= 2, values.allSatisfy({ $0 > 0 }), blocks >= 100 else { throw ValidationError("at least two positive shares and 100 blocks") }
        var experiment = CentralisationExperiment(shares: values, latency: delay, blocks: blocks)
        experiment.seed = common.seed
        let (table, csv) = ExperimentTables.centralisation(try experiment.run())
        print(table)
        let out = common.out ?? "runs/experiment-centralisation"
        try writeFile(out, "centralisation.csv", csv)
        print("wrote \(out)/centralisation.csv")
    }
}

