import Consensus

/// The blocks a node has asked for and not yet received, with the peer asked (Core's
/// `mapBlocksInFlight`).
///
/// Between a block's announcement and its arrival one block is usually in flight, and none
/// the rest of the time: that one is held inline, so a node asking for block after block
/// allocates no table (a simulation of thousands of nodes asks once per node per block),
/// and a check with nothing in flight reads only the first two words.
struct BlocksInFlight {
    /// Requests beyond the inline one (usually the shared empty table).
    private var others: [BlockHash: PeerID] = [:]
    /// The peer asked for ``singleHash``, or ``none`` when no request is held inline.
    private var singlePeer = BlocksInFlight.none
    private var singleHash = BlockHash.zero

    private static let none = PeerID.min

    /// The number of blocks in flight.
    var count: Int { (singlePeer == BlocksInFlight.none ? 0 : 1) + others.count }

    /// True when no block is in flight.
    var isEmpty: Bool { singlePeer == BlocksInFlight.none && others.isEmpty }

    /// The peer asked for the block `hash`, if it is in flight.
    subscript(hash: BlockHash) -> PeerID? {
        if singlePeer != BlocksInFlight.none && singleHash == hash { return singlePeer }
        return others.isEmpty ? nil : others[hash]
    }

    /// Notes that `peer` was asked for the block `hash` (replacing an earlier request for it).
    mutating func insert(_ hash: BlockHash, from peer: PeerID) {
        let singleIsFree = singlePeer == BlocksInFlight.none
        if !singleIsFree && singleHash == hash || singleIsFree && (others.isEmpty || others[hash] == nil) {
            singleHash = hash
            singlePeer = peer
        } else {
            others[hash] = peer
        }
    }

    /// Forgets the request for `hash`; returns the peer that was asked.
    mutating func removeValue(forKey hash: BlockHash) -> PeerID? {
        if singlePeer != BlocksInFlight.none && singleHash == hash {
            defer { singlePeer = BlocksInFlight.none }
            return singlePeer
        }
        guard !others.isEmpty, let peer = others.removeValue(forKey: hash) else { return nil }
        // Between blocks nothing is in flight: the shared empty table is in cache when the
        // next announcement checks it, where this node's emptied one would not be.
        if others.isEmpty { others = [:] }
        return peer
    }

    /// Forgets every request made to `peer`.
    mutating func removeAll(askedOf peer: PeerID) {
        if singlePeer == peer { singlePeer = BlocksInFlight.none }
        others = others.filter { $0.value != peer }
    }
}
