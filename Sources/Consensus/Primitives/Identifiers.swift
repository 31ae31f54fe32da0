import BitcoinCrypto

/// A transaction id: HASH256 of the transaction without witness data. Shown byte-reversed.
public struct Txid: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The hash in internal byte order.
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
    /// Parses Bitcoin's display form (64 hex digits, byte-reversed).
    public init?(_ displayHex: String) {
        guard let hash = Hash256(displayHex: displayHex) else { return nil }
        self.hash = hash
    }
    public var description: String { hash.displayHex }
    public static func < (lhs: Txid, rhs: Txid) -> Bool { lhs.hash < rhs.hash }
    public func _rawHashValue(seed: Int) -> Int { hash._rawHashValue(seed: seed) }
}

/// A witness transaction id (BIP 141): HASH256 of the full serialisation, witness included.
public struct Wtxid: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The hash in internal byte order.
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
    /// Parses Bitcoin's display form (64 hex digits, byte-reversed).
    public init?(_ displayHex: String) {
        guard let hash = Hash256(displayHex: displayHex) else { return nil }
        self.hash = hash
    }
    public var description: String { hash.displayHex }
    public static func < (lhs: Wtxid, rhs: Wtxid) -> Bool { lhs.hash < rhs.hash }
    public func _rawHashValue(seed: Int) -> Int { hash._rawHashValue(seed: seed) }
}

/// A block hash: HASH256 of the 80-byte header. Shown byte-reversed.
public struct BlockHash: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The hash in internal byte order.
    public let hash: Hash256
    public init(_ hash: Hash256) { self.hash = hash }
    /// Parses Bitcoin's display form (64 hex digits, byte-reversed).
    public init?(_ displayHex: String) {
        guard let hash = Hash256(displayHex: displayHex) else { return nil }
        self.hash = hash
    }
    /// The null hash, the genesis block's parent.
    public static let zero = BlockHash(.zero)
    public var description: String { hash.displayHex }
    public static func < (lhs: BlockHash, rhs: BlockHash) -> Bool { lhs.hash < rhs.hash }
    public func _rawHashValue(seed: Int) -> Int { hash._rawHashValue(seed: seed) }
}
