/// A rule violation found while validating a transaction or block, in Bitcoin's language.
///
/// `reason` is Bitcoin Core's reject string (`bad-txns-inputs-missingorspent`,
/// `bad-cb-amount`, `txn-mempool-conflict`, …) so tests, logs and users see the same words
/// Core's RPCs and logs use. `kind` says what sort of failure it is and, through
/// ``isPeerFault``, whether the peer that sent the data misbehaved. Bugs in Regsim itself
/// are assertions, never validation errors.
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sort of failure (Core's `TxValidationResult` and `BlockValidationResult`).
    public enum Kind: String, Sendable, Equatable {
        /// Breaks a consensus rule.
        case consensus
        /// The header is invalid (proof of work, timestamp, version, bits).
        case invalidHeader
        /// The block data does not match its header (merkle root, witness commitment): may be
        /// corruption in transit rather than an invalid block.
        case mutated
        /// Already known to be invalid.
        case cachedInvalid
        /// Builds on a block known to be invalid.
        case invalidPrevious
        /// The parent block is unknown.
        case missingPrevious
        /// Timestamped too far in the future; may become acceptable later.
        case timeInFuture
        /// Spends outputs this node does not know (yet).
        case missingInputs
        /// Spends an immature coinbase or is not final yet.
        case prematureSpend
        /// Conflicts with a transaction in the mempool.
        case conflict
        /// Valid but refused by mempool policy (fees, standardness, limits).
        case policy
        /// A witness was stripped or added: the transaction as sent is invalid, another
        /// serialisation of it may not be.
        case witnessMutated
    }

    public let kind: Kind
    /// Bitcoin Core's reject string.
    public let reason: String
    /// Detail for logs (the failing input, the script error, the amounts).
    public let detail: String

    public init(_ kind: Kind, _ reason: String, _ detail: String = "") {
        self.kind = kind
        self.reason = reason
        self.detail = detail
    }

    /// Shorthand for a consensus-rule violation.
    public static func consensus(_ reason: String, _ detail: String = "") -> ValidationError {
        ValidationError(.consensus, reason, detail)
    }

    /// True when the sender of the data broke the rules (Core punishes the peer).
    public var isPeerFault: Bool {
        switch kind {
        case .consensus, .invalidHeader, .mutated, .cachedInvalid, .invalidPrevious: return true
        default: return false
        }
    }

    public var description: String { detail.isEmpty ? reason : "\(reason) (\(detail))" }
}
