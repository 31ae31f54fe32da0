import Consensus
import Foundation
import Node
import Simulation
import Yams

/// Builds a ``Scenario`` from a YAML document, section by section; names (nodes, actors,
/// miners, transaction ids) are resolved as they are met, so every reference is checked.
final class ScenarioBuilder {
    let reader: YAMLReader
    var configuration = SimulationConfiguration(nodes: [])
    var nodeNames: [String] = []
    var minerNames: [String] = []
    var actors: [Actor] = []
    var transactionIds = Set<String>()
    var usesLevelDB = true
    /// The scenario's `duration`, once read: no event or check is timed after it.
    var duration: Int64?
    /// The earliest `stop` event with an `at:` time, which no timed expectation may follow.
    var timedStop: (time: Int64, path: String)?

    init(reader: YAMLReader) { self.reader = reader }

    func build(_ root: Node) -> Scenario? {
        // An experiment file would otherwise get one "unknown key" per line.
        if let experiment = YAMLReader.firstKey(of: root, in: ["experiment"]) {
            reader.error(experiment, "experiment", "this is an experiment file, not a scenario: run it with `regsim experiment file \(reader.file)`")
            return nil
        }
        guard let entries = reader.mapping(root, "", allowed: ScenarioLoader.topLevelKeys) else { return nil }
        let fields = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let name = fields["name"].flatMap { reader.string($0, "name") }
        if fields["name"] == nil { reader.error(root, "name", "missing: every scenario needs a name") }
        let description = fields["description"].flatMap { reader.string($0, "description") } ?? ""
        let seed = fields["seed"].flatMap { reader.integer($0, "seed", range: 0...Int.max) } ?? 1
        let duration = fields["duration"].flatMap { reader.unit($0, "duration", expected: "a duration such as 2h or 30m", Units.duration) }
        if fields["duration"] == nil { reader.error(root, "duration", "missing: how long to run, such as 2h") }
        self.duration = duration
        if let interval = fields["target-interval"] {
            if let value = reader.unit(interval, "target-interval", expected: "a duration such as 10m", Units.duration) {
                if value > 0 { configuration.targetBlockInterval = value } else { reader.error(interval, "target-interval", "must be longer than 0") }
            }
        }
        if let retarget = fields["retarget"] { readRetarget(retarget) }
        if let network = fields["network"] { readNetwork(network) } else { reader.error(root, "network", "missing: the nodes and how they connect") }
        if let actors = fields["actors"] { readActors(actors) }
        if let miners = fields["miners"] { readMiners(miners) }
        let events = fields["events"].map(readEvents) ?? []
        let expectations = fields["expect"].map(readExpectations) ?? []
        configuration.seed = UInt64(seed)
        guard let name, let duration else { return nil }
        return Scenario(name: name, description: description, seed: UInt64(seed), duration: duration, configuration: configuration,
                        usesLevelDB: usesLevelDB, nodeNames: nodeNames, minerNames: minerNames, actors: actors, events: events,
                        expectations: expectations, file: reader.file)
    }

    // MARK: Network

    func readRetarget(_ node: Node) {
        guard let entries = reader.mapping(node, "retarget", allowed: ["interval"]) else { return }
        for entry in entries {
            if let blocks = reader.integer(entry.value, "retarget.interval", range: 2...100_000) {
                configuration.params = .custom(name: "regsim-retarget", targetSpacing: max(1, configuration.targetBlockInterval / SimulationTime.second),
                                               retargetInterval: blocks)
            }
        }
    }

