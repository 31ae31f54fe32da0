import Consensus
import Foundation
import Node
import Simulation
import Yams

extension ScenarioBuilder {
    // MARK: Actors and miners

    func readActors(_ node: Node) {
        for (index, item) in (reader.sequence(node, "actors") ?? []).enumerated() {
            let path = "actors[\(index)]"
            guard let fields = reader.mapping(item, path, allowed: ["name", "node", "funds"]) else { continue }
            var name: String?, place: Int?, coinbases = 0
            for (key, value, _) in fields {
                switch key {
                case "name": name = reader.string(value, "\(path).name")
                case "node": place = nodeIndex(value, "\(path).node")
                default:
                    if let amount = reader.unit(value, "\(path).funds", expected: "an amount such as 100 BTC", Units.amount) {
                        coinbases = Int((amount.satoshis + 50 * Amount.coin - 1) / (50 * Amount.coin))
                        if coinbases > 1_000 { reader.error(value, "\(path).funds", "at most 50,000 BTC per actor (1,000 coinbases)") }
                    }
                }
            }
            guard let name else {
                reader.error(item, "\(path).name", "missing: the actor's name")
                continue
            }
            guard let place else {
                if !fields.contains(where: { $0.key == "node" }) { reader.error(item, "\(path).node", "missing: the node the actor's wallet lives on") }
                continue
            }
            if actors.contains(where: { $0.name == name }) || nodeNames.contains(name) {
                reader.error(item, "\(path).name", "'\(name)' is already the name of a node or actor")
            }
            actors.append(Actor(name: name, node: place, coinbases: min(coinbases, 1_000)))
        }
    }

    func readMiners(_ node: Node) {
        let keys = ["name", "node", "nodes", "hashpower", "strategy", "gamma", "attack"]
        for (index, item) in (reader.sequence(node, "miners") ?? []).enumerated() {
            let path = "miners[\(index)]"
            guard let entries = reader.mapping(item, path, allowed: keys) else { continue }
            var fields: [String: Node] = [:]
            for (key, value, _) in entries { fields[key] = value }
            var nodes: [Int] = []
            if let single = fields["node"] { nodes = nodeIndex(single, "\(path).node").map { [$0] } ?? [] }
            if let list = fields["nodes"] { nodes += (reader.sequence(list, "\(path).nodes") ?? []).enumerated().compactMap { nodeIndex($1, "\(path).nodes[\($0)]") } }
            guard !nodes.isEmpty else {
                if fields["node"] == nil && fields["nodes"] == nil { reader.error(item, "\(path).node", "missing: the node (or nodes, for a pool) it mines on") }
                continue
            }
            let name = fields["name"].flatMap { reader.string($0, "\(path).name") } ?? nodeNames[nodes[0]]
            guard let powerNode = fields["hashpower"] else {
                reader.error(item, "\(path).hashpower", "missing: a share such as 30%")
                continue
            }
            let power = hashpower(powerNode, "\(path).hashpower") ?? 0
            let strategyName = fields["strategy"].flatMap { reader.choice($0, "\(path).strategy", ["honest", "selfish", "double-spend"]) } ?? "honest"
            var strategy = MiningStrategy.honest
            switch strategyName {
            case "selfish":
                let gamma = fields["gamma"].flatMap { reader.unit($0, "\(path).gamma", expected: "a share such as 0.5 or 50%", Units.fraction) }
                strategy = .selfish(gamma: gamma)
            case "double-spend":
                guard let attackNode = fields["attack"] else {
                    reader.error(item, "\(path).attack", "missing: a double-spend miner needs attack: {merchant, amount, confirmations, wallet}")
                    continue
                }
                guard let attack = readAttack(attackNode, "\(path).attack", minerNode: nodes[0]) else { continue }
                strategy = .doubleSpend(attack)
                transactionIds.insert("\(name).payment")
                transactionIds.insert("\(name).conflict")
            default: break
            }
            if minerNames.contains(name) { reader.error(item, "\(path).name", "miner '\(name)' is listed twice") }
            minerNames.append(name)
            configuration.miners.append(MinerConfiguration(name: name, nodes: nodes, hashpower: power, strategy: strategy))
        }
    }

