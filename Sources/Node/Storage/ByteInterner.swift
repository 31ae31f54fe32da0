import Synchronization

/// Keeps one copy of equal byte arrays written by many in-memory stores.
///
/// The nodes of a simulation store the same chain: the same keys and mostly the same values
/// (coins, undo records, markers). A store given an interner keeps the interner's copy of
/// each key and of each value up to ``maximumValueSize`` bytes, so ten thousand nodes hold
/// one array where they would hold ten thousand equal ones. Arrays stay in the interner until
/// it is released (a few hundred bytes per block for a simulated chain). Thread-safe: the
/// stores of nodes running on several threads may share one.
public final class ByteInterner: Sendable {
    /// Larger values are stored as given (a block's bytes are already one shared buffer).
    public static let maximumValueSize = 1_024
    private let arrays = Mutex(Set<MemoryKey>())

    public init() {}

    /// The number of distinct arrays held.
    public var count: Int { arrays.withLock { $0.count } }

    /// The interner's array equal to `bytes` (added when new).
    func intern(_ bytes: [UInt8]) -> [UInt8] {
        arrays.withLock { $0.insert(MemoryKey(bytes)).memberAfterInsert.bytes }
    }
}
