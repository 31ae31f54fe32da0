import Consensus
import Foundation
import Node
import Simulation

/// Plays a ``Scenario``: builds the simulation, funds the actors, runs the timeline,
/// narrates it, checks the expectations and writes the reports.
public final class ScenarioRunner {
    public let scenario: Scenario
    public let options: RunOptions
    public let simulation: Simulation
    /// Timeline lines as printed.
    public private(set) var timeline: [String] = []
    public private(set) var results: [ExpectationResult] = []
    /// When the run ended: the scenario's `duration`, or the time a `stop` event ran.
    public internal(set) var end: Int64
    /// The `stop` event that ended the run early, if one did.
    public internal(set) var stoppedBy: Scenario.Location?
    /// The indexes (in `scenario.expectations`) of the timed expectations checked so far.
    var checkedTimed = Set<Int>()
    /// Scenario transaction ids and their transactions, in the order they appeared.
    var transactions: [(id: String, transaction: Transaction)] = []
    var senders: [String: String] = [:]
    var pendingConditions: [TimelineEvent] = []
    var transactionNames: [Txid: String] = [:]
    var maxReorgDepth: [Int: Int] = [:]
    var anyReorgDepth = 0
    let narrator: Narrator
    let events: EventFile
    /// Confirmation changes of the scenario's transactions: (id, node, time, count).
    var confirmationSeries: [(id: String, txid: Txid, node: Int, time: Int64, count: Int)] = []
    let print: (String) -> Void

    /// Prepares a run; `print` receives each timeline and summary line.
    public init(scenario: Scenario, options: RunOptions, print: @escaping (String) -> Void = { Swift.print($0) }) throws {
        self.scenario = scenario
        self.options = options
        self.print = print
        end = scenario.duration
        var configuration = scenario.configuration
        configuration.seed = options.seed ?? scenario.seed
        let nodesDirectory = options.outputDirectory + "/nodes"
        try ScenarioRunner.prepare(runDirectory: options.outputDirectory, nodes: nodesDirectory)
        if scenario.usesLevelDB { configuration.store = .leveldb(directory: nodesDirectory) }
        configuration.threads = ScenarioRunner.threads(for: scenario, asked: options.threads)
        simulation = try Simulation(configuration: configuration)
        narrator = Narrator(scenario: scenario, colour: options.colour)
        events = try EventFile(path: options.outputDirectory + "/events.jsonl", enabled: options.writeReports)
    }

