import Foundation
import Scenario
import TestSupport
import Testing

/// The repository's `Scenarios/` folder.
let scenariosDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scenarios").path

let bundledScenarios = ((try? FileManager.default.contentsOfDirectory(atPath: scenariosDirectory)) ?? []).filter { $0.hasSuffix(".yml") }.sorted()

@Suite struct BundledScenarioTests {
    @Test func thereAreTenBundledScenarios() {
        #expect(bundledScenarios.count == 10)
    }

    /// Every bundled scenario runs, meets all its expectations, and writes the same
    /// `events.jsonl` twice.
    @Test(arguments: bundledScenarios)
    func scenarioPassesAndIsDeterministic(file: String) throws {
        let scenario = try ScenarioLoader.load(path: scenariosDirectory + "/" + file)
        var logs: [Data] = []
        for round in 0..<2 {
            let directory = TemporaryDirectory()
            var options = RunOptions(outputDirectory: directory.path + "/run\(round)")
            options.verbosity = .quiet
            let runner = try ScenarioRunner(scenario: scenario, options: options, print: { _ in })
            let status = try runner.run()
            #expect(status == 0, "\(runner.results.filter { !$0.passed }.map(\.line))")
            #expect(!runner.results.isEmpty)
            logs.append(try Data(contentsOf: URL(fileURLWithPath: options.outputDirectory + "/events.jsonl")))
        }
        #expect(logs[0].count > 100)
        #expect(logs[0] == logs[1])
    }
}
