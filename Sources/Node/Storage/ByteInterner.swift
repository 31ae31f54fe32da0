/// Keeps one copy of equal byte arrays written by many in-memory stores.
///
/// The nodes of a simulation store the same chain: the same keys and mostly the same values
/// (coins, undo records, markers). A store given an interner keeps the interner's copy of
/// each key and of each value up to ``maximumValueSize`` bytes, so ten thousand nodes hold
/// one array where they would hold ten thousand equal ones. Arrays stay in the interner until
/// it is released (a few hundred bytes per block for a simulated chain). Not thread-safe: one
/// interner per simulation.
public final class ByteInterner {
    /// Larger values are stored as given (a block's bytes are already one shared buffer).
    public static let maximumValueSize = 1_024
    private var arrays = Set<MemoryKey>()

    public init() {}

    /// The number of distinct arrays held.
    public var count: Int { arrays.count }

    /// The interner's array equal to `bytes` (added when new).
    func intern(_ bytes: [UInt8]) -> [UInt8] {
        arrays.insert(MemoryKey(bytes)).memberAfterInsert.bytes
    }
}
