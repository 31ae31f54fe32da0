import BitcoinCrypto
import Consensus

/// A peer's identity: the simulation's index of the remote node.
public typealias PeerID = Int

/// How a node announces and sends new blocks to its peers.
public enum BlockRelayMode: String, Sendable, CaseIterable {
    /// `inv` → `getdata` → `block`: three messages, a round trip before the data.
    case inv
    /// BIP 130: `headers` → `getdata` → `block` to peers that sent `sendheaders`.
    case headers
    /// BIP 152 high-bandwidth: `cmpctblock` pushed at once; missing transactions fetched
    /// with `getblocktxn` → `blocktxn`.
    case compact
    /// The full `block` sent unsolicited to every peer.
    case push
}

/// The peer protocol's settings.
public struct PeerOptions: Sendable {
    public var blockRelay = BlockRelayMode.headers
    /// Batch transaction announcements per peer with Poisson delays, as Core does; off
    /// relays at once (clearer for teaching).
    public var trickle = true
    /// Mean trickle delay to inbound peers (Core: 5 s) and outbound peers (2 s), microseconds.
    public var trickleMeanInbound: Int64 = 5_000_000
    public var trickleMeanOutbound: Int64 = 2_000_000
    /// How long a misbehaving peer stays banned, seconds (Core: 24 h).
    public var banDuration: Int64 = 24 * 3600
    /// Blocks requested from one peer at a time during sync.
    public var maxBlocksInFlightPerPeer = 16
    /// When false, blocks from peers only update the header tree (a miner keeping to its
    /// private chain still learns how far the public chain has got).
    public var acceptBlocksFromPeers = true

    public init() {}
}

/// Something the peer logic asks its transport to do.
public enum PeerAction: Sendable {
    case send(PeerID, NetworkMessage)
    case disconnect(PeerID, banSeconds: Int64, reason: String)
    /// Call ``PeerManager/timerFired(_:now:into:)`` after this many microseconds.
    case setTimer(afterMicroseconds: Int64, PeerTimer)
}

/// A timer the peer logic asked for.
public enum PeerTimer: Sendable, Hashable {
    case trickle(PeerID)
}

/// What happened inside the node as a result of a message or call, for observers.
public enum NodeEvent: Sendable {
    /// A block's data was stored for the first time (not necessarily connected).
    case blockAccepted(Block, from: PeerID?)
    /// A block broke a rule.
    case blockRejected(BlockHash, ValidationError, from: PeerID?)
    /// A block from a peer was only recorded as a header (``PeerOptions/acceptBlocksFromPeers`` off).
    case blockHeaderTracked(BlockHeader, from: PeerID)
    /// The active chain changed.
    case chainUpdated(ChainUpdate)
    /// The mempool changed.
    case mempoolUpdated(MempoolUpdate)
    /// A transaction from a peer was refused.
    case transactionRejected(Txid, ValidationError, from: PeerID)
    /// A peer broke the protocol and was disconnected.
    case misbehaving(PeerID, reason: String)
    /// The database failed; the node should be restarted.
    case storageFailure(ChainStateError)
}

/// What one call produced: actions for the transport and events for observers. Reuse one
/// value across calls (``removeAll()``) to avoid allocating.
public struct PeerOutput: Sendable {
    public var actions: [PeerAction] = []
    public var events: [NodeEvent] = []

    public init() {}

    public mutating func removeAll() {
        // Element by element: `removeAll(keepingCapacity:)` goes through a generic range
        // replacement that cost more than the few elements it removes.
        while actions.popLast() != nil {}
        while events.popLast() != nil {}
    }
}

/// A node's peer protocol, sans I/O (Core's `PeerManager`): it turns an incoming message
/// from a peer into the messages to send back, and local events (a mined block, a wallet
/// payment) into announcements. It reads no clock and schedules nothing itself: callers pass
/// the time and run the timers it requests.
public final class PeerManager {
    /// A class, so that updating one field in the dictionary does not copy the sets.
    final class Peer {
        let id: PeerID
        let inbound: Bool
        /// Which connection to the peer this is (Core's per-connection `NodeId`).
        let connection: UInt32
        var versionReceived = false
        var verackReceived = false
        var preferHeaders = false
        var compactHighBandwidth = false
        /// The most-work block the peer is known to have (Core's `pindexBestKnownBlock`).
        var bestKnownBlock: BlockIndex? {
            get { bestKnownLink?.takeUnretainedValue() }
            set { bestKnownLink = newValue.map { Unmanaged.passUnretained($0) } }
        }
        /// ``bestKnownBlock``'s address. The chain state's index owns every entry and
        /// outlives the peer, so the peer need not retain it: an announcement sets this for
        /// most peers of a node, and retaining and releasing would touch both entries.
        var bestKnownLink: Unmanaged<BlockIndex>?

        /// True when the peer's best known block has more work than `entry` (read in place,
        /// without retaining the block index entry).
        func knowsMoreWork(than entry: BlockIndex) -> Bool {
            bestKnownLink?._withUnsafeGuaranteedRef { $0.chainWork > entry.chainWork } ?? false
        }
        /// A block the peer announced before we knew its header (Core's `hashLastUnknownBlock`).
        var lastUnknownBlock: BlockHash?
        var knownTransactions = Set<Txid>()
        var transactionQueue = [Txid]()
        var trickleScheduled = false
        var blocksInFlight = 0
        var handshakeDone: Bool { versionReceived && verackReceived }

