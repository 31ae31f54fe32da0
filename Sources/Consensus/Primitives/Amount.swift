/// An amount of bitcoin in satoshis.
///
/// Consensus-valid amounts lie in `0...MAX_MONEY` (21 million BTC). Values decoded from the
/// wire may lie outside that range (a transaction can claim a negative output); such an
/// amount is representable, reports ``isInMoneyRange`` false, and validation rejects it.
/// Arithmetic is checked and returns `nil` rather than trapping.
public struct Amount: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value in satoshis.
    public let satoshis: Int64

    /// One bitcoin (Core's `COIN`).
    public static let coin: Int64 = 100_000_000
    /// Core's `MAX_MONEY`: 21,000,000 BTC.
    public static let maxMoney = Amount(unchecked: 21_000_000 * coin)
    /// Nothing.
    public static let zero = Amount(unchecked: 0)

    /// An amount of `satoshis`, or `nil` outside `0...MAX_MONEY`.
    public init?(satoshis: Int64) {
        guard (0...Amount.maxMoney.satoshis).contains(satoshis) else { return nil }
        self.satoshis = satoshis
    }

    /// An amount as it came from the wire, without the range check (see ``isInMoneyRange``).
    public init(unchecked satoshis: Int64) {
        self.satoshis = satoshis
    }

    /// An amount of whole and fractional bitcoin, e.g. `Amount(btc: 1.5)`; `nil` out of range.
    public init?(btc: Double) {
        let value = (btc * Double(Amount.coin)).rounded()
        guard value.isFinite, value >= 0, value <= Double(Amount.maxMoney.satoshis) else { return nil }
        self.init(satoshis: Int64(value))
    }

    /// Parses a decimal bitcoin amount such as `"1.5"` or `"0.00000001"` exactly (no
    /// floating point); `nil` for more than 8 decimals, signs, or out of range.
    public init?(btcString text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 8, parts[0].count <= 8, !(parts[0].isEmpty && fraction.isEmpty) else { return nil }
        let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])) ?? -1
        let padded = String(fraction) + String(repeating: "0", count: 8 - fraction.count)
        guard whole >= 0, let sats = Int64(padded) else { return nil }
        self.init(satoshis: whole * Amount.coin + sats)
    }

    /// True when the amount lies in `0...MAX_MONEY` (Core's `MoneyRange`).
    public var isInMoneyRange: Bool { satoshis >= 0 && satoshis <= Amount.maxMoney.satoshis }

    /// The sum, or `nil` when it overflows or leaves the money range.
    public func adding(_ other: Amount) -> Amount? {
        let (sum, overflow) = satoshis.addingReportingOverflow(other.satoshis)
        guard !overflow else { return nil }
        return Amount(satoshis: sum)
    }

    /// The difference, or `nil` when it is negative or overflows.
    public func subtracting(_ other: Amount) -> Amount? {
        let (difference, overflow) = satoshis.subtractingReportingOverflow(other.satoshis)
        guard !overflow else { return nil }
        return Amount(satoshis: difference)
    }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.satoshis < rhs.satoshis }

    /// The amount in BTC with 8 decimals, as Bitcoin Core prints it, e.g. `1.50000000`.
    public var btcString: String {
        let negative = satoshis < 0
        let magnitude = satoshis.magnitude
        let whole = magnitude / UInt64(Amount.coin)
        let fraction = String(magnitude % UInt64(Amount.coin))
        let padded = String(repeating: "0", count: 8 - fraction.count) + fraction
        return (negative ? "-" : "") + "\(whole).\(padded)"
    }

    public var description: String { "\(btcString) BTC" }
}
