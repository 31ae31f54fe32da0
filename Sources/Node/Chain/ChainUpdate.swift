import Consensus

/// How the active chain changed in response to one request.
public struct ChainUpdate: Sendable {
    /// One change of the tip.
    public enum Step: Sendable {
        case connected(Block)
        case disconnected(Block)
    }

    /// Every tip change, in the order it happened (a reorg that failed midway shows its
    /// connects and the disconnects that rolled them back).
    public var steps: [Step] { disconnected.isEmpty ? connected.map { .connected($0) } : orderedSteps }
    /// Every block connected, in order. Kept beside ``steps`` rather than filtered from
    /// them: an update is read by the mempool, the wallets, the relay and observers, and a
    /// filtered copy for each cost an array apiece.
    public private(set) var connected: [Block] = []
    /// Every block disconnected, in order (each reorg's old tip first).
    public private(set) var disconnected: [Block] = []
    /// Blocks found invalid while trying to connect them.
    public internal(set) var invalidated: [(hash: BlockHash, error: ValidationError)] = []
    /// The steps, kept from the first disconnect on: until then they are `connected` in
    /// order, and most updates (a tip extended by a block) need no second array.
    private var orderedSteps: [Step] = []

    public init() {}

    mutating func noteConnected(_ block: Block) {
        if !disconnected.isEmpty { orderedSteps.append(.connected(block)) }
        connected.append(block)
    }

    mutating func noteDisconnected(_ block: Block) {
        if disconnected.isEmpty { orderedSteps = steps }
        orderedSteps.append(.disconnected(block))
        disconnected.append(block)
    }

    /// The net change: blocks that were on the active chain before and are not after (old
    /// tip first), and blocks that are on it after and were not before (in chain order).
    /// What mempools and wallets react to.
    public var net: (disconnected: [Block], connected: [Block]) {
        // The common case, a tip extended: nothing to cancel out.
        if disconnected.isEmpty { return ([], connected) }
        var first = [BlockHash: Bool]()  // hash -> first step was a connect
        var last = [BlockHash: Bool]()
        var blocks = [BlockHash: Block]()
        var disconnectOrder = [BlockHash]()
        var connectOrder = [BlockHash]()
        for step in steps {
            switch step {
            case .connected(let block):
                if first[block.hash] == nil { first[block.hash] = true }
                last[block.hash] = true
                blocks[block.hash] = block
                connectOrder.removeAll { $0 == block.hash }
                connectOrder.append(block.hash)
            case .disconnected(let block):
                if first[block.hash] == nil {
                    first[block.hash] = false
                    disconnectOrder.append(block.hash)
                }
                last[block.hash] = false
                blocks[block.hash] = block
            }
        }
        let netDisconnected = disconnectOrder.filter { last[$0] == false }.compactMap { blocks[$0] }
        let netConnected = connectOrder.filter { first[$0] == true && last[$0] == true }.compactMap { blocks[$0] }
        return (netDisconnected, netConnected)
    }

    /// True when the tip did not change.
    public var isEmpty: Bool { connected.isEmpty && disconnected.isEmpty }

    mutating func append(_ other: ChainUpdate) {
        if !disconnected.isEmpty || !other.disconnected.isEmpty { orderedSteps = steps + other.steps }
        connected += other.connected
        disconnected += other.disconnected
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
