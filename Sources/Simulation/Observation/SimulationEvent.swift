import Consensus

/// Something that happened in a simulation, at a simulation time (microseconds). Node and
/// miner fields are indexes into the configuration's lists.
public enum SimulationEvent: Sendable, Equatable {
    /// A miner found a block on `node`.
    case blockFound(time: Int64, miner: Int, node: Int, hash: BlockHash, height: Int, transactions: Int, published: Bool)
    /// A node stored a block's data for the first time (its finder included).
    case blockReceived(time: Int64, node: Int, hash: BlockHash, from: Int?)
    /// A node accepted a transaction into its mempool.
    case transactionReceived(time: Int64, node: Int, txid: Txid, from: Int?)
    /// A node's active tip moved.
    case tipChanged(time: Int64, node: Int, hash: BlockHash, height: Int)
    /// A node left its chain for one with more work: `depth` blocks disconnected, and the
    /// transactions of those blocks that the new chain does not contain.
    case reorg(time: Int64, node: Int, depth: Int, oldTip: BlockHash, newTip: BlockHash, reversed: [Txid])
    /// A watched transaction's confirmations changed on a node (0: unconfirmed again; -1: conflicted).
    case confirmations(time: Int64, node: Int, txid: Txid, count: Int)
    case blockRejected(time: Int64, node: Int, hash: BlockHash, reason: String, from: Int?)
    case transactionRejected(time: Int64, node: Int, txid: Txid, reason: String, from: Int?)
    /// A node disconnected (and banned) a peer that broke the rules.
    case misbehaviour(time: Int64, node: Int, peer: Int, reason: String)
    /// A node broke the rules on purpose (``Simulation/misbehave(_:sending:)``): it sent
    /// `kind` (a ``Misbehaviour/Kind`` raw value) carrying block `hash` at `height` to `peers` peers.
    case misbehaving(time: Int64, node: Int, kind: String, hash: BlockHash, height: Int, peers: Int)
    case partition(time: Int64, groups: [[Int]])
    case heal(time: Int64)
    case nodeOffline(time: Int64, node: Int)
    case nodeOnline(time: Int64, node: Int)
    /// A node reopened its chain state at `height` and reloaded `mempool` transactions.
    case nodeRestarted(time: Int64, node: Int, height: Int, mempool: Int)
    case hashpowerChanged(time: Int64, miner: Int, hashpower: Double)
    /// A withholding miner released blocks.
    case blocksPublished(time: Int64, miner: Int, count: Int, tip: BlockHash)
    /// A double-spend attack moved on: `phase` is `started`, `payment-broadcast`,
    /// `released`, `succeeded`, `failed` or `gave-up`.
    case attack(time: Int64, miner: Int, phase: String, detail: String)
    /// A node's database failed.
    case storageFailure(time: Int64, node: Int, message: String)
    /// A line of narration.
    case note(time: Int64, text: String)

    /// When it happened, microseconds.
    public var time: Int64 {
        switch self {
        case .blockFound(let time, _, _, _, _, _, _), .blockReceived(let time, _, _, _), .transactionReceived(let time, _, _, _),
             .tipChanged(let time, _, _, _), .reorg(let time, _, _, _, _, _), .confirmations(let time, _, _, _),
             .blockRejected(let time, _, _, _, _), .transactionRejected(let time, _, _, _, _), .misbehaviour(let time, _, _, _),
             .misbehaving(let time, _, _, _, _, _),
             .partition(let time, _), .heal(let time), .nodeOffline(let time, _), .nodeOnline(let time, _),
             .nodeRestarted(let time, _, _, _), .hashpowerChanged(let time, _, _), .blocksPublished(let time, _, _, _),
             .attack(let time, _, _, _), .storageFailure(let time, _, _), .note(let time, _):
            return time
        }
    }

    /// The event as one line of JSON with a fixed key order (`"t"` in microseconds first,
    /// then `"type"`), so that equal runs give byte-identical logs.
    public var jsonLine: String {
        var json = JSONLine()
        json.add("t", time)
        json.add("type", kind.name)
        switch self {
        case let .blockFound(_, miner, node, hash, height, transactions, published):
            json.add("miner", miner); json.add("node", node); json.add("hash", hash.description)
            json.add("height", height); json.add("txs", transactions); json.add("published", published)
        case let .blockReceived(_, node, hash, from):
            json.add("node", node); json.add("hash", hash.description); json.add("from", from)
        case let .transactionReceived(_, node, txid, from):
            json.add("node", node); json.add("txid", txid.description); json.add("from", from)
        case let .tipChanged(_, node, hash, height):
            json.add("node", node); json.add("hash", hash.description); json.add("height", height)
        case let .reorg(_, node, depth, oldTip, newTip, reversed):
            json.add("node", node); json.add("depth", depth); json.add("old-tip", oldTip.description)
            json.add("new-tip", newTip.description); json.add("reversed", reversed.map(\.description))
        case let .confirmations(_, node, txid, count):
            json.add("node", node); json.add("txid", txid.description); json.add("count", count)
        case let .blockRejected(_, node, hash, reason, from):
            json.add("node", node); json.add("hash", hash.description); json.add("reason", reason); json.add("from", from)
        case let .transactionRejected(_, node, txid, reason, from):
            json.add("node", node); json.add("txid", txid.description); json.add("reason", reason); json.add("from", from)
        case let .misbehaviour(_, node, peer, reason):
            json.add("node", node); json.add("peer", peer); json.add("reason", reason)
        case let .misbehaving(_, node, kind, hash, height, peers):
            json.add("node", node); json.add("kind", kind); json.add("hash", hash.description); json.add("height", height); json.add("peers", peers)
        case let .partition(_, groups):
            json.addRaw("groups", "[" + groups.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]")
        case .heal:
            break
        case let .nodeOffline(_, node):
            json.add("node", node)
        case let .nodeOnline(_, node):
            json.add("node", node)
        case let .nodeRestarted(_, node, height, mempool):
            json.add("node", node); json.add("height", height); json.add("mempool", mempool)
        case let .hashpowerChanged(_, miner, hashpower):
            json.add("miner", miner); json.add("hashpower", hashpower)
        case let .blocksPublished(_, miner, count, tip):
            json.add("miner", miner); json.add("count", count); json.add("tip", tip.description)
        case let .attack(_, miner, phase, detail):
            json.add("miner", miner); json.add("phase", phase); json.add("detail", detail)
        case let .storageFailure(_, node, message):
            json.add("node", node); json.add("message", message)
        case let .note(_, text):
            json.add("text", text)
        }
        return json.finish()
    }
}
