import BitcoinCrypto

/// Proof-of-work checks and difficulty retargeting (Core's `pow.cpp`).
public enum ProofOfWork {
    /// True when `hash` meets the target encoded by `bits` and that target is valid and
    /// not easier than `powLimit` (Core's `CheckProofOfWork`).
    public static func check(hash: Hash256, bits: CompactTarget, powLimit: UInt256) -> Bool {
        guard let target = bits.target, target <= powLimit else { return false }
        return UInt256(hash) <= target
    }

    /// The target after a retarget period (Core's `CalculateNextWorkRequired`): the last
    /// target scaled by the period's actual timespan, clamped to a factor of four either way,
    /// and never easier than `powLimit`.
    ///
    /// - Parameters:
    ///   - lastBits: the bits of the last block of the period.
    ///   - actualTimespan: the last block's time minus the period's first block's time.
    ///   - targetTimespan: the intended length of a period in seconds.
    ///   - powLimit: the easiest allowed target.
    public static func nextTarget(lastBits: CompactTarget, actualTimespan: Int64, targetTimespan: Int64, powLimit: UInt256) -> CompactTarget {
        let timespan = min(max(actualTimespan, targetTimespan / 4), targetTimespan * 4)
        let last = lastBits.expanded.target
        let (scaled, overflow) = last.multipliedReportingOverflow(by: UInt64(timespan))
        var target: UInt256
        if !overflow {
            target = scaled.dividedBy(UInt64(targetTimespan))
        } else {
            // Targets near 2²⁵⁵ (regtest's limit, which custom chains start from) overflow
            // when multiplied first; dividing first loses only low bits. (Core never
            // retargets regtest, so it never meets this case.)
            let (reordered, stillOverflows) = last.dividedBy(UInt64(targetTimespan)).multipliedReportingOverflow(by: UInt64(timespan))
            target = stillOverflows ? powLimit : reordered
        }
        if target > powLimit { target = powLimit }
        return CompactTarget(target: target)
    }
}
