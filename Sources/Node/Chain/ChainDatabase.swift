import BitcoinCrypto
import Consensus

/// The layout of a node's chain database: one-byte prefixes, then hashes.
///
/// | key | value |
/// |---|---|
/// | `b` + block hash | the serialised block |
/// | `i` + block hash | index entry: header, height, status, sequence id, transaction count |
/// | `u` + block hash | undo record: the coins each transaction spent |
/// | `c` + txid + index (big-endian) | a coin (Core's compressed coin encoding) |
/// | `t` + txid | hash of the active-chain block holding the transaction |
/// | `B` | hash of the block the stored coins correspond to |
/// | `T` | hash of the active chain's tip |
/// | `V` | format version |
enum ChainDatabase {
    static let formatVersion: [UInt8] = [1]

    enum Prefix: UInt8 {
        case block = 0x62  // b
        case index = 0x69  // i
        case undo = 0x75  // u
        case coin = 0x63  // c
        case transaction = 0x74  // t
        case coinsTip = 0x42  // B
        case activeTip = 0x54  // T
        case version = 0x56  // V
    }

    static func key(_ prefix: Prefix, _ hash: Hash256) -> [UInt8] {
        var key = [UInt8]()
        key.reserveCapacity(37)
        key.append(prefix.rawValue)
        hash.withUnsafeBytes { key.append(contentsOf: $0) }
        return key
    }

    /// The one-byte key of `prefix` (the coins' tip, the active tip, the version): the same
    /// array every time, so a store interning keys finds it by its address.
    static func key(_ prefix: Prefix) -> [UInt8] { singleByteKeys[Int(prefix.rawValue)] }

    private static let singleByteKeys: [[UInt8]] = (0...255).map { [UInt8($0)] }

    /// The undo record of a block that spends no coins (a count of zero).
    private static let emptyUndo: [UInt8] = [0]

    static func coinKey(_ outpoint: OutPoint) -> [UInt8] {
        var key = self.key(.coin, outpoint.txid.hash)
        withUnsafeBytes(of: outpoint.index.bigEndian) { key.append(contentsOf: $0) }
        return key
    }

    static func outpoint(fromCoinKey key: [UInt8]) -> OutPoint? {
        guard key.count == 37 else { return nil }
        let hash = Hash256(bytes: key[1..<33])!
        let index = key[33..<37].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return OutPoint(txid: Txid(hash), index: index)
    }

    // MARK: Index entries

    struct IndexRecord {
        let header: BlockHeader
        let height: Int
        let status: BlockStatus
        let sequenceId: Int64
        let transactionCount: Int
    }

    static func encode(_ entry: BlockIndex) -> [UInt8] {
        var writer = ByteWriter(capacity: 96)
        entry.header.encode(to: &writer)
        VarInt.write(UInt64(entry.height), to: &writer)
        writer.write(entry.status.rawValue)
        // `preciousblock` ids are negative and, as in Core, not kept across restarts.
        VarInt.write(UInt64(max(0, entry.sequenceId)), to: &writer)
        VarInt.write(UInt64(entry.transactionCount), to: &writer)
        return writer.bytes
    }

    /// Decodes an index entry; `expected`, the header already known under the entry's key,
    /// spares hashing it again when the bytes match.
    static func decodeIndexRecord(_ bytes: [UInt8], expected: BlockHeader? = nil) throws(DecodingError) -> IndexRecord {
        var reader = ByteReader(bytes)
        let header = try BlockHeader(from: &reader, expecting: expected)
        let height = try VarInt.read(from: &reader)
        let status = BlockStatus(rawValue: try reader.readUInt8())
        let sequenceId = try VarInt.read(from: &reader)
        let count = try VarInt.read(from: &reader)
        try reader.requireEnd()
        guard height <= UInt64(Int32.max), sequenceId <= UInt64(Int64.max), count <= UInt64(Int32.max) else {
            throw .invalidValue(field: "index entry", offset: 80, reason: "value out of range")
        }
        return IndexRecord(header: header, height: Int(height), status: status,
                           sequenceId: Int64(sequenceId), transactionCount: Int(count))
    }

    // MARK: Coins and undo records

    static func encode(_ coin: Coin) -> [UInt8] {
        var writer = ByteWriter(capacity: 40)
        CoinCompression.write(coin, to: &writer)
        return writer.bytes
    }

    static func decodeCoin(_ bytes: [UInt8]) throws(DecodingError) -> Coin {
        var reader = ByteReader(bytes)
        let coin = try CoinCompression.readCoin(from: &reader)
        try reader.requireEnd()
        return coin
    }

    /// An undo record: for each non-coinbase transaction of a block, the coins its inputs spent.
    static func encode(undo: [[Coin]]) -> [UInt8] {
        // A block of only a coinbase spends nothing: one shared record (simulated blocks
        // often are, and a store interning values finds it by its address).
        if undo.isEmpty { return emptyUndo }
        var writer = ByteWriter(capacity: 16 + undo.count * 48)
        VarInt.write(UInt64(undo.count), to: &writer)
        for coins in undo {
            VarInt.write(UInt64(coins.count), to: &writer)
            for coin in coins { CoinCompression.write(coin, to: &writer) }
        }
        return writer.bytes
    }

    static func decodeUndo(_ bytes: [UInt8]) throws(DecodingError) -> [[Coin]] {
        var reader = ByteReader(bytes)
        let count = try VarInt.read(from: &reader)
        guard count <= UInt64(reader.remaining) else {
            throw .oversizedAllocation(field: "undo transactions", offset: 0, requested: count, max: UInt64(reader.remaining))
        }
        var undo = [[Coin]]()
        for _ in 0..<count {
            let inputs = try VarInt.read(from: &reader)
            guard inputs <= UInt64(reader.remaining) else {
                throw .oversizedAllocation(field: "undo coins", offset: reader.offset, requested: inputs, max: UInt64(reader.remaining))
            }
            var coins = [Coin]()
            for _ in 0..<inputs { coins.append(try CoinCompression.readCoin(from: &reader)) }
            undo.append(coins)
        }
        try reader.requireEnd()
        return undo
    }
}