    func readAttack(_ node: Node, _ path: String, minerNode: Int) -> DoubleSpendAttack? {
        let keys = ["merchant", "amount", "confirmations", "premine", "give-up", "start", "wallet"]
        guard let entries = reader.mapping(node, path, allowed: keys) else { return nil }
        var fields: [String: Node] = [:]
        for (key, value, _) in entries { fields[key] = value }
        for required in ["merchant", "amount", "confirmations", "wallet"] where fields[required] == nil {
            reader.error(node, "\(path).\(required)", "missing")
        }
        guard let merchantNode = fields["merchant"], let merchant = placeIndex(merchantNode, "\(path).merchant"),
              let amountNode = fields["amount"], let amount = reader.unit(amountNode, "\(path).amount", expected: "an amount such as 10 BTC", Units.amount),
              let confirmationsNode = fields["confirmations"], let confirmations = reader.integer(confirmationsNode, "\(path).confirmations", range: 0...1_000),
              let walletNode = fields["wallet"], let wallet = actorName(walletNode, "\(path).wallet") else { return nil }
        if actors.first(where: { $0.name == wallet })?.node != minerNode {
            reader.error(walletNode, "\(path).wallet", "actor '\(wallet)' must live on the attacker's node \(nodeNames[minerNode])")
        }
        let premine = fields["premine"].flatMap { reader.integer($0, "\(path).premine", range: 0...100) } ?? 1
        let giveUp = fields["give-up"].flatMap { reader.integer($0, "\(path).give-up", range: 1...1_000) } ?? 6
        let start = fields["start"].flatMap { reader.unit($0, "\(path).start", expected: "a time such as 30m", Units.duration) } ?? 0
        return DoubleSpendAttack(merchantNode: merchant, amount: amount, confirmations: confirmations, premine: premine,
                                 giveUpDeficit: giveUp, start: start, wallet: wallet)
    }

    // MARK: Events

    static let actionKeys = ["send", "double-spend", "partition", "heal", "set-hashpower", "offline", "online", "restart", "invalidate", "mine", "misbehave", "note", "stop"]

    func readEvents(_ node: Node) -> [TimelineEvent] {
        var events: [TimelineEvent] = []
        for (index, item) in (reader.sequence(node, "events") ?? []).enumerated() {
            let path = "events[\(index)]"
            guard let entries = reader.mapping(item, path, allowed: ["at", "when"] + ScenarioBuilder.actionKeys) else { continue }
            var trigger: Trigger?
            var actions: [(String, Node)] = []
            for (key, value, _) in entries {
                switch key {
                case "at":
                    trigger = reader.unit(value, "\(path).at", expected: "a time such as 30m", Units.duration).map(Trigger.at)
                    if case .at(let time) = trigger { checkWithinDuration(time, value, "\(path).at") }
                case "when": trigger = readCondition(value, "\(path).when")
                default: actions.append((key, value))
                }
            }
            if !entries.contains(where: { $0.key == "at" || $0.key == "when" }) { reader.error(item, path, "missing: 'at' (a time) or 'when' (a condition)") }
            guard actions.count == 1 else {
                reader.error(item, path, actions.isEmpty ? "missing: one action (\(ScenarioBuilder.actionKeys.joined(separator: ", ")))" : "one action per event, found \(actions.map(\.0).joined(separator: " and "))")
                continue
            }
            let (key, value) = actions[0]
            guard let action = readAction(key, value, "\(path).\(key)"), let trigger else { continue }
            if case .stop = action, case .at(let time) = trigger, time < timedStop?.time ?? .max { timedStop = (time, path) }
            events.append(TimelineEvent(trigger: trigger, action: action, location: reader.location(item)))
        }
        return events
    }

    /// Reports a time after the run's end: what is timed then would never happen.
    func checkWithinDuration(_ time: Int64, _ node: Node?, _ path: String) {
        guard let duration, time > duration else { return }
        reader.error(node, path, "\(Units.clock(time)) is after the run ends (duration \(Units.clock(duration)))")
    }

    /// `pay has 2 confirmations on merchant` or `height 10 on n1`.
    func readCondition(_ node: Node, _ path: String) -> Trigger? {
        guard let text = reader.string(node, path) else { return nil }
        let words = text.split(separator: " ").map(String.init)
        if words.count == 6, words[1] == "has", words[3].hasPrefix("confirmation"), words[4] == "on", let count = Int(words[2]) {
            guard transactionIds.contains(words[0]) else {
                reader.error(node, path, "unknown transaction '\(words[0])' (define it in an earlier send or double-spend)")
                return nil
            }
            guard let place = place(named: words[5], node, path) else { return nil }
            return .confirmations(tx: words[0], count: count, node: place)
        }
        if words.count == 4, words[0] == "height", words[2] == "on", let height = Int(words[1]) {
            guard let place = place(named: words[3], node, path) else { return nil }
            return .height(height, node: place)
        }
        reader.error(node, path, "expected 'TX has N confirmations on NODE-OR-ACTOR' or 'height N on NODE', found '\(text)'")
        return nil
    }

