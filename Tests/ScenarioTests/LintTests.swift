import Scenario
import Testing

@Suite struct LintTests {
    static let valid = """
    name: t
    duration: 1h
    network:
      nodes: [n1, n2]
    miners:
      - {name: m, node: n1, hashpower: 100%}
    actors:
      - {name: alice, node: n1, funds: 50 BTC}
    """

    /// Broken files and the exact message and position each must produce.
    @Test(arguments: [
        ("name: t\nduration: 1h\nnetwork:\n  nodes: 2\n  topolgy: ring\n",
         "broken.yml:5:3: network.topolgy: unknown key 'topolgy'; did you mean 'topology'? (expected one of: nodes, topology, latency, bandwidth, loss, processing, relay, trickle, store, block-size, wire-fidelity, persist-mempool)"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: 2\n  latency: 100 parsecs\n",
         "broken.yml:5:12: network.latency: expected a duration such as 100ms, or a mapping with a type, found '100 parsecs'"),
        (valid + "\nevents:\n  - at: 5m\n    send: {id: p, from: alice, to: bob, amount: 1 BTC}\n",
         "broken.yml:11:36: events[0].send.to: unknown actor 'bob'"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: two\n",
         "broken.yml:4:10: network.nodes: expected a whole number, found 'two'"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: 2\nminers:\n  - {name: m, node: n3, hashpower: 50%}\n",
         "broken.yml:6:21: miners[0].node: unknown node 'n3'; did you mean 'n1'?"),
        ("name: t\nduration: [1h]\nnetwork:\n  nodes: 2\n",
         "broken.yml:2:11: duration: expected text, found a list"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: 2\n  relay: [inv\n",
         "broken.yml:6:1: YAML syntax error: did not find expected ',' or ']'"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: 2\n  relay: pushy\n",
         "broken.yml:5:10: network.relay: unknown value 'pushy'; did you mean 'push'? (expected one of: inv, headers, compact, push)"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: {count: 12, regions: mars}\n",
         "broken.yml:4:31: network.nodes.regions: unknown value 'mars' (expected one of: simblock, north-america, europe, south-america, asia-pacific, japan, australia)"),
        ("name: t\nduration: 1h\nnetwork:\n  nodes: {regions: simblock}\n",
         "broken.yml:4:10: network.nodes.count: missing: how many nodes, up to 100,000"),
        (valid + "\nexpect:\n  - {miner: m, share: about half}\n",
         "broken.yml:10:23: expect[0].share: expected a comparison such as '>= 2', '< 5%' or '< 7m', found 'about half'"),
        (valid + "\nevents:\n  - at: 5m\n    misbehave: {node: n2, send: double-spend}\n",
         "broken.yml:11:16: events[0].misbehave.tx: missing: the payment whose coins the block re-spends"),
        (valid + "\nevents:\n  - at: 5m\n    misbehave: {node: n2, send: flood}\n",
         "broken.yml:11:33: events[0].misbehave.send: unknown value 'flood' (expected one of: double-spend, inflated-coinbase, bad-proof-of-work, corrupt-message)"),
        (valid + "\nexpect:\n  - banned: n3\n",
         "broken.yml:10:13: expect[0].banned: unknown node 'n3'; did you mean 'n1'?"),
        (valid + "\nevents:\n  - when: height 3 on n1\n    stop: no\n",
         "broken.yml:11:11: events[0].stop: expected true or a reason (text), found 'no'; leave the event out not to stop"),
        (valid + "\nevents:\n  - at: 30m\n    stop: true\nexpect:\n  - {at: 40m, converged: true}\n",
         "broken.yml:13:10: expect[0].at: checked at 00:40:00, not before the run stops at 00:30:00 (events[0]): leave out 'at' to check it at the end"),
        (valid + "\nevents:\n  - at: 2h\n    heal: true\n",
         "broken.yml:10:9: events[0].at: 02:00:00 is after the run ends (duration 01:00:00)"),
        (valid + "\nexpect:\n  - {at: 61m, converged: true}\n",
         "broken.yml:10:10: expect[0].at: 01:01:00 is after the run ends (duration 01:00:00)"),
        // Bytes that are not text, and a quoted escape: positioned, and nothing echoed that
        // a terminal would act on.
        ("name: t\nduration: 1h\u{1B}[31m\n",
         "broken.yml:2:13: not YAML text: control characters are not allowed (U+001B)"),
        ("name: t\nduration: \"\\e[31m\"\nnetwork:\n  nodes: 2\n",
         "broken.yml:2:11: duration: expected a duration such as 2h or 30m, found '?[31m'"),
    ])
    func brokenFileReportsWhereAndWhat(yaml: String, message: String) {
        do {
            _ = try ScenarioLoader.load(yaml: yaml, file: "broken.yml")
            Issue.record("loaded a broken file")
        } catch {
            #expect(error.diagnostics.map(\.description).contains(message), "\(error.diagnostics.map(\.description))")
        }
    }

    /// `{count, regions}` names the nodes `n1` … and places them: SimBlock's 2019
    /// proportions with each region's bandwidth, or all in one region.
    @Test func nodeCountsSpreadOverRegions() throws {
        let spread = try ScenarioLoader.load(yaml: "name: t\nduration: 1h\nnetwork:\n  nodes: {count: 1000, regions: simblock}\n  topology: bitcoin\n", file: "r.yml")
        let nodes = spread.configuration.nodes
        #expect(nodes.count == 1_000 && nodes[0].name == "n1" && nodes[999].name == "n1000")
        let europe = nodes.filter { $0.region == .europe }
        #expect(europe.count == 499)  // positions 332.5 … 830.5 of 1,000 fall in its 49.98 %
        #expect(nodes.filter { $0.region == .northAmerica }.count == 332)
        #expect(Set(nodes.map(\.region)).count == 6)
        #expect(europe.allSatisfy { $0.uploadBitsPerSecond == 20_700_000 && $0.downloadBitsPerSecond == 40_000_000 })
        let japan = try ScenarioLoader.load(yaml: "name: t\nduration: 1h\nnetwork:\n  nodes: {count: 3, regions: japan}\n  bandwidth: 1MB/s\n", file: "r.yml")
        #expect(japan.configuration.nodes.map(\.region) == [.japan, .japan, .japan])
        #expect(japan.configuration.nodes.allSatisfy { $0.uploadBitsPerSecond == 8_000_000 })
    }

    /// An experiment file given as a scenario gets one message naming the command that runs
    /// it, not one "unknown key" per line.
    @Test func anExperimentFileIsNamedAsSuch() {
        do {
            _ = try ScenarioLoader.load(yaml: "# Rosenfeld\nexperiment: double-spend\nattacker: 0.1\ntrials: 100\n", file: "x.yml")
            Issue.record("loaded an experiment file as a scenario")
        } catch {
            #expect(error.diagnostics.map(\.description)
                == ["x.yml:2:1: experiment: this is an experiment file, not a scenario: run it with `regsim experiment file x.yml`"])
        }
    }

    /// Every problem of a file is reported at once.
    @Test func allErrorsAtOnce() {
        let yaml = "name: t\nduration: soon\nnetwork:\n  nodes: 2\n  loss: 150%\n  store: disk\nextra: 1\n"
        do {
            _ = try ScenarioLoader.load(yaml: yaml, file: "many.yml")
            Issue.record("loaded a broken file")
        } catch {
            #expect(error.diagnostics.map(\.path) == ["duration", "network.loss", "network.store", "extra"])
        }
    }

    @Test func unitsReadAsPeopleWriteThem() {
        #expect(Units.duration("250ms") == 250_000)
        #expect(Units.duration("2h30m") == 9_000_000_000)
        #expect(Units.duration("365d") == Int64(365) * 86_400 * 1_000_000)
        #expect(Units.amount("1.5 BTC")?.satoshis == 150_000_000)
        #expect(Units.amount("1000 sat")?.satoshis == 1000)
        #expect(Units.fraction("30%") == 0.3)
        #expect(Units.bandwidth("1MB/s") == 8_000_000)
        #expect(Units.size("535kB") == 535_000)
        #expect(Units.duration("5 fortnights") == nil)
        #expect(Units.fraction("130%") == nil)
    }
}
