import BitcoinCrypto

/// A process-wide cache of signature checks that succeeded (Core's `CSignatureCache`).
///
/// Entries are SHA-256 digests of (kind, sighash, public key, signature), so a hit proves
/// the exact same check passed before. Many simulated nodes validating the same
/// transactions share one cache: each signature is verified once per process. Safe to
/// use from any thread. The cache only ever changes how fast a check runs, never its result.
public final class SignatureCache: Sendable {
    private let entries: BoundedConcurrentSet

    /// A cache holding up to `capacity` entries (about 100 bytes each).
    public init(capacity: Int = 1 << 20) {
        entries = BoundedConcurrentSet(capacity: capacity)
    }

    /// The number of cached successful checks.
    public var count: Int { entries.count }

    static func key(kind: UInt8, sighash: Hash256, publicKey: [UInt8], signature: ArraySlice<UInt8>) -> Hash256 {
        var hasher = SHA256()
        hasher.update([kind, UInt8(truncatingIfNeeded: publicKey.count)])
        hasher.update(sighash)
        hasher.update(publicKey)
        hasher.update(signature)
        return hasher.finalize()
    }

    func contains(_ key: Hash256) -> Bool { entries.contains(key) }
    func insert(_ key: Hash256) { entries.insert(key) }
}
