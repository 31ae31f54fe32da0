import BitcoinCrypto

/// A 32-byte hash that names something (a transaction, a block), kept in internal byte order
/// and shown byte-reversed, as Bitcoin shows hashes. The identifier types share their
/// parsing, printing, ordering and hashing here so that they stay distinct types.
public protocol HashIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The hash in internal byte order.
    var hash: Hash256 { get }
    init(_ hash: Hash256)
}

extension HashIdentifier {
    /// Parses Bitcoin's display form (64 hex digits, byte-reversed).
    public init?(_ displayHex: String) {
        guard let hash = Hash256(displayHex: displayHex) else { return nil }
        self.init(hash)
    }

    public var description: String { hash.displayHex }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.hash < rhs.hash }
    /// Buckets by the hash's own first word, already uniform (as `Hash256` does), not SipHash.
    public func _rawHashValue(seed: Int) -> Int { hash._rawHashValue(seed: seed) }
}

/// A transaction id: HASH256 of the transaction without witness data.
public struct Txid: HashIdentifier {
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
}

/// A witness transaction id (BIP 141): HASH256 of the full serialisation, witness included.
public struct Wtxid: HashIdentifier {
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
}

/// A block hash: HASH256 of the 80-byte header.
public struct BlockHash: HashIdentifier {
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
    /// The null hash, the genesis block's parent.
    public static let zero = BlockHash(.zero)
}
