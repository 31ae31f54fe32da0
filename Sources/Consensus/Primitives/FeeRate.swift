/// A fee rate in satoshis per 1,000 virtual bytes (Core's `CFeeRate`).
public struct FeeRate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Satoshis per kvB.
    public let satoshisPerKilovirtualByte: Int64

    public init(satoshisPerKilovirtualByte: Int64) {
        self.satoshisPerKilovirtualByte = satoshisPerKilovirtualByte
    }

    /// A rate in satoshis per virtual byte (the unit wallets show).
    public init(satoshisPerVirtualByte: Double) {
        satoshisPerKilovirtualByte = Int64((satoshisPerVirtualByte * 1000).rounded())
    }

    /// The rate a fee pays for a size (Core's `CFeeRate(fee, size)`).
    public init(fee: Amount, virtualSize: Int) {
        satoshisPerKilovirtualByte = virtualSize > 0 ? fee.satoshis * 1000 / Int64(virtualSize) : 0
    }

    /// The fee for `virtualSize` vbytes at this rate, rounded up like Core's `GetFee`.
    public func fee(virtualSize: Int) -> Amount {
        let product = satoshisPerKilovirtualByte * Int64(virtualSize)
        var fee = product / 1000
        if product % 1000 > 0 { fee += 1 }
        return Amount(unchecked: fee)
    }

    /// Satoshis per virtual byte.
    public var satoshisPerVirtualByte: Double { Double(satoshisPerKilovirtualByte) / 1000 }

    public static let zero = FeeRate(satoshisPerKilovirtualByte: 0)

    public static func < (lhs: FeeRate, rhs: FeeRate) -> Bool {
        lhs.satoshisPerKilovirtualByte < rhs.satoshisPerKilovirtualByte
    }

    public var description: String {
        let value = satoshisPerVirtualByte
        return value == value.rounded() ? "\(Int64(value)) sat/vB" : "\(value) sat/vB"
    }
}
