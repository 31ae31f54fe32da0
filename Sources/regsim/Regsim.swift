import ArgumentParser
import Consensus
import Foundation
import Scenario

@main
struct Regsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regsim",
        abstract: "Bitcoin regtest nodes on a simulated network: scenarios, reports, databases.",
        subcommands: [Run.self, Lint.self, List.self, Inspect.self, Import.self, Experiment.self])
}

/// Where the bundled scenarios live: `./Scenarios`, else next to the package's sources.
func bundledScenariosDirectory() -> String {
    let local = FileManager.default.currentDirectoryPath + "/Scenarios"
    if FileManager.default.fileExists(atPath: local) { return local }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios").path
}

/// Loads a scenario or prints every problem and exits with status 2.
func loadOrExit(_ path: String) throws -> Scenario {
    do {
        return try ScenarioLoader.load(path: path)
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(2)
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Play a scenario: narrate it, check its expectations, write a report.")

    @Argument(help: "The scenario file (YAML).") var file: String
    @Option(help: "Seed for every random draw (default: the scenario's).") var seed: UInt64?
    @Option(help: "Run directory for the reports and node databases (default: runs/<scenario name>).") var out: String?
    @Flag(help: "Print only failed expectations.") var quiet = false
    @Flag(help: "Narrate every event.") var verbose = false
    @Flag(help: "Print the final summary as one JSON document on stdout.") var json = false
    @Option(help: "Threads to run the nodes on, at most one per processor; the results are the same on any number (scenarios with `when:` conditions, reacting miners or a latency that can be zero use one).")
    var threads = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    func run() throws {
        do { try play() } catch let error as RunFileError {
            // Nothing usable was written: a status apart from a failed expectation's.
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func play() throws {
        let scenario = try loadOrExit(file)
        var options = RunOptions(outputDirectory: out ?? "runs/\(scenario.name)")
        options.seed = seed
        options.threads = threads
        options.verbosity = json || quiet ? .quiet : verbose ? .verbose : .normal
        options.colour = isatty(STDOUT_FILENO) == 1 && !json
        options.progress = isatty(STDERR_FILENO) == 1 && !json
        let runner = try ScenarioRunner(scenario: scenario, options: options)
        if threads > 1 && runner.simulation.parallelWindow == nil {
            FileHandle.standardError.write(Data("\(file): runs on one thread (`when:` conditions, reacting miners or a latency that can be zero need every event in turn)\n".utf8))
        }
        let status = try runner.run()
        if json { print(runner.summaryJSON()) } else if !quiet { print("report: \(options.outputDirectory)/report.html") }
        if status != 0 { throw ExitCode(status) }
    }
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check scenario files without running them.")

    @Argument(help: "Scenario files.") var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                print("\(file): ok (\(scenario.name), \(scenario.nodeNames.count) nodes, \(scenario.events.count) events, \(scenario.expectations.count) expectations)")
            } catch {
                failed = true
                print(error.description)
            }
        }
        if failed { throw ExitCode(2) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The bundled scenarios with their descriptions.")

    func run() throws {
        let directory = bundledScenariosDirectory()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".yml") }.sorted()
        for file in files {
            let path = directory + "/" + file
            let summary = (try? ScenarioLoader.load(path: path)).map { $0.description.split(separator: "\n").first.map(String.init) ?? "" } ?? "(does not load: run regsim lint)"
            print("\(file.padding(toLength: 28, withPad: " ", startingAt: 0)) \(summary)")
        }
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open node databases from a run directory and summarise their chains.")

    @Argument(help: "A run directory, its nodes/ folder, or one node's database.") var directory: String
    @Flag(help: "One JSON object per node.") var json = false
    @Option(help: "Write the (single) node's active chain as a blk*.dat file.") var raw: String?
    @Option(help: "Chain rules: regtest or main.") var chain = "regtest"

    func run() throws {
        guard chain == "main" || chain == "regtest" else { throw ValidationError("--chain must be main or regtest") }
        let params: ChainParams = chain == "main" ? .mainnet : .regtest
        let nodes = NodeInspector.nodeDirectories(directory)
        guard !nodes.isEmpty else {
            FileHandle.standardError.write(Data("no node databases under \(directory)\n".utf8))
            throw ExitCode(2)
        }
        // One damaged database (a crash, a stray edit) should not hide the other nodes.
        var unreadable = 0
        for node in nodes {
            do { print(try NodeInspector.describe(directory: node, params: params, json: json)) } catch {
                FileHandle.standardError.write(Data("\(node): cannot be read: \(error)\n".utf8))
                unreadable += 1
            }
        }
        guard unreadable == 0 else { throw ExitCode(1) }
        if let raw {
            guard nodes.count == 1 else {
                FileHandle.standardError.write(Data("--raw needs one node's directory, such as \(nodes[0])\n".utf8))
                throw ExitCode(2)
            }
            let count = try NodeInspector.writeRaw(directory: nodes[0], to: raw, params: params)
            if !json { print("wrote \(count) blocks to \(raw)") }
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate real blk*.dat files into a node database and summarise it.",
        discussion: "Exits 1 when a file cannot be read or a block is refused as invalid (the rest is still imported).")

    @Argument(help: "blk*.dat files.") var files: [String]
    @Option(help: "Chain rules: main or regtest.") var chain = "main"
    @Option(help: "The node database to create or extend.") var into = "imported-node"
    @Option(help: "Script verification threads (Bitcoin Core's -par); 0: one per processor.") var par = 0
    @Flag(help: "Print the import's counts, refused blocks, unreadable files and the database's summary as one JSON object.") var json = false

    func run() throws {
        guard chain == "main" || chain == "regtest" else { throw ValidationError("--chain must be main or regtest") }
        guard par >= 0 else { throw ValidationError("--par must be 0 (one per processor) or more") }
        let params: ChainParams = chain == "main" ? .mainnet : .regtest
        let threads = par == 0 ? ProcessInfo.processInfo.activeProcessorCount : min(par, 64)
        let summary = try NodeInspector.importFiles(files, into: into, params: params, scriptCheckThreads: threads)
        for (path, reason) in summary.unreadable { FileHandle.standardError.write(Data("\(path): \(reason)\n".utf8)) }
        let node = try NodeInspector.describe(directory: into, params: params, json: json)
        if json {
            print(NodeInspector.importJSON(summary, node: node))
        } else {
            print("read \(summary.read) blocks: \(summary.accepted) accepted, \(summary.duplicates) already known, \(summary.orphans) orphans, \(summary.invalid.count) invalid")
            for (hash, error) in summary.invalid { print("  invalid \(hash): \(error)") }
            print(node)
        }
        // A script importing blocks learns from the status that some were refused or unread.
        if !summary.unreadable.isEmpty || !summary.invalid.isEmpty { throw ExitCode(1) }
    }
}

func writeFile(_ directory: String, _ name: String, _ text: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
}
