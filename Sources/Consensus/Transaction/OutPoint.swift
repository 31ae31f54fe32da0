import BitcoinCrypto

/// A reference to a transaction output: the txid and the output's index (Core's `COutPoint`).
public struct OutPoint: Hashable, Comparable, Sendable, CustomStringConvertible, BitcoinCodable {
    public let txid: Txid
    public let index: UInt32

    public init(txid: Txid, index: UInt32) {
        self.txid = txid
        self.index = index
    }

    /// The null outpoint a coinbase input spends: zero hash, index 0xffffffff.
    public static let null = OutPoint(txid: Txid(.zero), index: .max)

    /// True for the coinbase's null outpoint.
    public var isNull: Bool { txid.hash.isZero && index == .max }

    /// The encoded size: 32 + 4.
    public static let encodedSize = 36

    public init(from reader: inout ByteReader) throws(DecodingError) {
        txid = Txid(try reader.readHash256())
        index = try reader.readUInt32()
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(txid.hash)
        writer.write(index)
    }

    public func hash(into hasher: inout Hasher) {
        // One word: the txid is already uniformly distributed. Coin caches hash outpoints
        // several times per spend.
        hasher.combine(txid.hash.w0 &+ UInt64(index))
    }

    public func _rawHashValue(seed: Int) -> Int { Hash256.rawHash(of: txid.hash.w0 &+ UInt64(index), seed: seed) }

    public static func < (lhs: OutPoint, rhs: OutPoint) -> Bool {
        lhs.txid != rhs.txid ? lhs.txid < rhs.txid : lhs.index < rhs.index
    }

    public var description: String { "\(txid):\(index)" }
}