        init(id: PeerID, inbound: Bool, connection: UInt32) {
            self.id = id
            self.inbound = inbound
            self.connection = connection
        }
    }

    /// Peers in connection order: announcements go out in a deterministic order. First, with
    /// `chain`, so that both share the object's first cache line (see ``cacheLines``).
    var peers = SmallIntMap<Peer>()
    /// Records of peers disconnected, kept until the end of the next message's handling:
    /// ``receive(_:from:connection:now:into:)`` hands the sender's record to the handlers
    /// without retaining it, and a handler may disconnect that very peer.
    var removedPeers: [Peer] = []
    /// The node's chain state (read for every message, so kept one step closer).
    let chain: ChainState
    /// Blocks asked for and not yet received, by the peer asked. Checked on every block
    /// announcement, so near the object's start too (its table's reference in the first
    /// line, the inline request in the second, where a table of its own was one more object).
    var blocksInFlight = BlocksInFlight()
    public let node: FullNode
    public var options: PeerOptions
    var random: DeterministicRandom
    var transactionsInFlight: [Txid: PeerID] = [:]
    var recentRejects = Set<Txid>()
    var pendingCompact: [BlockHash: (peer: PeerID, header: BlockHeader, partial: [Transaction?])] = [:]
    var bannedUntil: [PeerID: Int64] = [:]

    /// A peer manager for `node`, drawing trickle delays and nonces from `random`.
    public init(node: FullNode, options: PeerOptions = PeerOptions(), random: DeterministicRandom) {
        self.node = node
        chain = node.chain
        self.options = options
        self.random = random
    }

    /// The connected peers, in connection order.
    public var connectedPeers: [PeerID] { peers.keys }

    /// What handling a message reads first: this object, the peer table, the chain state
    /// (whose block index comes first in it) and the block index's slots, by the low 64 bits
    /// of the hash a message names. A simulation with thousands of nodes asks for them just
    /// before the node's next message, which otherwise starts with a chain of cache misses.
    /// Valid until the peer table or block index next changes (stale addresses are harmless).
    public var cacheLines: CacheLines {
        let table = peers.storageAddresses
        var lines = CacheLines(CacheHint.address(of: self), table.keys, table.values, CacheHint.address(of: chain))
        let blocks = chain.index.slotTable
        lines.setTable(blocks.base, slots: blocks.slots, stride: blocks.stride)
        return lines
    }

    /// True when `connection` is the open connection to `peer`.
    public func isConnected(_ peer: PeerID, connection: UInt32) -> Bool {
        peers[peer]?.connection == connection
    }

    /// True when `peer` is banned at `now` (microseconds since the epoch).
    public func isBanned(_ peer: PeerID, now: Int64) -> Bool {
        (bannedUntil[peer] ?? .min) > now / 1_000_000
    }

    static func seconds(_ now: Int64) -> Int64 { now / 1_000_000 }

    // MARK: Connections

    /// A connection to `peer` opened. The side that dialled (`inbound == false`) sends
    /// `version`; the other answers when it arrives.
    /// - Parameters:
    ///   - connection: identifies this connection among all connections to `peer` over time;
    ///     messages passed in with another value (from a connection since closed) are ignored.
    ///   - now: microseconds since the Unix epoch.
    public func connected(_ peer: PeerID, inbound: Bool, connection: UInt32 = 0, now: Int64, into output: inout PeerOutput) {
        guard peers[peer] == nil else { return }
        peers[peer] = Peer(id: peer, inbound: inbound, connection: connection)
        if !inbound { output.actions.append(.send(peer, versionMessage(now: now))) }
    }

    /// The connection to `peer` closed; requests in flight from it are forgotten.
    public func disconnected(_ peer: PeerID) {
        guard let removed = peers[peer] else { return }
        removedPeers.append(removed)
        peers[peer] = nil
        blocksInFlight.removeAll(askedOf: peer)
        transactionsInFlight = transactionsInFlight.filter { $0.value != peer }
        pendingCompact = pendingCompact.filter { $0.value.peer != peer }
    }

    func versionMessage(now: Int64) -> NetworkMessage {
        .version(VersionMessage(timestamp: PeerManager.seconds(now), nonce: random.next(), startHeight: Int32(chain.height)))
    }

    /// Disconnects and bans a peer that broke the protocol.
    func misbehaving(_ peer: PeerID, reason: String, now: Int64, into output: inout PeerOutput) {
        guard peers[peer] != nil else { return }
        bannedUntil[peer] = PeerManager.seconds(now) + options.banDuration
        output.actions.append(.disconnect(peer, banSeconds: options.banDuration, reason: reason))
        output.events.append(.misbehaving(peer, reason: reason))
        disconnected(peer)
    }

    /// A message that did not decode (when messages pass through the wire codec): the sender
    /// misbehaved.
    public func receivedMalformed(from peer: PeerID, error: MessageCodec.Error, now: Int64, into output: inout PeerOutput) {
        misbehaving(peer, reason: "malformed message: \(error)", now: now, into: &output)
    }
}
