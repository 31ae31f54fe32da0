import Foundation
import Scenario
import TestSupport
import Testing

@Suite struct ExperimentFileTests {
    /// The bundled experiment files load into the plans their flags would make.
    @Test func bundledExperimentFilesLoad() throws {
        let plan = try ExperimentLoader.load(path: scenariosDirectory + "/experiments/double-spend.yml")
        guard case .doubleSpend(let experiment) = plan else {
            Issue.record("not a double-spend plan")
            return
        }
        #expect(experiment.attackerShares == [0.1, 0.2, 0.3])
        #expect(experiment.confirmations == Array(0...8))
        #expect(experiment.trials == 2000 && experiment.premine == 1 && experiment.giveUp == 10)
        guard case .selfishMining(let selfish) = try ExperimentLoader.load(path: scenariosDirectory + "/experiments/selfish-mining.yml") else {
            Issue.record("not a selfish-mining plan")
            return
        }
        #expect(selfish.alphas.count == 8 && selfish.gammas == [0, 0.5, 1])
    }

    /// The diagnostics loading `yaml` as `e.yml` gives (none when it loads).
    static func messages(_ yaml: String) -> [String] {
        do {
            _ = try ExperimentLoader.load(yaml: yaml, file: "e.yml")
            return []
        } catch { return error.diagnostics.map(\.description) }
    }

    @Test func brokenExperimentFilesAreReported() {
        let messages = Self.messages
        #expect(messages("experiment: double-spent\n") == ["e.yml:1:13: experiment: unknown value 'double-spent'; did you mean 'double-spend'? (expected one of: centralisation, double-spend, fork-rate, selfish-mining)"])
        #expect(messages("experiment: fork-rate\nrelay: inv,carrier-pigeon\n") == ["e.yml:2:8: relay: expected relay modes such as inv,push, found 'inv,carrier-pigeon'"])
        #expect(messages("experiment: double-spend\nalpha: 0.3\n").first?.contains("unknown key 'alpha'") == true)
    }

    /// A scenario file given as an experiment gets one message saying which command plays it,
    /// not one "unknown key" per line; a file of neither kind lists each allowed key once.
    @Test func aScenarioFileIsNamedAsSuch() {
        let scenario = "name: t\nduration: 1h\nnetwork:\n  nodes: 2\nevents: []\n"
        #expect(Self.messages(scenario) == ["e.yml:2:1: experiment: this is a scenario file, not an experiment: play it with `regsim run e.yml`"])
        let unknown = Self.messages("colour: blue\n")
        #expect(unknown.count == 2)
        let allowed = unknown.last?.split(separator: "(").last?.dropFirst("expected one of: ".count).dropLast().split(separator: ", ") ?? []
        #expect(allowed.count == Set(allowed).count && allowed.contains("give-up") && allowed.contains("gamma"), "\(allowed)")
    }

    /// Values that would never finish, exhaust memory or overflow are refused with the line,
    /// before anything runs (they hung or crashed the process before).
    @Test func outOfRangeExperimentValuesAreReported() {
        let messages = Self.messages
        #expect(messages("experiment: double-spend\nconfirmations: 0-99999999999\n")
            == ["e.yml:2:16: confirmations: expected confirmations such as 0-10, found '0-99999999999'"])
        #expect(messages("experiment: double-spend\nconfirmations: 1,5000\n") == ["e.yml:2:16: confirmations: confirmations must be in 0...1000"])
        #expect(messages("experiment: double-spend\nattacker: 0.1-inf\n") == ["e.yml:2:11: attacker: expected shares such as 0.1,0.3, found '0.1-inf'"])
        #expect(messages("experiment: double-spend\nattacker: 0.1-1e300\n").count == 1)
        #expect(messages("experiment: double-spend\ngive-up: 9223372036854775807\n").first?.contains("give-up") == true)
        #expect(messages("experiment: centralisation\nshares: 1e308,1e308\n")
            == ["e.yml:2:9: shares: at least two positive shares with a finite sum"])
        #expect(messages("experiment: double-spend\nattacker: 0.1,0.3\npremine: 10\n")
            == ["e.yml:3:10: premine: a premine of 10 at q = 0.1 needs about 1e+10 attempts per trial; lower it or raise the attacker's share"])
        #expect(messages("experiment: double-spend\nattacker: 0.1\npremine: 6\n") == [])
        #expect(ExperimentPlan.integers("0-999") == Array(0...999))
        #expect(ExperimentPlan.integers("0-1000") == nil)
        #expect(ExperimentPlan.numbers("0.05-0.45", step: 0.05)?.count == 9)
    }

    /// `regsim experiment file` runs a small file end to end.
    @Test func commandRunsAnExperimentFile() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/small.yml"
        try "experiment: double-spend\nattacker: 0.3\nconfirmations: 1\ntrials: 30\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try regsim(["experiment", "file", file, "--out", directory.path + "/out", "--jobs", "2"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains(" 0.30   1      30"))
        let csv = try String(contentsOfFile: directory.path + "/out/double-spend.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 2)
    }
}
