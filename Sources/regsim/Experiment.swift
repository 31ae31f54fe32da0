import ArgumentParser
import Foundation
import Node
import Scenario

struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Monte Carlo sweeps on real nodes, beside the published formulas.",
        subcommands: [DoubleSpend.self, SelfishMining.self, ForkRate.self, Centralisation.self, FromFile.self])
}

/// Options every experiment shares.
struct ExperimentOptions: ParsableArguments {
    @Option(help: "Parallel simulations (default: the number of cores). Results do not depend on it.")
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed of every trial (overrides a file's).") var seed: UInt64?
    @Option(help: "Directory for the CSV and the plot (default: runs/experiment-KIND).") var out: String?
}

/// Parses a flag's value or fails with a message naming the flag.
func parsed<T>(_ value: T?, _ flag: String, _ text: String) throws -> T {
    guard let value else { throw ValidationError("--\(flag): cannot read '\(text)'") }
    return value
}

/// Fails with a message naming the flag unless `value` is in `range` (the range an
/// experiment file accepts too: ``ExperimentLimits``).
func checkRange(_ value: Int, _ range: ClosedRange<Int>, _ flag: String) throws {
    guard range.contains(value) else { throw ValidationError("--\(flag) must be in \(range), not \(value)") }
}

/// Runs a plan, prints its table and writes its files.
func execute(_ plan: ExperimentPlan, options: ExperimentOptions) throws {
    let jobs = max(1, options.jobs)
    let start = Date()
    switch plan {
    case .doubleSpend(var experiment):
        experiment.jobs = jobs
        if let seed = options.seed { experiment.seed = seed }
        let rows = try experiment.run(progress: true)
        print(DoubleSpendReport.table(rows))
        print(String(format: "%d trials in %.1f s on %d jobs; premine %d, give up %d behind", rows.count * experiment.trials,
                     Date().timeIntervalSince(start), jobs, experiment.premine, experiment.giveUp))
        let out = options.out ?? "runs/experiment-double-spend"
        try writeFile(out, "double-spend.csv", DoubleSpendReport.csv(rows))
        try writeFile(out, "double-spend.svg", DoubleSpendReport.svg(rows))
        try writeFile(out, "double-spend.html", DoubleSpendReport.html(rows, title: "Double-spend success against confirmations"))
        print("wrote \(out)/double-spend.csv, .svg, .html")
    case .selfishMining(var experiment):
        experiment.jobs = jobs
        if let seed = options.seed { experiment.seed = seed }
        try report(ExperimentTables.selfishMining(try experiment.run(progress: true)), name: "selfish-mining", out: options.out)
    case .forkRate(var experiment):
        experiment.jobs = jobs
        if let seed = options.seed { experiment.seed = seed }
        try report(ExperimentTables.forkRate(try experiment.run(progress: true)), name: "fork-rate", out: options.out)
    case .centralisation(var experiment):
        if let seed = options.seed { experiment.seed = seed }
        try report(ExperimentTables.centralisation(try experiment.run()), name: "centralisation", out: options.out)
    }
}

func report(_ result: (table: String, csv: String), name: String, out: String?) throws {
    print(result.table)
    let directory = out ?? "runs/experiment-\(name)"
    try writeFile(directory, "\(name).csv", result.csv)
    print("wrote \(directory)/\(name).csv")
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
        let shares = try parsed(ExperimentPlan.numbers(attacker, step: 0.05), "attacker", attacker)
        guard shares.allSatisfy({ $0 > 0 && $0 < 1 }) else { throw ValidationError("attacker shares must be between 0 and 1") }
        let depths = try parsed(ExperimentPlan.integers(confirmations), "confirmations", confirmations)
        for depth in depths { try checkRange(depth, ExperimentLimits.confirmations, "confirmations") }
        try checkRange(trials, ExperimentLimits.trials, "trials")
        try checkRange(premine, ExperimentLimits.premine, "premine")
        if let problem = ExperimentLimits.premineProblem(shares: shares, premine: premine) {
            throw ValidationError("--premine: \(problem)")
        }
        try checkRange(giveUp, ExperimentLimits.giveUp, "give-up")
        var experiment = DoubleSpendExperiment(attackerShares: shares, confirmations: depths, trials: trials)
        experiment.premine = premine
        experiment.giveUp = giveUp
        experiment.useLevelDB = leveldb
        try execute(.doubleSpend(experiment), options: common)
    }
}

struct SelfishMining: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "selfish-mining", abstract: "A selfish pool's revenue against Eyal and Sirer's formula.")

    @Option(help: "Pool shares: 0.1-0.45 (steps of 0.05) or 0.25,0.35.") var alpha = "0.1-0.45"
    @Option(help: "Tie shares γ: 0,0.5,1.") var gamma = "0,0.5,1"
    @Option(help: "Blocks found per run.") var blocks = 20_000
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        let alphas = try parsed(ExperimentPlan.numbers(alpha, step: 0.05), "alpha", alpha)
        let gammas = try parsed(ExperimentPlan.numbers(gamma, step: 0.5), "gamma", gamma)
        guard alphas.allSatisfy({ $0 > 0 && $0 < 0.5 }), gammas.allSatisfy({ (0...1).contains($0) }) else {
            throw ValidationError("α must be in (0, 0.5), γ in [0, 1]")
        }
        try checkRange(blocks, ExperimentLimits.blocks, "blocks")
        try execute(.selfishMining(SelfishMiningExperiment(alphas: alphas, gammas: gammas, blocks: blocks)), options: common)
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
        try checkRange(blocks, ExperimentLimits.blocks, "blocks")
        try checkRange(miners, ExperimentLimits.miners, "miners")
        var experiment = ForkRateExperiment(latencies: try parsed(ExperimentPlan.durations(latency), "latency", latency),
                                            relays: try parsed(ExperimentPlan.relays(relay), "relay", relay), blocks: blocks)
        experiment.miners = miners
        try execute(.forkRate(experiment), options: common)
    }
}

struct Centralisation: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Miner share and stale rate against hashpower at a given propagation delay.")

    @Option(help: "Hashpower of each miner (normalised): 0.05,0.1,0.15,0.2,0.5.") var shares = "0.05,0.1,0.15,0.2,0.5"
    @Option(help: "Link latency.") var latency = "10s"
    @Option(help: "Blocks found.") var blocks = 50_000
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        let values = try parsed(ExperimentPlan.numbers(shares, step: 0.05), "shares", shares)
        guard ExperimentLimits.areHashpowerShares(values) else { throw ValidationError("--shares: at least two positive shares with a finite sum") }
        try checkRange(blocks, ExperimentLimits.blocks, "blocks")
        try execute(.centralisation(CentralisationExperiment(shares: values, latency: try parsed(Units.duration(latency), "latency", latency), blocks: blocks)),
                    options: common)
    }
}

struct FromFile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "file", abstract: "Run an experiment described in a YAML file (same names as the flags).")

    @Argument(help: "The experiment file.") var file: String
    @OptionGroup var common: ExperimentOptions

    func run() throws {
        let plan: ExperimentPlan
        do { plan = try ExperimentLoader.load(path: file) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(2)
        }
        try execute(plan, options: common)
    }
}