    func readNetwork(_ node: Node) {
        let keys = ["nodes", "topology", "latency", "bandwidth", "loss", "processing", "relay", "trickle", "store", "block-size", "wire-fidelity", "persist-mempool"]
        guard let entries = reader.mapping(node, "network", allowed: keys) else { return }
        configuration.peer.trickle = false  // teaching default: relay at once
        configuration.peer.blockRelay = .headers
        var bandwidth: (up: Double?, down: Double?) = (nil, nil)
        var topologyNode: Node?
        for (key, value, _) in entries {
            let path = "network.\(key)"
            switch key {
            case "nodes": readNodes(value, path)
            case "topology": topologyNode = value
            case "latency": readLatency(value, path)
            case "bandwidth": bandwidth = readBandwidth(value, path)
            case "loss":
                if let loss = reader.unit(value, path, expected: "a share such as 1% or 0.01", Units.fraction) { configuration.loss = loss }
            case "processing":
                if let delay = reader.unit(value, path, expected: "a duration such as 5ms", Units.duration) { configuration.processingDelay = delay }
            case "relay":
                if let mode = reader.choice(value, path, BlockRelayMode.allCases.map(\.rawValue)) { configuration.peer.blockRelay = BlockRelayMode(rawValue: mode) ?? .headers }
            case "trickle":
                if let on = reader.boolean(value, path) { configuration.peer.trickle = on }
            case "store":
                if let store = reader.choice(value, path, ["leveldb", "memory"]) { usesLevelDB = store == "leveldb" }
            case "block-size":
                if let size = reader.unit(value, path, expected: "a size such as 535kB", Units.size) { configuration.modelledBlockSize = size }
            case "wire-fidelity":
                if let on = reader.boolean(value, path) { configuration.wireFidelity = on }
            case "persist-mempool":
                if let on = reader.boolean(value, path) { configuration.persistMempool = on }
            default: break
            }
        }
        if nodeNames.isEmpty { reader.error(node, "network.nodes", "missing: a node count or a list of node names") }
        for index in configuration.nodes.indices {
            if configuration.nodes[index].uploadBitsPerSecond == nil { configuration.nodes[index].uploadBitsPerSecond = bandwidth.up }
            if configuration.nodes[index].downloadBitsPerSecond == nil { configuration.nodes[index].downloadBitsPerSecond = bandwidth.down }
        }
        if let topologyNode {
            readTopology(topologyNode, "network.topology")
        } else if nodeNames.count > 2_000 {
            reader.error(node, "network.topology", "missing: the default full mesh of \(nodeNames.count) nodes would need \(nodeNames.count * (nodeNames.count - 1) / 2) connections; choose random-regular or bitcoin")
        }
    }

    func readNodes(_ node: Node, _ path: String) {
        if node.scalar != nil {
            guard let count = reader.integer(node, path, range: 1...100_000) else { return }
            configuration.nodes = NodeConfiguration.named(count: count)
        } else if node.mapping != nil {
            readNodeCount(node, path)
        } else if let items = reader.sequence(node, path) {
            var names = Set<String>()
            for (index, item) in items.enumerated() {
                let itemPath = "\(path)[\(index)]"
                var entry = NodeConfiguration(name: "")
                if item.scalar != nil {
                    entry.name = reader.string(item, itemPath) ?? ""
                } else if let fields = reader.mapping(item, itemPath, allowed: ["name", "region", "upload", "download"]) {
                    for (key, value, _) in fields {
                        switch key {
                        case "name": entry.name = reader.string(value, "\(itemPath).name") ?? ""
                        case "region":
                            if let region = reader.choice(value, "\(itemPath).region", Region.allCases.map(\.name)) { entry.region = Region(name: region) ?? .northAmerica }
                        case "upload": entry.uploadBitsPerSecond = reader.unit(value, "\(itemPath).upload", expected: "a bandwidth such as 1MB/s", Units.bandwidth)
                        default: entry.downloadBitsPerSecond = reader.unit(value, "\(itemPath).download", expected: "a bandwidth such as 1MB/s", Units.bandwidth)
                        }
                    }
                }
                guard !entry.name.isEmpty else {
                    reader.error(item, itemPath, "a node needs a name")
                    continue
                }
                if !names.insert(entry.name).inserted { reader.error(item, itemPath, "node '\(entry.name)' is listed twice") }
                configuration.nodes.append(entry)
            }
        }
        nodeNames = configuration.nodes.map(\.name)
    }

    /// `{count: N, regions: R}`: nodes `n1` … `nN`, spread over SimBlock's six regions in
    /// its 2019 Bitcoin proportions with each region's bandwidth (`regions: simblock`), or
    /// all in one region (`regions: europe`).
    func readNodeCount(_ node: Node, _ path: String) {
        guard let entries = reader.mapping(node, path, allowed: ["count", "regions"]) else { return }
        var fields: [String: Node] = [:]
        for (key, value, _) in entries { fields[key] = value }
        guard let countNode = fields["count"] else {
            reader.error(node, "\(path).count", "missing: how many nodes, up to 100,000")
            return
        }
        guard let count = reader.integer(countNode, "\(path).count", range: 1...100_000) else { return }
        let spread = "simblock"
        let regions = fields["regions"].flatMap { reader.choice($0, "\(path).regions", [spread] + Region.allCases.map(\.name)) }
        switch regions {
        case spread?:
            configuration.nodes = NodeConfiguration.regional(count: count)
        case let name?:
            let region = Region(name: name) ?? .northAmerica
            configuration.nodes = (1...count).map { NodeConfiguration(name: "n\($0)", region: region) }
        case nil:
            configuration.nodes = NodeConfiguration.named(count: count)
        }
    }

