import Node

/// One direction of a connection: when its wire is free again, when its last message
/// arrives (TCP delivers in order), and which connection it belongs to (messages of a
/// closed connection are dropped even if the pair reconnects).
struct LinkState {
    var busyUntil: Int64 = 0
    var lastArrival: Int64 = 0
    var epoch: UInt32 = 0
    var connected = false
    /// Drawn lazily from the simulation's seed, so a link that never samples costs nothing.
    var random: DeterministicRandom?
}
