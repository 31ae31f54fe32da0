import Consensus

/// A double-spend attack in progress (see ``DoubleSpendAttack``).
struct DoubleSpendAttacker {
    enum Phase: String {
        case waitingToStart = "waiting"
        case premining
        case racing
        case released
        case succeeded
        case failed
        case gaveUp = "gave-up"
    }

    let attack: DoubleSpendAttack
    var phase = Phase.waitingToStart
    /// The payment to the merchant and the conflicting transaction paying the attacker.
    var payment: Transaction?
    var conflict: Transaction?
    /// Private blocks found since the fork point.
    var privateBlocks = 0
    /// Height and chain work of the best public block heard of.
    var publicHeight = 0
    var forkHeight = 0
    var publicTip = BlockHash.zero

    var isActive: Bool { phase == .premining || phase == .racing }
}