    func readBandwidth(_ node: Node, _ path: String) -> (Double?, Double?) {
        if node.scalar != nil {
            let value = reader.unit(node, path, expected: "a bandwidth such as 1MB/s or 20Mbit/s", Units.bandwidth)
            return (value, value)
        }
        guard let fields = reader.mapping(node, path, allowed: ["upload", "download"]) else { return (nil, nil) }
        var result: (Double?, Double?) = (nil, nil)
        for (key, value, _) in fields {
            let parsed = reader.unit(value, "\(path).\(key)", expected: "a bandwidth such as 1MB/s", Units.bandwidth)
            if key == "upload" { result.0 = parsed } else { result.1 = parsed }
        }
        return result
    }

    func readLatency(_ node: Node, _ path: String) {
        if let text = node.scalar?.string {
            if text == "regions" {
                configuration.latency = .regions
            } else if let value = reader.unit(node, path, expected: "a duration such as 100ms, or a mapping with a type", Units.duration) {
                configuration.latency = .constant(value)
            }
            return
        }
        let keys = ["type", "value", "min", "max", "mean", "sd", "median", "sigma"]
        guard let fields = reader.mapping(node, path, allowed: keys) else { return }
        var values: [String: Node] = [:]
        for (key, value, _) in fields { values[key] = value }
        guard let typeNode = values["type"] else {
            reader.error(node, "\(path).type", "missing: constant, uniform, normal, log-normal or regions")
            return
        }
        guard let type = reader.choice(typeNode, "\(path).type", ["constant", "uniform", "normal", "log-normal", "regions"]) else { return }
        func duration(_ key: String) -> Int64? {
            guard let value = values[key] else {
                reader.error(node, "\(path).\(key)", "missing: the \(type) latency needs '\(key)'")
                return nil
            }
            return reader.unit(value, "\(path).\(key)", expected: "a duration such as 100ms", Units.duration)
        }
        switch type {
        case "constant": if let value = duration("value") { configuration.latency = .constant(value) }
        case "uniform":
            if let low = duration("min"), let high = duration("max") {
                if high < low { reader.error(node, path, "max is below min") } else { configuration.latency = .uniform(min: low, max: high) }
            }
        case "normal": if let mean = duration("mean"), let sd = duration("sd") { configuration.latency = .normal(mean: mean, standardDeviation: sd) }
        case "log-normal":
            if let median = duration("median") {
                let sigma = values["sigma"].flatMap { reader.unit($0, "\(path).sigma", expected: "a number such as 0.5", Double.init) } ?? 0.5
                configuration.latency = .logNormal(median: median, sigma: sigma)
            }
        default: configuration.latency = .regions
        }
    }