    /// Creates the run directory and removes the node databases of an earlier run in it (a
    /// run starts from its scenario, never from what a previous one left).
    static func prepare(runDirectory: String, nodes: String) throws(RunFileError) {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: runDirectory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RunFileError(path: runDirectory, reason: "is a file, not a run directory")
        }
        do {
            try fileManager.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
            if fileManager.fileExists(atPath: nodes) { try fileManager.removeItem(atPath: nodes) }
        } catch {
            throw RunFileError(path: runDirectory, reason: "cannot be used as the run directory: \(error.localizedDescription)")
        }
    }

    /// Runs the scenario to its end and returns the exit status: 0 when every expectation
    /// holds, 1 otherwise.
    public func run() throws -> Int32 {
        try fund()
        simulation.subscribe { [unowned self] event in self.observe(event) }
        schedule()
        let duration = scenario.duration
        let step = max(duration / 20, SimulationTime.minute)
        var next = step
        while next < duration, stoppedBy == nil {
            simulation.run(until: next) { stoppedBy == nil }
            if options.progress { FileHandle.standardError.write(Data("\r\(scenario.name): \(Int(Double(next) / Double(duration) * 100))%".utf8)) }
            next += step
        }
        if stoppedBy == nil { simulation.run(until: duration) { stoppedBy == nil } }
        if options.progress { FileHandle.standardError.write(Data("\r\(scenario.name): done \n".utf8)) }
        for (index, expectation) in scenario.expectations.enumerated() where expectation.at != nil && !checkedTimed.contains(index) {
            results.append(unreached(expectation))
        }
        for expectation in scenario.expectations where expectation.at == nil { results.append(check(expectation)) }
        try events.close()
        let metrics = simulation.metrics()
        summarize(metrics)
        if options.writeReports { try ReportWriter(runner: self, metrics: metrics).write() }
        return results.allSatisfy(\.passed) ? 0 : 1
    }

    // MARK: Set-up

    /// The threads a run of `scenario` uses when `asked` for some: one when the scenario has
    /// `when:` conditions, which are checked against live node state after each event (in
    /// parallel windows they would be seen only at a window's end, so actions would start at
    /// other times than on one thread). The simulation itself falls back to one thread for
    /// miners that react to tips and for a latency that can be zero (see
    /// ``Simulation/parallelWindow``).
    public static func threads(for scenario: Scenario, asked: Int) -> Int {
        let hasConditions = scenario.events.contains { if case .at = $0.trigger { false } else { true } }
        return hasConditions ? 1 : asked
    }

    func fund() throws {
        var funding: [(wallet: Wallet, blocks: Int)] = []
        for actor in scenario.actors {
            let wallet = simulation.addWallet(actor.name, on: actor.node)
            if actor.coinbases > 0 { funding.append((wallet, actor.coinbases)) }
        }
        try simulation.bootstrap(funding: funding)
    }

    func schedule() {
        for event in scenario.events {
            switch event.trigger {
            case .at(let time): simulation.schedule(at: time) { [unowned self] _ in self.perform(event) }
            case .confirmations, .height: pendingConditions.append(event)
            }
        }
        for (index, expectation) in scenario.expectations.enumerated() {
            guard let time = expectation.at else { continue }
            simulation.schedule(at: time) { [unowned self] _ in
                self.checkedTimed.insert(index)
                let result = self.check(expectation)
                self.results.append(result)
                self.say(self.narrator.line(self.simulation.now, result.passed ? "✓ \(result.expected)" : "✗ expected \(result.expected), got \(result.actual)"))
            }
        }
    }

    // MARK: Observation

    func observe(_ event: SimulationEvent) {
        events.append(event.jsonLine)
        switch event {
        case .attack(_, _, "started", _):
            refreshTransactionNames()
        case let .reorg(_, node, depth, _, _, _):
            maxReorgDepth[node] = max(maxReorgDepth[node] ?? 0, depth)
            anyReorgDepth = max(anyReorgDepth, depth)
        case let .confirmations(time, node, txid, count):
            if let id = transactionNames[txid] { confirmationSeries.append((id, txid, node, time, count)) }
        default:
            break
        }
        if let line = narrator.describe(event, verbosity: options.verbosity, names: transactionNames) { say(line) }
        if !pendingConditions.isEmpty, event.triggersConditionCheck { checkConditions() }
    }

    /// Names of the scenario's transactions by txid, refreshed when one is created.
    func refreshTransactionNames() {
        var names: [Txid: String] = [:]
        for (id, transaction) in transactions { names[transaction.txid] = id }
        for (index, name) in scenario.minerNames.enumerated() {
            let (payment, conflict) = simulation.attackTransactions(ofMiner: index)
            if let payment { names[payment.txid] = "\(name).payment" }
            if let conflict { names[conflict.txid] = "\(name).conflict" }
        }
        transactionNames = names
    }

    func say(_ line: String) {
        timeline.append(line)
        if options.verbosity != .quiet { print(line) }
    }

    func checkConditions() {
        var remaining: [TimelineEvent] = []
        for event in pendingConditions {
            if conditionHolds(event.trigger) {
                // Run it as its own event, after the one that made it true.
                simulation.schedule(at: simulation.now) { [unowned self] _ in self.perform(event) }
            } else {
                remaining.append(event)
            }
        }
        pendingConditions = remaining
    }

    func conditionHolds(_ trigger: Trigger) -> Bool {
        switch trigger {
        case .at: return false
        case let .confirmations(tx, count, node):
            guard let transaction = transaction(tx) else { return false }
            return simulation.confirmations(of: transaction.txid, on: node) >= count
        case let .height(height, node):
            return simulation.node(node).chain.height - simulation.startHeight >= height
        }
    }

    /// The transaction with scenario id `id` (sends, double-spends, attack transactions).
    func transaction(_ id: String) -> Transaction? {
        if let found = transactions.first(where: { $0.id == id }) { return found.transaction }
        for (index, name) in scenario.minerNames.enumerated() {
            let (payment, conflict) = simulation.attackTransactions(ofMiner: index)
            if id == "\(name).payment" { return payment }
            if id == "\(name).conflict" { return conflict }
        }
        return nil
    }
}

extension SimulationEvent {
    /// Events after which a `when` condition may have become true.
    var triggersConditionCheck: Bool {
        switch self {
        case .confirmations, .tipChanged: return true
        default: return false
        }
    }
}
