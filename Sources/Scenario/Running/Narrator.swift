import Consensus
import Foundation
import Simulation

/// Turns simulation events into timeline lines a person reads: names instead of indexes,
/// short hashes, only what matters at the chosen verbosity.
struct Narrator {
    let scenario: Scenario
    let colour: Bool
    /// Nodes that hold an actor's wallet: their confirmations are narrated.
    let actorNodes: Set<Int>

    init(scenario: Scenario, colour: Bool) {
        self.scenario = scenario
        self.colour = colour
        actorNodes = Set(scenario.actors.map(\.node))
    }

    func line(_ time: Int64, _ text: String, tint: String? = nil) -> String {
        let stamp = Units.clock(time)
        guard colour else { return "\(stamp)  \(text)" }
        return "\u{1B}[2m\(stamp)\u{1B}[0m  " + (tint.map { "\u{1B}[\($0)m\(text)\u{1B}[0m" } ?? text)
    }

    func node(_ index: Int) -> String { scenario.nodeNames[index] }
    func miner(_ index: Int) -> String { index >= 0 ? scenario.minerNames[index] : "scripted" }
    func short(_ hash: BlockHash) -> String { String(hash.description.prefix(8)) }

    /// The line for `event`, or `nil` when the verbosity leaves it out.
    func describe(_ event: SimulationEvent, verbosity: Verbosity, names: [Txid: String]) -> String? {
        func tx(_ txid: Txid) -> String { names[txid] ?? String(txid.description.prefix(8)) }
        switch event {
        case let .blockFound(time, minerIndex, nodeIndex, hash, height, transactions, published):
            let withheld = published ? "" : ", withheld"
            return line(time, "\(node(nodeIndex)) mined block \(height) \(short(hash)) (miner \(miner(minerIndex)), \(transactions) tx\(withheld))", tint: "32")
        case let .reorg(time, nodeIndex, depth, oldTip, newTip, reversed):
            let undone = reversed.isEmpty ? "" : "; reversed \(reversed.map(tx).joined(separator: ", "))"
            return line(time, "\(node(nodeIndex)) reorg of depth \(depth): \(short(oldTip)) → \(short(newTip))\(undone)", tint: "33")
        case let .confirmations(time, nodeIndex, txid, count):
            guard verbosity == .verbose || (actorNodes.contains(nodeIndex) && names[txid] != nil) else { return nil }
            let who = scenario.actors.filter { $0.node == nodeIndex }.map(\.name).joined(separator: "/")
            return line(time, "\(who.isEmpty ? node(nodeIndex) : who) sees \(tx(txid)) with \(count) confirmation\(count == 1 ? "" : "s")", tint: "36")
        case let .blockRejected(time, nodeIndex, hash, reason, from):
            return line(time, "\(node(nodeIndex)) rejects block \(short(hash)): \(reason)\(from.map { " (from \(node($0)))" } ?? "")", tint: "31")
        case let .transactionRejected(time, nodeIndex, txid, reason, from):
            guard verbosity == .verbose || names[txid] != nil else { return nil }
            return line(time, "\(node(nodeIndex)) rejects \(tx(txid)): \(reason)\(from.map { " (from \(node($0)))" } ?? "")", tint: "31")
        case let .misbehaviour(time, nodeIndex, peer, reason):
            return line(time, "\(node(nodeIndex)) disconnects \(node(peer)): \(reason)", tint: "31")
        case let .misbehaving(time, nodeIndex, kind, hash, height, peers):
            let what = kind == Misbehaviour.Kind.corruptMessage.rawValue ? "a corrupt message carrying block" : "block"
            return line(time, "\(node(nodeIndex)) misbehaves (\(kind)): sends \(what) \(height) \(short(hash)) to \(peers) peer\(peers == 1 ? "" : "s")", tint: "1;31")
        case let .partition(time, groups):
            return line(time, "partition: " + groups.map { "[" + $0.map(node).joined(separator: " ") + "]" }.joined(separator: " | "), tint: "35")
        case let .heal(time):
            return line(time, "network healed", tint: "35")
        case let .nodeOffline(time, nodeIndex):
            return line(time, "\(node(nodeIndex)) goes offline", tint: "35")
        case let .nodeOnline(time, nodeIndex):
            return line(time, "\(node(nodeIndex)) comes online", tint: "35")
        case let .nodeRestarted(time, nodeIndex, height, mempool):
            let reloaded = mempool == 0 ? "" : ", \(mempool) mempool transaction\(mempool == 1 ? "" : "s") reloaded"
            return line(time, "\(node(nodeIndex)) restarted from its database at height \(height)\(reloaded)", tint: "35")
        case let .hashpowerChanged(time, minerIndex, hashpower):
            return line(time, "miner \(miner(minerIndex)) hashpower now \(JSONLine.number(hashpower))", tint: "35")
        case let .blocksPublished(time, minerIndex, count, tip):
            return line(time, "miner \(miner(minerIndex)) publishes \(count) withheld block\(count == 1 ? "" : "s") up to \(short(tip))", tint: "33")
        case let .attack(time, minerIndex, phase, detail):
            return line(time, "attack by \(miner(minerIndex)): \(phase) — \(detail)", tint: "1;31")
        case let .storageFailure(time, nodeIndex, message):
            return line(time, "\(node(nodeIndex)) database failure: \(message)", tint: "31")
        case let .note(time, text):
            return line(time, "» \(text)", tint: "1")
        case let .blockReceived(time, nodeIndex, hash, from):
            guard verbosity == .verbose else { return nil }
            return line(time, "\(node(nodeIndex)) received block \(short(hash))\(from.map { " from \(node($0))" } ?? "")")
        case let .transactionReceived(time, nodeIndex, txid, _):
            guard verbosity == .verbose else { return nil }
            return line(time, "\(node(nodeIndex)) accepted \(tx(txid)) to its mempool")
        case let .tipChanged(time, nodeIndex, hash, height):
            guard verbosity == .verbose else { return nil }
            return line(time, "\(node(nodeIndex)) tip \(height) \(short(hash))")
        }
    }
}