    func place(named name: String, _ node: Node, _ path: String) -> Int? {
        if let actor = actors.first(where: { $0.name == name }) { return actor.node }
        if let index = nodeNames.firstIndex(of: name) { return index }
        reader.error(node, path, "unknown node or actor '\(name)'")
        return nil
    }

    /// `stop: true`, or `stop: TEXT` giving the reason.
    func readStop(_ value: Node, _ path: String) -> TimelineAction? {
        guard let text = reader.string(value, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return .stop(reason: nil)
        case "false", "no", "off", "":
            reader.error(value, path, "expected true or a reason (text), found '\(text)'; leave the event out not to stop")
            return nil
        default: return .stop(reason: text)
        }
    }

    func readAction(_ key: String, _ value: Node, _ path: String) -> TimelineAction? {
        switch key {
        case "send": return readSend(value, path)
        case "double-spend": return readDoubleSpend(value, path)
        case "partition":
            guard let groups = reader.sequence(value, path) else { return nil }
            let indexes = groups.enumerated().map { number, group in
                (reader.sequence(group, "\(path)[\(number)]") ?? []).enumerated().compactMap { nodeIndex($1, "\(path)[\(number)][\($0)]") }
            }
            let all = indexes.flatMap { $0 }
            if Set(all).count != all.count { reader.error(value, path, "a node appears in two groups") }
            return .partition(indexes)
        case "heal": return .heal
        case "set-hashpower":
            guard let fields = reader.mapping(value, path, allowed: ["miner", "hashpower"]) else { return nil }
            var miner: Int?, power: Double?
            for (field, node, _) in fields {
                if field == "miner" { miner = minerIndex(node, "\(path).miner") } else { power = hashpower(node, "\(path).hashpower") }
            }
            guard let miner, let power else {
                if !fields.contains(where: { $0.key == "miner" }) || !fields.contains(where: { $0.key == "hashpower" }) { reader.error(value, path, "needs miner and hashpower") }
                return nil
            }
            return .setHashpower(miner: miner, hashpower: power)
        case "offline": return nodeIndex(value, path).map(TimelineAction.offline)
        case "online": return nodeIndex(value, path).map(TimelineAction.online)
        case "restart": return nodeIndex(value, path).map(TimelineAction.restart)
        case "invalidate":
            guard let fields = reader.mapping(value, path, allowed: ["node", "height"]) else { return nil }
            var place: Int?, height: Int?
            for (field, node, _) in fields {
                if field == "node" { place = nodeIndex(node, "\(path).node") } else { height = reader.integer(node, "\(path).height", range: 1...10_000_000) }
            }
            guard let place else { return nil }
            return .invalidate(node: place, height: height)
        case "mine":
            guard let fields = reader.mapping(value, path, allowed: ["node", "blocks", "miner"]) else { return nil }
            var place: Int?, blocks = 1, miner: Int?
            for (field, node, _) in fields {
                switch field {
                case "node": place = nodeIndex(node, "\(path).node")
                case "blocks": blocks = reader.integer(node, "\(path).blocks", range: 1...10_000) ?? 1
                default: miner = minerIndex(node, "\(path).miner")
                }
            }
            guard let place else { return nil }
            return .mine(node: place, blocks: blocks, miner: miner)
        case "misbehave": return readMisbehave(value, path)
        case "stop": return readStop(value, path)
        default:
            return reader.string(value, path).map(TimelineAction.note)
        }
    }

    func readSend(_ node: Node, _ path: String) -> TimelineAction? {
        guard let fields = reader.mapping(node, path, allowed: ["id", "from", "to", "amount", "fee-rate"]) else { return nil }
        var values: [String: Node] = [:]
        for (key, value, _) in fields { values[key] = value }
        for required in ["id", "from", "to", "amount"] where values[required] == nil { reader.error(node, "\(path).\(required)", "missing") }
        guard let idNode = values["id"], let id = reader.string(idNode, "\(path).id"),
              let fromNode = values["from"], let from = actorName(fromNode, "\(path).from"),
              let toNode = values["to"], let to = actorName(toNode, "\(path).to"),
              let amountNode = values["amount"], let amount = reader.unit(amountNode, "\(path).amount", expected: "an amount such as 1.5 BTC", Units.amount)
        else { return nil }
        let feeRate = values["fee-rate"].flatMap { reader.unit($0, "\(path).fee-rate", expected: "a fee rate such as 10 sat/vB", Units.feeRate) }
        if !transactionIds.insert(id).inserted { reader.error(idNode, "\(path).id", "transaction id '\(id)' is used twice") }
        return .send(id: id, from: from, to: to, amount: amount, feeRate: feeRate)
    }

