import Consensus

/// How a miner uses its blocks.
public enum MiningStrategy: Sendable, Equatable {
    /// Mine on the best tip, publish every block at once.
    case honest
    /// Eyal and Sirer's selfish mining: keep found blocks private and publish them to
    /// orphan honest blocks. `gamma` `nil` lets the network decide who wins a tie race
    /// (first seen); a value makes that share of honest miners prefer the selfish block
    /// in a tie (their idealised γ).
    case selfish(gamma: Double?)
    /// A double-spend attack: see ``DoubleSpendAttack``.
    case doubleSpend(DoubleSpendAttack)
}

/// A double-spend attack by a miner. At `start` the attacker signs a payment to the
/// merchant and a conflicting transaction paying itself with the same coins, mines the
/// conflict into a private chain, broadcasts the payment once it has `premine` private
/// blocks, and releases its chain as soon as the merchant's node shows `confirmations`
/// and the private chain has more work than the public one; it gives up `giveUpDeficit`
/// blocks behind. While premining, a public block makes it start again on the new tip
/// (Rosenfeld's assumption).
public struct DoubleSpendAttack: Sendable, Equatable {
    /// Index of the merchant's node.
    public var merchantNode: Int
    /// The payment's amount.
    public var amount: Amount
    /// Confirmations the merchant waits for.
    public var confirmations: Int
    /// Private blocks found before the payment is broadcast.
    public var premine: Int
    /// The attacker abandons when the public chain leads by this many blocks.
    public var giveUpDeficit: Int
    /// When the attack begins, microseconds; the attacker mines honestly before.
    public var start: Int64
    /// Name of the attacker's wallet (on the attacker's node) that pays.
    public var wallet: String

    public init(merchantNode: Int, amount: Amount, confirmations: Int, premine: Int = 1, giveUpDeficit: Int = 6,
                start: Int64 = 0, wallet: String = "attacker") {
        self.merchantNode = merchantNode
        self.amount = amount
        self.confirmations = confirmations
        self.premine = premine
        self.giveUpDeficit = giveUpDeficit
        self.start = start
        self.wallet = wallet
    }
}
