import Consensus

/// What a node that breaks the rules sends each of its peers (``Simulation/misbehave(_:sending:)``).
///
/// Every block is built on the sending node's tip with the bits and time its chain requires
/// and real proof of work (except ``badProofOfWork``), so that it breaks exactly one rule.
public enum Misbehaviour: Sendable, Equatable {
    /// A block whose coinbase claims twice the subsidy: Core's `bad-cb-amount`.
    case inflatedCoinbase
    /// A block holding `transactions` after its coinbase, mined without the node checking
    /// them. One that re-spends coins the chain already spent is invalid
    /// (`bad-txns-inputs-missingorspent`); one that spends coins of an unconfirmed payment is a
    /// valid block that reverses the payment (a Finney attack), which is why merchants wait.
    case block(with: [Transaction])
    /// A block whose header misses its proof-of-work target: Core's `high-hash`.
    case badProofOfWork
    /// A valid block in a `block` message whose checksum does not match its payload.
    case corruptMessage

    /// The kinds of misbehaviour, by the names scenarios and event streams use.
    public enum Kind: String, Sendable, CaseIterable {
        case doubleSpend = "double-spend"
        case inflatedCoinbase = "inflated-coinbase"
        case badProofOfWork = "bad-proof-of-work"
        case corruptMessage = "corrupt-message"
    }

    public var kind: Kind {
        switch self {
        case .inflatedCoinbase: .inflatedCoinbase
        case .block: .doubleSpend
        case .badProofOfWork: .badProofOfWork
        case .corruptMessage: .corruptMessage
        }
    }
}
