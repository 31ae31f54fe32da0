/// What is known about a block in the block tree (Core's `BlockStatus`, simplified).
public struct BlockStatus: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The header passed its checks (proof of work, timestamp, bits, version).
    public static let validHeader = BlockStatus(rawValue: 1 << 0)
    /// The block's transactions are stored.
    public static let haveData = BlockStatus(rawValue: 1 << 1)
    /// The block was connected to the chain at least once: every rule passed, undo data stored.
    public static let fullyValid = BlockStatus(rawValue: 1 << 2)
    /// The block itself broke a rule.
    public static let failed = BlockStatus(rawValue: 1 << 3)
    /// An ancestor broke a rule.
    public static let failedChild = BlockStatus(rawValue: 1 << 4)

    /// Failed itself or through an ancestor.
    public var isInvalid: Bool { !isDisjoint(with: [.failed, .failedChild]) }
}
