import Foundation
import Node
import Simulation
import Yams

/// One experiment, ready to run: from `regsim experiment KIND --flags` or from a YAML file.
public enum ExperimentPlan: Sendable {
    case doubleSpend(DoubleSpendExperiment)
    case selfishMining(SelfishMiningExperiment)
    case forkRate(ForkRateExperiment)
    case centralisation(CentralisationExperiment)

    /// Values as a person writes them: `0.1,0.2,0.3` or a range `0.1-0.45` in steps of `step`;
    /// `nil` for anything else, a value that is not finite, or more than
    /// ``ExperimentLimits/listLength`` values.
    public static func numbers(_ text: String, step: Double) -> [Double]? {
        if text.contains("-") && !text.contains(",") {
            let parts = text.split(separator: "-").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, parts.allSatisfy(\.isFinite), parts[0] <= parts[1], step > 0,
                  (parts[1] - parts[0]) / step < Double(ExperimentLimits.listLength) else { return nil }
            return Array(stride(from: parts[0], through: parts[1] + 1e-9, by: step)).map { ($0 * 1e6).rounded() / 1e6 }
        }
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...ExperimentLimits.listLength).contains(values.count), values.allSatisfy({ $0?.isFinite ?? false }) else { return nil }
        return values.compactMap { $0 }
    }

    /// Whole numbers: `0-10` or `1,2,6`, none negative; `nil` for anything else or more than
    /// ``ExperimentLimits/listLength`` values.
    public static func integers(_ text: String) -> [Int]? {
        if text.contains("-") && !text.contains(",") {
            let parts = text.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, parts[0] <= parts[1], parts[0] >= 0,
                  parts[1] - parts[0] < ExperimentLimits.listLength else { return nil }
            return Array(parts[0]...parts[1])
        }
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...ExperimentLimits.listLength).contains(values.count), values.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        return values.compactMap { $0 }
    }

    /// Durations: `0.1s,1s,10s`.
    public static func durations(_ text: String) -> [Int64]? {
        let values = text.split(separator: ",").map { Units.duration(String($0)) }
        guard (1...ExperimentLimits.listLength).contains(values.count), values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.compactMap { $0 }
    }

    /// Relay modes: `inv,compact,push`.
    public static func relays(_ text: String) -> [BlockRelayMode]? {
        let values = text.split(separator: ",").map { BlockRelayMode(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
        return values.compactMap { $0 }
    }
}

/// Reads an experiment described in YAML, with the same names as the command's flags:
///
/// ```yaml
/// experiment: double-spend      # or selfish-mining, fork-rate, centralisation
/// attacker: 0.1,0.2,0.3
/// confirmations: 0-10
/// trials: 2000
/// seed: 7
/// ```
public enum ExperimentLoader {
    static let keys: [String: [String]] = [
        "double-spend": ["attacker", "confirmations", "trials", "premine", "give-up", "leveldb"],
        "selfish-mining": ["alpha", "gamma", "blocks"],
        "fork-rate": ["latency", "relay", "blocks", "miners"],
        "centralisation": ["shares", "latency", "blocks"],
    ]

    public static func load(path: String) throws(ScenarioErrors) -> ExperimentPlan {
        try load(yaml: YAMLReader.read(path: path), file: path)
    }

    public static func load(yaml: String, file: String) throws(ScenarioErrors) -> ExperimentPlan {
        let root = try YAMLReader.compose(yaml: yaml, file: file)
        let reader = YAMLReader(file: file)
        let kindNode = root.mapping?["experiment"]
        let kind = kindNode.flatMap { reader.choice($0, "experiment", keys.keys.sorted()) }
        if kindNode == nil {
            // A scenario file would otherwise get one "unknown key" per line.
            let scenarioOnly = Set(ScenarioLoader.topLevelKeys).subtracting(keys.values.joined()).subtracting(["name", "description", "seed"])
            if let scenarioKey = YAMLReader.firstKey(of: root, in: scenarioOnly) {
                reader.error(scenarioKey, "experiment", "this is a scenario file, not an experiment: play it with `regsim run \(file)`")
                return try reader.result(nil as ExperimentPlan?)
            }
            reader.error(root, "experiment", "missing: one of \(keys.keys.sorted().joined(separator: ", "))")
        }
        let kindKeys = kind.flatMap { keys[$0] } ?? keys.keys.sorted().flatMap { keys[$0] ?? [] }
        var allowed = ["experiment", "name", "description", "seed"]
        for key in kindKeys where !allowed.contains(key) { allowed.append(key) }
        let entries = reader.mapping(root, "", allowed: allowed) ?? []
        var fields: [String: Node] = [:]
        for (key, value, _) in entries { fields[key] = value }
        return try reader.result(kind.flatMap { build($0, fields, reader) })
    }

    /// A list field, written as a YAML list or as text (`0.1,0.2`, `0-10`).
    static func text(_ node: Node?) -> String? {
        guard let node else { return nil }
        if let sequence = node.sequence { return sequence.compactMap { $0.scalar?.string }.joined(separator: ",") }
        return node.scalar?.string
    }

    static func build(_ kind: String, _ fields: [String: Node], _ reader: YAMLReader) -> ExperimentPlan? {
        func list<T>(_ key: String, default fallback: String, expected: String, _ parse: (String) -> T?) -> T? {
            let value = text(fields[key]) ?? fallback
            guard let parsed = parse(value) else {
                reader.error(fields[key], key, "expected \(expected), found '\(value)'")
                return nil
            }
            return parsed
        }
        func integer(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) -> Int {
            fields[key].flatMap { reader.integer($0, key, range: range) } ?? fallback
        }
        let seed = UInt64(fields["seed"].flatMap { reader.integer($0, "seed", range: 0...Int.max) } ?? 1)
        switch kind {
        case "double-spend":
            guard let shares = list("attacker", default: "0.1,0.2,0.3", expected: "shares such as 0.1,0.3", { ExperimentPlan.numbers($0, step: 0.05) }),
                  let confirmations = list("confirmations", default: "0-10", expected: "confirmations such as 0-10", ExperimentPlan.integers) else { return nil }
            guard shares.allSatisfy({ $0 > 0 && $0 < 1 }) else {
                reader.error(fields["attacker"], "attacker", "attacker shares must be between 0 and 1")
                return nil
            }
            guard confirmations.allSatisfy(ExperimentLimits.confirmations.contains) else {
                reader.error(fields["confirmations"], "confirmations", "confirmations must be in \(ExperimentLimits.confirmations)")
                return nil
            }
            var experiment = DoubleSpendExperiment(attackerShares: shares, confirmations: confirmations, trials: integer("trials", 2000, ExperimentLimits.trials))
            experiment.premine = integer("premine", 1, ExperimentLimits.premine)
            if let problem = ExperimentLimits.premineProblem(shares: shares, premine: experiment.premine) {
                reader.error(fields["premine"], "premine", problem)
                return nil
            }
            experiment.giveUp = integer("give-up", 10, ExperimentLimits.giveUp)
            experiment.useLevelDB = fields["leveldb"].flatMap { reader.boolean($0, "leveldb") } ?? false
            experiment.seed = seed
            return .doubleSpend(experiment)
        case "selfish-mining":
            guard let alphas = list("alpha", default: "0.1-0.45", expected: "shares such as 0.25,0.35", { ExperimentPlan.numbers($0, step: 0.05) }),
                  let gammas = list("gamma", default: "0,0.5,1", expected: "values such as 0,0.5,1", { ExperimentPlan.numbers($0, step: 0.5) }) else { return nil }
            guard alphas.allSatisfy({ $0 > 0 && $0 < 0.5 }), gammas.allSatisfy({ (0...1).contains($0) }) else {
                reader.error(fields["alpha"], "alpha", "α must be in (0, 0.5) and γ in [0, 1]")
                return nil
            }
            var experiment = SelfishMiningExperiment(alphas: alphas, gammas: gammas, blocks: integer("blocks", 20_000, ExperimentLimits.blocks))
            experiment.seed = seed
            return .selfishMining(experiment)
        case "fork-rate":
            guard let latencies = list("latency", default: "0.1s,1s,5s,10s,30s", expected: "durations such as 0.1s,10s", ExperimentPlan.durations),
                  let relays = list("relay", default: "inv,compact,push", expected: "relay modes such as inv,push", ExperimentPlan.relays) else { return nil }
            var experiment = ForkRateExperiment(latencies: latencies, relays: relays, blocks: integer("blocks", 5_000, ExperimentLimits.blocks))
            experiment.miners = integer("miners", 10, ExperimentLimits.miners)
            experiment.seed = seed
            return .forkRate(experiment)
        default:
            guard let shares = list("shares", default: "0.05,0.1,0.15,0.2,0.5", expected: "shares such as 0.1,0.2,0.7", { ExperimentPlan.numbers($0, step: 0.05) }),
                  let latency = list("latency", default: "10s", expected: "a duration such as 10s", Units.duration) else { return nil }
            guard ExperimentLimits.areHashpowerShares(shares) else {
                reader.error(fields["shares"], "shares", "at least two positive shares with a finite sum")
                return nil
            }
            var experiment = CentralisationExperiment(shares: shares, latency: latency, blocks: integer("blocks", 50_000, ExperimentLimits.blocks))
            experiment.seed = seed
            return .centralisation(experiment)
        }
    }
}
