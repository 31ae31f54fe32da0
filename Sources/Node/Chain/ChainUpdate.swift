import Consensus

/// How the active chain changed in response to one request.
public struct ChainUpdate: Sendable {
    /// Blocks taken off the tip, the old tip first.
    public internal(set) var disconnected: [Block] = []
    /// Blocks added to the tip, in chain order.
    public internal(set) var connected: [Block] = []
    /// Blocks found invalid while trying to connect them.
    public internal(set) var invalidated: [(hash: BlockHash, error: ValidationError)] = []

    public init() {}

    /// True when the tip did not change.
    public var isEmpty: Bool { disconnected.isEmpty && connected.isEmpty }

    mutating func append(_ other: ChainUpdate) {
        disconnected += other.disconnected
        connected += other.connected
        invalidated += other.invalidated
    }
}

/// What happened to a block handed to ``ChainState/processBlock(_:now:)``.
public enum BlockAcceptance: Sendable, Equatable {
    /// Stored (and connected if it leads the most-work chain).
    case accepted
    /// Already stored.
    case duplicate
    /// Its parent is unknown; kept until the parent arrives.
    case orphan
    /// It breaks a rule.
    case invalid(ValidationError)
}

/// The outcome of ``ChainState/processBlock(_:now:)``.
public struct BlockProcessingResult: Sendable {
    public let acceptance: BlockAcceptance
    /// Tip changes caused by this block and by any orphans it let connect.
    public let update: ChainUpdate
}
