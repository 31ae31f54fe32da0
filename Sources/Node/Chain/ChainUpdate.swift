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
    public internal(set) var steps: [Step] = []
    /// Blocks found invalid while trying to connect them.
    public internal(set) var invalidated: [(hash: BlockHash, error: ValidationError)] = []

    public init() {}

    /// Every block connected, in order.
    public var connected: [Block] {
        // A tip extended by one block, nearly every update: read four times per update.
        if steps.count == 1, case .connected(let block) = steps[0] { return [block] }
        return steps.compactMap { if case .connected(let block) = $0 { return block } else { return nil } }
    }

    /// Every block disconnected, in order (each reorg's old tip first).
    public var disconnected: [Block] {
        steps.compactMap { if case .disconnected(let block) = $0 { return block } else { return nil } }
    }

    /// The net change: blocks that were on the active chain before and are not after (old
    /// tip first), and blocks that are on it after and were not before (in chain order).
    /// What mempools and wallets react to.
    public var net: (disconnected: [Block], connected: [Block]) {
        // The common case, a tip extended: nothing to cancel out.
        if steps.allSatisfy({ if case .connected = $0 { return true } else { return false } }) { return ([], connected) }
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
    public var isEmpty: Bool { steps.isEmpty }

    mutating func append(_ other: ChainUpdate) {
        steps += other.steps
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
