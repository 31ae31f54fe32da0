/// Transaction or block weight in weight units (BIP 141): base size × 3 + total size.
public struct Weight: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Weight units.
    public let units: Int
    public init(_ units: Int) { self.units = units }

    /// Core's `MAX_BLOCK_WEIGHT`.
    public static let maxBlock = Weight(4_000_000)
    /// Core's `WITNESS_SCALE_FACTOR`.
    public static let witnessScaleFactor = 4

    /// Virtual size in vbytes: weight / 4, rounded up.
    public var virtualSize: Int { (units + 3) / 4 }

    public static func < (lhs: Weight, rhs: Weight) -> Bool { lhs.units < rhs.units }
    public static func + (lhs: Weight, rhs: Weight) -> Weight { Weight(lhs.units + rhs.units) }
    public var description: String { "\(units) WU" }
}
