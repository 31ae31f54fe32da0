import BitcoinCrypto

/// An unsigned 256-bit integer for proof-of-work targets and chain work (Core's
/// `arith_uint256`). Arithmetic wraps modulo 2^256 like Core's; callers that must not
/// overflow use the `ReportingOverflow` forms.
public struct UInt256: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Limbs, least significant first.
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    public init(_ l0: UInt64, _ l1: UInt64 = 0, _ l2: UInt64 = 0, _ l3: UInt64 = 0) {
        limbs = (l0, l1, l2, l3)
    }

    /// Zero.
    public static let zero = UInt256(0)
    /// 2^256 - 1.
    public static let max = UInt256(.max, .max, .max, .max)

    /// The number whose little-endian bytes are the hash (how Bitcoin compares hashes with targets).
    public init(_ hash: Hash256) { limbs = (hash.w0, hash.w1, hash.w2, hash.w3) }

    /// Parses big-endian hex (as targets and chain work are displayed), up to 64 digits.
    public init?(hex: String) {
        guard hex.count <= 64, let bytes = Hex.decode(String(repeating: "0", count: 64 - hex.count) + hex) else { return nil }
        var words = [UInt64](repeating: 0, count: 4)
        for (index, byte) in bytes.enumerated() {
            let fromEnd = 31 - index
            words[fromEnd / 8] |= UInt64(byte) << (8 * UInt64(fromEnd % 8))
        }
        self.init(words[0], words[1], words[2], words[3])
    }

    subscript(index: Int) -> UInt64 {
        get {
            switch index { case 0: return limbs.0; case 1: return limbs.1; case 2: return limbs.2; default: return limbs.3 }
        }
        set {
            switch index { case 0: limbs.0 = newValue; case 1: limbs.1 = newValue; case 2: limbs.2 = newValue; default: limbs.3 = newValue }
        }
    }

    /// Big-endian hex, 64 digits.
    public var hex: String {
        var bytes = [UInt8]()
        for index in (0..<4).reversed() {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: self[index] >> UInt64(shift))) }
        }
        return Hex.encode(bytes)
    }

    public var description: String { hex }

    /// True when zero.
    public var isZero: Bool { (limbs.0 | limbs.1 | limbs.2 | limbs.3) == 0 }

    /// The position of the highest set bit plus one (0 for zero).
    public var bitWidth: Int {
        for index in (0..<4).reversed() where self[index] != 0 {
            return index * 64 + (64 - self[index].leadingZeroBitCount)
        }
        return 0
    }

    /// The low 64 bits.
    public var low64: UInt64 { limbs.0 }

    /// The value as a Double (approximate; for display and statistics).
    public var doubleValue: Double {
        var result = 0.0
        for index in (0..<4).reversed() { result = result * 18446744073709551616.0 + Double(self[index]) }
        return result
    }

    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.limbs.3 != rhs.limbs.3 { return lhs.limbs.3 < rhs.limbs.3 }
        if lhs.limbs.2 != rhs.limbs.2 { return lhs.limbs.2 < rhs.limbs.2 }
        if lhs.limbs.1 != rhs.limbs.1 { return lhs.limbs.1 < rhs.limbs.1 }
        return lhs.limbs.0 < rhs.limbs.0
    }

    public static func == (lhs: UInt256, rhs: UInt256) -> Bool {
        lhs.limbs.0 == rhs.limbs.0 && lhs.limbs.1 == rhs.limbs.1 && lhs.limbs.2 == rhs.limbs.2 && lhs.limbs.3 == rhs.limbs.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(limbs.0); hasher.combine(limbs.1); hasher.combine(limbs.2); hasher.combine(limbs.3)
    }

    /// The sum and whether it overflowed 256 bits.
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry = false
        for index in 0..<4 {
            let (sum1, o1) = self[index].addingReportingOverflow(other[index])
            let (sum2, o2) = sum1.addingReportingOverflow(carry ? 1 : 0)
            result[index] = sum2
            carry = o1 || o2
        }
        return (result, carry)
    }

    /// The difference and whether it borrowed (went below zero).
    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var borrow = false
        for index in 0..<4 {
            let (d1, o1) = self[index].subtractingReportingOverflow(other[index])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            result[index] = d2
            borrow = o1 || o2
        }
        return (result, borrow)
    }

    /// Sum modulo 2^256.
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.addingReportingOverflow(rhs).partialValue }
    /// Difference modulo 2^256.
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.subtractingReportingOverflow(rhs).partialValue }

    /// Bitwise complement.
    public static prefix func ~ (value: UInt256) -> UInt256 {
        UInt256(~value.limbs.0, ~value.limbs.1, ~value.limbs.2, ~value.limbs.3)
    }

    /// Left shift; bits shifted past 256 are lost.
    public static func << (value: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return value }
        guard shift < 256 else { return .zero }
        var result = UInt256.zero
        let words = shift / 64, bits = UInt64(shift % 64)
        for index in (words..<4).reversed() {
            var word = value[index - words] << bits
            if bits > 0 && index - words - 1 >= 0 { word |= value[index - words - 1] >> (64 - bits) }
            result[index] = word
        }
        return result
    }

    /// Right shift.
    public static func >> (value: UInt256, shift: Int) -> UInt256 {
        guard shift > 0 else { return value }
        guard shift < 256 else { return .zero }
        var result = UInt256.zero
        let words = shift / 64, bits = UInt64(shift % 64)
        for index in 0..<(4 - words) {
            var word = value[index + words] >> bits
            if bits > 0 && index + words + 1 < 4 { word |= value[index + words + 1] << (64 - bits) }
            result[index] = word
        }
        return result
    }

    /// The product with a 64-bit factor and whether it overflowed 256 bits.
    public func multipliedReportingOverflow(by factor: UInt64) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry: UInt64 = 0
        for index in 0..<4 {
            let (high, low) = self[index].multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            result[index] = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        return (result, carry != 0)
    }

    /// The quotient by a 64-bit divisor (which must not be zero).
    public func dividedBy(_ divisor: UInt64) -> UInt256 {
        precondition(divisor != 0, "division by zero")
        var result = UInt256.zero
        var remainder: UInt64 = 0
        for index in (0..<4).reversed() {
            let (quotient, rest) = divisor.dividingFullWidth((remainder, self[index]))
            result[index] = quotient
            remainder = rest
        }
        return result
    }

    /// The quotient by a 256-bit divisor (which must not be zero), by long division.
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        precondition(!rhs.isZero, "division by zero")
        if rhs.limbs.1 == 0 && rhs.limbs.2 == 0 && rhs.limbs.3 == 0 { return lhs.dividedBy(rhs.limbs.0) }
        guard lhs >= rhs else { return .zero }
        var quotient = UInt256.zero
        var remainder = lhs
        let shift = lhs.bitWidth - rhs.bitWidth
        var divisor = rhs << shift
        for bit in stride(from: shift, through: 0, by: -1) {
            if remainder >= divisor {
                remainder = remainder &- divisor
                quotient[bit / 64] |= 1 << UInt64(bit % 64)
            }
            divisor = divisor >> 1
        }
        return quotient
    }
}
