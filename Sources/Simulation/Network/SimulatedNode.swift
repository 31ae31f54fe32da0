import Consensus
import Node

/// A node of the simulation: a full node, its peer protocol, and its place in the network.
final class SimulatedNode {
    let index: Int
    let configuration: NodeConfiguration
    var node: FullNode
    var peers: PeerManager
    var online = true
    /// Its connections in the topology: the peer and whether this node dialled.
    var neighbours: [(peer: Int, outbound: Bool)] = []
    /// Peers with an open connection, in the order they connected.
    var connected: [Int] = []
    /// The links from this node, by remote node (kept after they close: epochs keep counting).
    var links = SmallIntMap<LinkState>()
    /// Timers of an earlier incarnation (before a restart) are ignored.
    var incarnation = 0
    /// Confirmations last reported for each watched transaction.
    var reportedConfirmations: [Txid: Int] = [:]

    init(index: Int, configuration: NodeConfiguration, node: FullNode, peers: PeerManager) {
        self.index = index
        self.configuration = configuration
        self.node = node
        self.peers = peers
    }
}
