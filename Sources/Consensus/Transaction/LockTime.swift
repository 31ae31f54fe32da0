/// Absolute (nLockTime) and relative (BIP 68) lock-time rules, as pure functions of the
/// chain data the caller supplies.
public enum LockTime {
    /// Lock times below this are block heights; at or above it, Unix times.
    public static let threshold: UInt32 = 500_000_000

    /// Core's `IsFinalTx`: true when the transaction may be included in a block at
    /// `height` whose lock-time clock reads `time` (the previous block's median time past
    /// under BIP 113).
    public static func isFinal(_ tx: Transaction, height: Int, time: Int64) -> Bool {
        guard tx.lockTime != 0 else { return true }
        let limit = tx.lockTime < threshold ? Int64(height) : time
        if Int64(tx.lockTime) < limit { return true }
        // A lock time that is not yet reached is ignored when every input is final.
        return tx.inputs.allSatisfy { $0.sequence == TxIn.sequenceFinal }
    }

    /// BIP 68's sequence locks (Core's `CalculateSequenceLocks`): the last invalid height
    /// and the last invalid median time past, -1 when unconstrained.
    ///
    /// - Parameters:
    ///   - tx: the spending transaction; locks apply only to version ≥ 2 (compared unsigned).
    ///   - enforce: whether BIP 68 is active for the block being checked.
    ///   - previousHeights: the height of the block that created each spent coin, in input order.
    ///   - medianTimePast: the median time past of the active chain's block at a height.
    public static func sequenceLocks(_ tx: Transaction, enforce: Bool, previousHeights: [Int],
                                     medianTimePast: (Int) -> Int64) -> (height: Int, time: Int64) {
        precondition(previousHeights.count == tx.inputs.count, "one height per input")
        var minHeight = -1
        var minTime: Int64 = -1
        guard enforce && UInt32(bitPattern: tx.version) >= 2 else { return (minHeight, minTime) }
        for (index, input) in tx.inputs.enumerated() {
            if input.sequence & TxIn.sequenceLocktimeDisableFlag != 0 { continue }
            let coinHeight = previousHeights[index]
            let value = Int64(input.sequence & TxIn.sequenceLocktimeMask)
            if input.sequence & TxIn.sequenceLocktimeTypeFlag != 0 {
                // Measured from the median time past of the block before the coin's block.
                let coinTime = medianTimePast(max(coinHeight - 1, 0))
                minTime = max(minTime, coinTime + (value << TxIn.sequenceLocktimeGranularity) - 1)
            } else {
                minHeight = max(minHeight, coinHeight + Int(value) - 1)
            }
        }
        return (minHeight, minTime)
    }

    /// Core's `EvaluateSequenceLocks`: true when a block at `height`, whose parent has median
    /// time past `previousMedianTimePast`, satisfies `locks`.
    public static func sequenceLocksSatisfied(_ locks: (height: Int, time: Int64), height: Int, previousMedianTimePast: Int64) -> Bool {
        locks.height < height && locks.time < previousMedianTimePast
    }
}