    func readDoubleSpend(_ node: Node, _ path: String) -> TimelineAction? {
        guard let fields = reader.mapping(node, path, allowed: ["id", "of", "to", "fee-rate", "node"]) else { return nil }
        var values: [String: Node] = [:]
        for (key, value, _) in fields { values[key] = value }
        for required in ["id", "of", "to"] where values[required] == nil { reader.error(node, "\(path).\(required)", "missing") }
        guard let idNode = values["id"], let id = reader.string(idNode, "\(path).id"),
              let ofNode = values["of"], let original = transactionId(ofNode, "\(path).of"),
              let toNode = values["to"], let to = actorName(toNode, "\(path).to") else { return nil }
        let feeRate = values["fee-rate"].flatMap { reader.unit($0, "\(path).fee-rate", expected: "a fee rate such as 10 sat/vB", Units.feeRate) }
        let place = values["node"].flatMap { nodeIndex($0, "\(path).node") }
        if !transactionIds.insert(id).inserted { reader.error(idNode, "\(path).id", "transaction id '\(id)' is used twice") }
        return .doubleSpend(id: id, of: original, to: to, feeRate: feeRate, node: place)
    }

    /// `{node, send: KIND, tx: ID}`; `tx` (a payment to re-spend) only with `double-spend`.
    func readMisbehave(_ node: Node, _ path: String) -> TimelineAction? {
        guard let fields = reader.mapping(node, path, allowed: ["node", "send", "tx"]) else { return nil }
        var values: [String: Node] = [:]
        for (key, value, _) in fields { values[key] = value }
        for required in ["node", "send"] where values[required] == nil { reader.error(node, "\(path).\(required)", "missing") }
        let place = values["node"].flatMap { nodeIndex($0, "\(path).node") }
        let kind = values["send"].flatMap { reader.choice($0, "\(path).send", Misbehaviour.Kind.allCases.map(\.rawValue)) }
            .flatMap(Misbehaviour.Kind.init(rawValue:))
        let tx = values["tx"].flatMap { transactionId($0, "\(path).tx") }
        if kind == .doubleSpend && values["tx"] == nil {
            reader.error(node, "\(path).tx", "missing: the payment whose coins the block re-spends")
        } else if let kind, kind != .doubleSpend, let txNode = values["tx"] {
            reader.error(txNode, "\(path).tx", "only a double-spend block re-spends a transaction, not \(kind.rawValue)")
        }
        guard let place, let kind, kind != .doubleSpend || tx != nil else { return nil }
        if kind == .doubleSpend, let tx, let txNode = values["tx"], !transactionIds.insert(Misbehaviour.Kind.respendId(of: tx)).inserted {
            reader.error(txNode, "\(path).tx", "\(tx) is re-spent by a block twice")
        }
        return .misbehave(node: place, kind: kind, tx: tx)
    }

    // MARK: Expectations

    static let expectationKeys = ["at", "tx", "on", "confirmations", "state", "converged", "reorg", "miner", "share", "stale-rate", "nakamoto-coefficient", "attack", "outcome", "min-depth", "interval", "from", "to", "banned"]

    func readExpectations(_ node: Node) -> [Expectation] {
        var expectations: [Expectation] = []
        for (index, item) in (reader.sequence(node, "expect") ?? []).enumerated() {
            let path = "expect[\(index)]"
            guard let entries = reader.mapping(item, path, allowed: ScenarioBuilder.expectationKeys) else { continue }
            var fields: [String: Node] = [:]
            for (key, value, _) in entries { fields[key] = value }
            let at = fields["at"].flatMap { reader.unit($0, "\(path).at", expected: "a time such as 1h", Units.duration) }
            if let at { checkWithinDuration(at, fields["at"], "\(path).at") }
            if let at, let stop = timedStop, at >= stop.time {
                reader.error(fields["at"], "\(path).at", "checked at \(Units.clock(at)), not before the run stops at \(Units.clock(stop.time)) (\(stop.path)): leave out 'at' to check it at the end")
            }
            guard let kind = readExpectation(fields, item, path) else { continue }
            expectations.append(Expectation(kind: kind, at: at, location: reader.location(item)))
        }
        return expectations
    }

