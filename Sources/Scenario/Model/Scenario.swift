import Consensus
import Node
import Simulation

/// A scenario file, loaded and checked: everything needed to run it.
public struct Scenario: Sendable {
    /// Where a field came from, for messages about it during a run.
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public var description: String { "\(file):\(line)" }
    }

    public var name: String
    public var description: String
    public var seed: UInt64
    /// Simulation time to run for, microseconds.
    public var duration: Int64
    /// The network and miners, ready for ``Simulation``. The store is in-memory here;
    /// the runner sets LevelDB under the run directory unless the file says `memory`.
    public var configuration: SimulationConfiguration
    public var usesLevelDB: Bool
    public var nodeNames: [String]
    public var minerNames: [String]
    public var actors: [Actor]
    public var events: [TimelineEvent]
    public var expectations: [Expectation]
    public var file: String
}

/// A named wallet on a node, funded at the start with mature coinbases.
public struct Actor: Sendable, Equatable {
    public var name: String
    public var node: Int
    /// 50 BTC coinbases mined to it before the run.
    public var coinbases: Int
}

/// When a timeline event fires.
public enum Trigger: Sendable, Equatable {
    case at(Int64)
    /// When transaction `tx` (a scenario id) has at least `count` confirmations on `node`.
    case confirmations(tx: String, count: Int, node: Int)
    /// When `node`'s chain reaches `height` blocks beyond the start.
    case height(Int, node: Int)
}

/// One thing the timeline does.
public enum TimelineAction: Sendable, Equatable {
    case send(id: String, from: String, to: String, amount: Amount, feeRate: FeeRate?)
    /// Re-spends the coins of transaction `of` to actor `to`, broadcast at `node`.
    case doubleSpend(id: String, of: String, to: String, feeRate: FeeRate?, node: Int?)
    case partition([[Int]])
    case heal
    case setHashpower(miner: Int, hashpower: Double)
    case offline(Int)
    case online(Int)
    case restart(Int)
    /// `invalidateblock` on `node` of the block at `height` (`nil`: its tip).
    case invalidate(node: Int, height: Int?)
    case mine(node: Int, blocks: Int, miner: Int?)
    /// `node` sends its peers a rule-breaking `kind`; `tx` names the payment a `double-spend`
    /// block re-spends.
    case misbehave(node: Int, kind: Misbehaviour.Kind, tx: String?)
    case note(String)
    /// Ends the run here, before `duration`: nothing after this event happens, and the
    /// expectations are checked now. `reason` (optional) is narrated.
    case stop(reason: String?)
}

extension Misbehaviour.Kind {
    /// The id under which a `double-spend` block's transaction re-spending `tx` is known.
    static func respendId(of tx: String) -> String { "\(tx).respend" }
}

public struct TimelineEvent: Sendable, Equatable {
    public var trigger: Trigger
    public var action: TimelineAction
    public var location: Scenario.Location
}

/// A comparison such as `>= 2`.
public struct Comparison: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable { case atLeast = ">=", atMost = "<=", equal = "==", above = ">", below = "<" }
    public var op: Operator
    public var value: Double

    public func holds(_ actual: Double) -> Bool {
        switch op {
        case .atLeast: return actual >= value - 1e-12
        case .atMost: return actual <= value + 1e-12
        case .equal: return abs(actual - value) < 1e-12
        case .above: return actual > value
        case .below: return actual < value
        }
    }

    public var description: String { "\(op.rawValue) \(Comparison.format(value))" }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}

/// What a transaction's state on a node should be.
public enum TransactionState: String, Sendable, CaseIterable {
    case confirmed, unconfirmed, absent, conflicted
}

/// An assertion about the run.
public enum ExpectationKind: Sendable, Equatable {
    case confirmations(tx: String, node: Int, Comparison)
    case state(tx: String, node: Int, TransactionState)
    /// Every online node on one tip.
    case converged
    /// A reorg of at least this depth happened on some node (or on `node`).
    case reorg(depth: Int, node: Int?)
    case minerShare(miner: Int, Comparison)
    case staleRate(miner: Int?, Comparison)
    case nakamotoCoefficient(Comparison)
    case attack(miner: Int, phase: String)
    /// The mean time between main-chain blocks found in [from, to), seconds.
    case interval(from: Int64, to: Int64, Comparison)
    /// Some node disconnected `node` for misbehaving, and no online node is still connected to it.
    case banned(node: Int)
}

public struct Expectation: Sendable, Equatable {
    public var kind: ExpectationKind
    /// When to check it (`nil`: at the end).
    public var at: Int64?
    public var location: Scenario.Location
}
