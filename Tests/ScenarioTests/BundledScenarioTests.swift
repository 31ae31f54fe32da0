import Foundation
import Scenario
import TestSupport
import Testing

/// The repository's `Scenarios/` folder.
let scenariosDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenarios").path

let bundledScenarios = ((try? FileManager.default.contentsOfDirectory(atPath: scenariosDirectory)) ?? []).filter { $0.hasSuffix(".yml") }.sorted()

@Suite struct BundledScenarioTests {
    @Test func thereAreElevenBundledScenarios() {
        #expect(bundledScenarios.count == 11)
    }

    /// Every bundled scenario runs, meets all its expectations, and writes the same
    /// `events.jsonl` and timeline twice: once on one thread, once asked for two.
    @Test(arguments: bundledScenarios)
    func scenarioPassesAndIsDeterministic(file: String) throws {
        let scenario = try ScenarioLoader.load(path: scenariosDirectory + "/" + file)
        var logs: [Data] = []
        var timelines: [[String]] = []
        for round in 0..<2 {
            let directory = TemporaryDirectory()
            var options = RunOptions(outputDirectory: directory.path + "/run\(round)")
            options.verbosity = .quiet
            options.threads = round + 1
            let runner = try ScenarioRunner(scenario: scenario, options: options, print: { _ in })
            let status = try runner.run()
            #expect(status == 0, "\(runner.results.filter { !$0.passed }.map(\.line))")
            #expect(!runner.results.isEmpty)
            logs.append(try Data(contentsOf: URL(fileURLWithPath: options.outputDirectory + "/events.jsonl")))
            timelines.append(runner.timeline)
        }
        #expect(logs[0].count > 100)
        #expect(logs[0] == logs[1])
        #expect(timelines[0] == timelines[1])
    }

    /// The benchmark scenario (BENCHMARKS.md) stays loadable and parallel.
    @Test func benchmarkScenarioLoads() throws {
        let scenario = try ScenarioLoader.load(path: scenariosDirectory + "/benchmarks/big-network.yml")
        #expect(scenario.nodeNames.count == 3_000)
        #expect(ScenarioRunner.threads(for: scenario, asked: 2) == 2)
    }

    /// Asked for two threads, scenarios run their nodes in parallel windows unless they
    /// have `when:` conditions or miners that react to tips — so the test above compares
    /// one thread with two for the others.
    @Test func scenariosRunInParallelUnlessTheyCannot() throws {
        var parallel: [String] = []
        for file in bundledScenarios {
            let scenario = try ScenarioLoader.load(path: scenariosDirectory + "/" + file)
            let directory = TemporaryDirectory()
            var options = RunOptions(outputDirectory: directory.path)
            options.threads = 2
            let runner = try ScenarioRunner(scenario: scenario, options: options, print: { _ in })
            if runner.simulation.parallelWindow != nil { parallel.append(file) }
        }
        #expect(parallel.contains("latency-forks.yml"))
        #expect(parallel.contains("centralisation.yml"))
        #expect(!parallel.contains("quickstart.yml"))  // when: conditions
        #expect(!parallel.contains("selfish-mining.yml"))  // a miner reacting to tips
        #expect(parallel.count >= 4, "\(parallel)")
    }
}
