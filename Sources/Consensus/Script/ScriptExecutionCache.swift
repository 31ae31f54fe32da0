import BitcoinCrypto

/// A process-wide cache of transactions whose scripts all passed under given flags (Core's
/// script execution cache), keyed by wtxid and flags.
///
/// A wtxid fixes the scripts, witnesses and, through the prevouts it commits to, the
/// outputs being spent, so a hit proves the same check passed before. When a thousand
/// simulated nodes validate one block, its scripts run once. Safe from any thread.
public final class ScriptExecutionCache: Sendable {
    private let entries: BoundedConcurrentSet

    /// A cache holding up to `capacity` transactions.
    public init(capacity: Int = 1 << 20) {
        entries = BoundedConcurrentSet(capacity: capacity)
    }

    /// The number of cached transactions.
    public var count: Int { entries.count }

    static func key(wtxid: Wtxid, flags: ScriptFlags) -> Hash256 {
        var hasher = SHA256()
        hasher.update(wtxid.hash)
        withUnsafeBytes(of: flags.rawValue.littleEndian) { hasher.update($0) }
        return hasher.finalize()
    }

    func contains(_ key: Hash256) -> Bool { entries.contains(key) }
    func insert(_ key: Hash256) { entries.insert(key) }
}