    func readTopology(_ node: Node, _ path: String) {
        let names = ["full-mesh", "ring", "star", "random-regular", "erdos-renyi", "bitcoin", "edges"]
        var type: String?
        var fields: [String: Node] = [:]
        if node.scalar != nil {
            type = reader.choice(node, path, names)
        } else if let entries = reader.mapping(node, path, allowed: ["type", "degree", "probability", "outbound", "inbound", "center", "edges"]) {
            for (key, value, _) in entries { fields[key] = value }
            if let typeNode = fields["type"] { type = reader.choice(typeNode, "\(path).type", names) } else { reader.error(node, "\(path).type", "missing: one of \(names.joined(separator: ", "))") }
        }
        switch type {
        case "full-mesh":
            if nodeNames.count > 2_000 {
                reader.error(node, path, "a full mesh of \(nodeNames.count) nodes needs \(nodeNames.count * (nodeNames.count - 1) / 2) connections; use random-regular or bitcoin above 2,000 nodes")
            }
            configuration.topology = .fullMesh
        case "ring": configuration.topology = .ring
        case "star":
            let center = fields["center"].flatMap { nodeIndex($0, "\(path).center") } ?? 0
            configuration.topology = .star(center: center)
        case "random-regular":
            let degree = fields["degree"].flatMap { reader.integer($0, "\(path).degree", range: 1...1_000) } ?? 4
            configuration.topology = .randomRegular(degree: degree)
        case "erdos-renyi":
            if nodeNames.count > 5_000 { reader.error(node, path, "erdos-renyi draws every pair: at most 5,000 nodes (use random-regular or bitcoin)") }
            let probability = fields["probability"].flatMap { reader.unit($0, "\(path).probability", expected: "a probability such as 0.3", Units.fraction) } ?? 0.5
            configuration.topology = .erdosRenyi(probability: probability)
        case "bitcoin":
            let outbound = fields["outbound"].flatMap { reader.integer($0, "\(path).outbound", range: 1...1_000) } ?? 8
            let inbound = fields["inbound"].flatMap { reader.integer($0, "\(path).inbound", range: 1...10_000) } ?? 125
            configuration.topology = .bitcoin(outbound: outbound, maxInbound: inbound)
        case "edges":
            guard let list = fields["edges"] else {
                reader.error(node, "\(path).edges", "missing: a list of [from, to] pairs")
                return
            }
            var edges: [Topology.Edge] = []
            for (index, item) in (reader.sequence(list, "\(path).edges") ?? []).enumerated() {
                let itemPath = "\(path).edges[\(index)]"
                guard let pair = reader.sequence(item, itemPath), pair.count == 2 else {
                    if item.sequence != nil { reader.error(item, itemPath, "expected a pair [from, to]") }
                    continue
                }
                if let a = nodeIndex(pair[0], itemPath), let b = nodeIndex(pair[1], itemPath) {
                    if a == b { reader.error(item, itemPath, "an edge cannot connect a node to itself") } else { edges.append(Topology.Edge(a, b)) }
                }
            }
            configuration.topology = .edges(edges)
        default: break
        }
        if let type, type != "edges", reader.diagnostics.isEmpty {
            var random = DeterministicRandom(seed: 0)
            do { _ = try configuration.topology.edges(count: max(nodeNames.count, 1), random: &random) } catch { reader.error(node, path, error.description) }
        }
    }

    // MARK: Names

    func nodeIndex(_ node: Node, _ path: String) -> Int? {
        guard let name = reader.string(node, path) else { return nil }
        if let index = nodeNames.firstIndex(of: name) { return index }
        let hint = YAMLReader.suggestion(for: name, among: nodeNames).map { "; did you mean '\($0)'?" } ?? ""
        reader.error(node, path, "unknown node '\(name)'\(hint)")
        return nil
    }

    /// A node named directly or through an actor on it.
    func placeIndex(_ node: Node, _ path: String) -> Int? {
        guard let name = reader.string(node, path) else { return nil }
        if let actor = actors.first(where: { $0.name == name }) { return actor.node }
        if let index = nodeNames.firstIndex(of: name) { return index }
        let hint = YAMLReader.suggestion(for: name, among: nodeNames + actors.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
        reader.error(node, path, "unknown node or actor '\(name)'\(hint)")
        return nil
    }

    func minerIndex(_ node: Node, _ path: String) -> Int? {
        guard let name = reader.string(node, path) else { return nil }
        if let index = minerNames.firstIndex(of: name) { return index }
        let hint = YAMLReader.suggestion(for: name, among: minerNames).map { "; did you mean '\($0)'?" } ?? ""
        reader.error(node, path, "unknown miner '\(name)'\(hint)")
        return nil
    }

    func actorName(_ node: Node, _ path: String) -> String? {
        guard let name = reader.string(node, path) else { return nil }
        if actors.contains(where: { $0.name == name }) { return name }
        let hint = YAMLReader.suggestion(for: name, among: actors.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
        reader.error(node, path, "unknown actor '\(name)'\(hint)")
        return nil
    }

    func transactionId(_ node: Node, _ path: String) -> String? {
        guard let id = reader.string(node, path) else { return nil }
        if transactionIds.contains(id) { return id }
        let hint = YAMLReader.suggestion(for: id, among: Array(transactionIds)).map { "; did you mean '\($0)'?" } ?? ""
        reader.error(node, path, "unknown transaction '\(id)'\(hint) (ids come from earlier send and double-spend events, or miner.payment / miner.conflict of an attacker)")
        return nil
    }

    func hashpower(_ node: Node, _ path: String) -> Double? {
        reader.unit(node, path, expected: "a share such as 30% or a relative number such as 2.5") { text in
            if text.contains("%") { return Units.fraction(text) }
            return Double(text).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
        }
    }
}