    func readExpectation(_ fields: [String: Node], _ item: Node, _ path: String) -> ExpectationKind? {
        if let txNode = fields["tx"] {
            guard let tx = transactionId(txNode, "\(path).tx") else { return nil }
            guard let onNode = fields["on"], let place = placeIndex(onNode, "\(path).on") else {
                if fields["on"] == nil { reader.error(item, "\(path).on", "missing: the node or actor whose view is checked") }
                return nil
            }
            if let confirmations = fields["confirmations"] {
                return comparison(confirmations, "\(path).confirmations", bare: .atLeast).map { .confirmations(tx: tx, node: place, $0) }
            }
            if let state = fields["state"] {
                return reader.choice(state, "\(path).state", TransactionState.allCases.map(\.rawValue))
                    .flatMap(TransactionState.init(rawValue:)).map { .state(tx: tx, node: place, $0) }
            }
            reader.error(item, path, "a tx expectation needs 'confirmations' or 'state'")
            return nil
        }
        if let converged = fields["converged"] {
            guard reader.boolean(converged, "\(path).converged") == true else {
                reader.error(converged, "\(path).converged", "only 'converged: true' can be expected")
                return nil
            }
            return .converged
        }
        if let reorg = fields["reorg"] {
            guard let entries = reader.mapping(reorg, "\(path).reorg", allowed: ["min-depth", "on"]) else { return nil }
            var depth = 1, place: Int?
            for (key, value, _) in entries {
                if key == "min-depth" { depth = reader.integer(value, "\(path).reorg.min-depth", range: 1...10_000) ?? 1 } else { place = placeIndex(value, "\(path).reorg.on") }
            }
            return .reorg(depth: depth, node: place)
        }
        if let share = fields["share"] {
            guard let minerNode = fields["miner"], let miner = minerIndex(minerNode, "\(path).miner") else {
                if fields["miner"] == nil { reader.error(item, "\(path).miner", "missing: whose share") }
                return nil
            }
            return comparison(share, "\(path).share", bare: nil).map { .minerShare(miner: miner, $0) }
        }
        if let stale = fields["stale-rate"] {
            let miner = fields["miner"].flatMap { minerIndex($0, "\(path).miner") }
            return comparison(stale, "\(path).stale-rate", bare: nil).map { .staleRate(miner: miner, $0) }
        }
        if let coefficient = fields["nakamoto-coefficient"] {
            return comparison(coefficient, "\(path).nakamoto-coefficient", bare: .equal).map { .nakamotoCoefficient($0) }
        }
        if let attack = fields["attack"] {
            guard let miner = minerIndex(attack, "\(path).attack") else { return nil }
            let outcome = fields["outcome"].flatMap { reader.choice($0, "\(path).outcome", ["succeeded", "failed", "gave-up", "released", "racing"]) } ?? "succeeded"
            return .attack(miner: miner, phase: outcome)
        }
        if let interval = fields["interval"] {
            let from = fields["from"].flatMap { reader.unit($0, "\(path).from", expected: "a time such as 2h", Units.duration) } ?? 0
            let to = fields["to"].flatMap { reader.unit($0, "\(path).to", expected: "a time such as 4h", Units.duration) } ?? .max
            if to <= from { reader.error(item, path, "'to' must be after 'from'") }
            return comparison(interval, "\(path).interval", bare: nil).map { .interval(from: from, to: to, $0) }
        }
        if let banned = fields["banned"] {
            return nodeIndex(banned, "\(path).banned").map(ExpectationKind.banned)
        }
        reader.error(item, path, "unknown expectation: use tx + confirmations/state, converged, reorg, miner + share, stale-rate, nakamoto-coefficient, attack, interval or banned")
        return nil
    }

    /// `">= 6"`, `"< 1%"`, `"between 40% and 60%"` is not supported; a bare value uses `bare`.
    func comparison(_ node: Node, _ path: String, bare: Comparison.Operator?) -> Comparison? {
        guard let text = reader.string(node, path) else { return nil }
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var op = bare
        for candidate in [Comparison.Operator.atLeast, .atMost, .equal, .above, .below] where rest.hasPrefix(candidate.rawValue) {
            op = candidate
            rest = rest.dropFirst(candidate.rawValue.count)
            break
        }
        let valueText = rest.trimmingCharacters(in: .whitespaces)
        // A share (30%), a number, or a duration (7m, compared in seconds).
        let value = valueText.hasSuffix("%") ? Units.fraction(valueText)
            : Double(valueText) ?? Units.duration(valueText).map { Double($0) / 1e6 }
        guard let op, let value else {
            reader.error(node, path, "expected a comparison such as '>= 2', '< 5%' or '< 7m', found '\(text)'")
            return nil
        }
        return Comparison(op: op, value: value)
    }
}
