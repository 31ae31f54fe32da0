import Consensus
import Node

/// A node of the simulation: a full node, its peer protocol, and its place in the network.
final class SimulatedNode {
    // The fields a delivery and its replies read come first: the object's first two cache
    // lines are prefetched before its events.
    /// Where its peer logic's state was after its last event, to prefetch before its next.
    var cacheLines = CacheLines()
    var peers: PeerManager
    var online = true
    /// The links from this node, by remote node (kept after they close: epochs keep counting).
    var links = SmallIntMap<LinkState>()
    let index: Int
    /// Events this node's handling has scheduled so far (counted on every send, so in the
    /// second cache line with the fields above).
    var eventsScheduled: UInt64 = 0
    let configuration: NodeConfiguration
    var node: FullNode
    /// Its connections in the topology: the peer and whether this node dialled.
    var neighbours: [(peer: Int, outbound: Bool)] = []
    /// Peers with an open connection, in the order they connected.
    var connected: [Int] = []
    /// Timers of an earlier incarnation (before a restart) are ignored.
    var incarnation = 0
    /// Its `mempool.dat` while it restarts on an in-memory store.
    var savedMempool: [UInt8]?
    /// Confirmations last reported for each watched transaction.
    var reportedConfirmations: [Txid: Int] = [:]
    /// Peers this node banned, until a time (microseconds).
    var bans: [Int: Int64] = [:]

    init(index: Int, configuration: NodeConfiguration, node: FullNode, peers: PeerManager) {
        self.index = index
        self.configuration = configuration
        self.node = node
        self.peers = peers
    }

    /// The ordering key of the next event this node schedules: its index (above the global
    /// kernel's sequence numbers, so global events come first at equal times), then its count.
    func nextEventKey() -> UInt64 {
        eventsScheduled += 1
        return UInt64(index + 1) << 40 | eventsScheduled
    }
}
