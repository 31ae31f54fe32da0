/// An unspent transaction output with where it was created (Core's `Coin`).
public struct Coin: Hashable, Sendable {
    /// The output.
    public let output: TxOut
    /// The height of the block that created it.
    public let height: Int
    /// True when it is a coinbase output (spendable only after ``ChainParams/coinbaseMaturity`` blocks).
    public let isCoinbase: Bool

    public init(output: TxOut, height: Int, isCoinbase: Bool) {
        self.output = output
        self.height = height
        self.isCoinbase = isCoinbase
    }
}
