import Foundation
import Scenario
import Testing
import TestSupport

/// The `stop` action: a run that ends before its `duration`, when a condition holds or at a
/// time, with the expectations checked then.
@Suite struct StopTests {
    static let network = """
    name: stop
    seed: 3
    duration: 6h
    network:
      nodes: [n1, n2, n3]
      topology: full-mesh
      latency: 200ms
      store: memory
    miners:
      - {name: a, node: n1, hashpower: 60%}
      - {name: b, node: n2, hashpower: 40%}
    actors:
      - {name: alice, node: n1, funds: 10 BTC}
      - {name: bob, node: n3}
    """

    func run(_ yaml: String, threads: Int = 1) throws -> (runner: ScenarioRunner, status: Int32, events: [String]) {
        let scenario = try ScenarioLoader.load(yaml: yaml, file: "stop.yml")
        let directory = TemporaryDirectory()
        var options = RunOptions(outputDirectory: directory.path)
        options.verbosity = .quiet
        options.threads = threads
        let runner = try ScenarioRunner(scenario: scenario, options: options, print: { _ in })
        let status = try runner.run()
        let log = try String(contentsOfFile: directory.path + "/events.jsonl", encoding: .utf8)
        return (runner, status, log.split(separator: "\n").map(String.init))
    }

    /// The 1-based line of `yaml` that contains `text`.
    func line(of text: String, in yaml: String) -> Int? {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }.map { $0 + 1 }
    }

    /// The time (µs) of an `events.jsonl` line.
    func time(of line: String) -> Int64? {
        guard let start = line.range(of: "\"t\":") else { return nil }
        return Int64(line[start.upperBound...].prefix { $0.isNumber })
    }

    @Test func aConditionEndsTheRunWhenItHolds() throws {
        let yaml = StopTests.network + """

        events:
          - at: 5m
            send: {id: pay, from: alice, to: bob, amount: 1 BTC}
          - when: pay has 3 confirmations on bob
            stop: bob is paid
        expect:
          - {tx: pay, on: bob, confirmations: "== 3"}
          - {at: 5h, converged: true}
        """
        let (runner, status, events) = try run(yaml)
        let stopLine = try #require(line(of: "- when: pay has 3", in: yaml))
        #expect(runner.stoppedBy?.line == stopLine)
        #expect(runner.end == runner.simulation.now)
        #expect(runner.end < runner.scenario.duration)
        // It stopped at bob's third confirmation, with nothing after it but the stop itself.
        let third = try #require(events.first { $0.contains("\"type\":\"confirmations\",\"node\":2,") && $0.contains("\"count\":3") })
        #expect(time(of: third) == runner.end)
        #expect(events.last?.contains("\"type\":\"note\",\"text\":\"the run stops: bob is paid\"") == true)
        #expect(events.allSatisfy { (time(of: $0) ?? 0) <= runner.end })
        // The end expectation holds at the stop; the timed one, after it, failed as unchecked.
        #expect(status == 1)
        let unchecked = try #require(runner.results.first { $0.location.line == line(of: "at: 5h", in: yaml) })
        #expect(!unchecked.passed)
        #expect(unchecked.actual.hasPrefix("not checked: the run stopped at "))
        #expect(runner.results.first { $0.location.line == line(of: "== 3", in: yaml) }?.passed == true)
        #expect(runner.summaryJSON().contains("\"stopped-by-line\":\(stopLine)"))
    }

    @Test func aTimedStopEndsTheRunAtItsTimeOnAnyThreadCount() throws {
        let yaml = StopTests.network + """

        events:
          - at: 50m
            stop: true
        expect:
          - {at: 49m, converged: true}
        """
        let one = try run(yaml, threads: 1)
        let two = try run(yaml, threads: 2)
        #expect(two.runner.simulation.parallelWindow != nil)
        for (runner, status, events) in [one, two] {
            #expect(status == 0, "\(runner.results.map(\.line))")
            #expect(runner.end == 50 * 60 * 1_000_000)
            #expect(runner.simulation.now == runner.end)
            #expect(events.last?.hasSuffix("\"type\":\"note\",\"text\":\"the run stops\"}") == true)
            #expect(runner.summaryJSON().contains("\"end-seconds\":3000,"))
        }
        #expect(one.events == two.events)
    }
}
