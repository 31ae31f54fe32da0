/// The compact `nBits` form of a proof-of-work target (Core's `arith_uint256::SetCompact`
/// and `GetCompact`): a one-byte exponent and a 23-bit mantissa with a sign bit.
public struct CompactTarget: Hashable, Sendable, CustomStringConvertible {
    /// The 32-bit compact value as it appears in a block header.
    public let bits: UInt32

    public init(_ bits: UInt32) { self.bits = bits }

    /// The expanded target with Core's `fNegative` and `fOverflow` flags.
    public var expanded: (target: UInt256, negative: Bool, overflow: Bool) {
        let size = Int(bits >> 24)
        var word = bits & 0x007f_ffff
        let target: UInt256
        if size <= 3 {
            word >>= 8 * UInt32(3 - size)
            target = UInt256(UInt64(word))
        } else {
            target = UInt256(UInt64(word)) << (8 * (size - 3))
        }
        let negative = word != 0 && (bits & 0x0080_0000) != 0
        let overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))
        return (target, negative, overflow)
    }

    /// The target, or `nil` when the compact form is negative, zero or overflows — the cases
    /// in which Core's `CheckProofOfWork` fails.
    public var target: UInt256? {
        let (target, negative, overflow) = expanded
        guard !negative, !overflow, !target.isZero else { return nil }
        return target
    }

    /// The compact form of `target` (never negative).
    public init(target: UInt256) {
        var size = (target.bitWidth + 7) / 8
        var compact: UInt32
        if size <= 3 {
            compact = UInt32(truncatingIfNeeded: target.low64 << (8 * UInt64(3 - size)))
        } else {
            compact = UInt32(truncatingIfNeeded: (target >> (8 * (size - 3))).low64)
        }
        if compact & 0x0080_0000 != 0 {
            compact >>= 8
            size += 1
        }
        self.bits = compact | UInt32(size) << 24
    }

    /// The expected number of hashes to find a block at this target: 2^256 / (target + 1)
    /// (Core's `GetBlockProof`), zero for an invalid compact form.
    public var work: UInt256 {
        guard let target else { return .zero }
        // 2^256 does not fit; Core computes (~target / (target + 1)) + 1, which is equal.
        return (~target / (target &+ UInt256(1))) &+ UInt256(1)
    }

    public var description: String { String(bits, radix: 16) }
}
