import Consensus

/// The contents of Bitcoin Core's `mempool.dat`: what a node writes on shutdown and loads
/// on start-up (`-persistmempool`, on by default), so that a restart keeps unconfirmed
/// transactions.
///
/// The format is Core's (`DumpMempool` / `LoadMempool`): a little-endian `uint64` version;
/// for version 2 an 8-byte obfuscation key (as a CompactSize-prefixed vector) after which
/// every byte at file offset *n* is XORed with `key[n % 8]`; then a `uint64` count of
/// entries, each a transaction with its witnesses, its entry time (`int64` Unix seconds)
/// and its fee delta (`int64`); then the fee deltas of transactions not in the file
/// (CompactSize count, 32-byte txid, `int64`); then the txids not yet broadcast
/// (CompactSize count, 32-byte txid). Txids are in internal byte order.
///
/// ``encoded()`` writes version 1 (Core's `-persistmempoolv1`: readable by every Core
/// release since 0.14); ``init(bytes:)`` reads versions 1 and 2.
public struct MempoolDump: Sendable, Equatable {
    /// A transaction as the file keeps it.
    public struct Entry: Sendable, Equatable {
        public var transaction: Transaction
        /// When the mempool accepted it, Unix seconds (its expiry counts from here).
        public var time: Int64
        /// Core's `prioritisetransaction` delta, satoshis.
        public var feeDelta: Int64

        public init(transaction: Transaction, time: Int64, feeDelta: Int64 = 0) {
            self.transaction = transaction
            self.time = time
            self.feeDelta = feeDelta
        }
    }

    /// A `prioritisetransaction` delta for a transaction not in the file.
    public struct FeeDelta: Sendable, Equatable {
        public var txid: Txid
        /// Satoshis.
        public var delta: Int64

        public init(txid: Txid, delta: Int64) {
            self.txid = txid
            self.delta = delta
        }
    }

    /// Where a node whose chain database is at `databasePath` keeps its `mempool.dat`: beside
    /// it, named after it (`nodes/n3` → `nodes/n3.mempool.dat`; Core keeps it beside its
    /// `chainstate` directory).
    public static func filePath(besideDatabaseAt databasePath: String) -> String {
        var base = databasePath
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        return base + ".mempool.dat"
    }

    /// Version 1: no obfuscation.
    public static let versionWithoutKey: UInt64 = 1
    /// Version 2 (Core 28's default): the rest of the file XORed with a key.
    public static let versionWithKey: UInt64 = 2
    static let keySize = 8

    /// Transactions in an order that puts parents before children (Core loads them in order).
    public var entries: [Entry]
    /// Fee deltas of transactions not in ``entries``, by txid.
    public var feeDeltas: [FeeDelta]
    /// Transactions the wallet had not yet seen relayed (Core's unbroadcast set).
    public var unbroadcast: [Txid]

    public init(entries: [Entry], feeDeltas: [FeeDelta] = [], unbroadcast: [Txid] = []) {
        self.entries = entries
        self.feeDeltas = feeDeltas
        self.unbroadcast = unbroadcast
    }

    /// Reads a `mempool.dat` of version 1 or 2.
    /// - Throws: ``DecodingError`` naming the byte where the file stops making sense (an
    ///   unknown version, a truncated or malformed transaction, a count the file cannot
    ///   hold, bytes after the end).
    public init(bytes: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(bytes)
        let version = try reader.readUInt64()
        switch version {
        case MempoolDump.versionWithoutKey:
            break
        case MempoolDump.versionWithKey:
            let keyOffset = reader.offset
            let key = try reader.readVarBytes("obfuscation key", limit: MempoolDump.keySize)
            guard key.count == MempoolDump.keySize else {
                throw .invalidValue(field: "obfuscation key", offset: keyOffset, reason: "\(key.count) bytes, expected \(MempoolDump.keySize)")
            }
            var clear = bytes
            MempoolDump.obfuscate(&clear, from: reader.offset, key: key)
            let position = reader.offset
            reader = ByteReader(clear)
            try reader.skip(position)
        default:
            throw .invalidValue(field: "mempool.dat version", offset: 0, reason: "\(version), expected 1 or 2")
        }
        try self.init(body: &reader)
    }

    /// Reads what follows the version (and key): entries, fee deltas, unbroadcast txids.
    private init(body reader: inout ByteReader) throws(DecodingError) {
        let countOffset = reader.offset
        let count = try reader.readUInt64()
        // The smallest entry: a 10-byte transaction and two 8-byte numbers.
        let fits = UInt64(reader.remaining / 26)
        guard count <= fits else {
            throw .oversizedAllocation(field: "transaction count", offset: countOffset, requested: count, max: fits)
        }
        entries = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            let transaction = try Transaction(from: &reader)
            entries.append(Entry(transaction: transaction, time: try reader.readInt64(), feeDelta: try reader.readInt64()))
        }
        let deltaCount = try reader.readCount("fee delta count", minimumElementSize: 40)
        feeDeltas = []
        for _ in 0..<deltaCount {
            feeDeltas.append(FeeDelta(txid: Txid(try reader.readHash256()), delta: try reader.readInt64()))
        }
        let unbroadcastCount = try reader.readCount("unbroadcast count", minimumElementSize: 32)
        unbroadcast = []
        for _ in 0..<unbroadcastCount { unbroadcast.append(Txid(try reader.readHash256())) }
        try reader.requireEnd()
    }

    /// The file's bytes, version 1.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(MempoolDump.versionWithoutKey)
        writer.write(UInt64(entries.count))
        for entry in entries {
            entry.transaction.encode(to: &writer)
            writer.write(entry.time)
            writer.write(entry.feeDelta)
        }
        writer.writeCompactSize(feeDeltas.count)
        for entry in feeDeltas {
            writer.write(entry.txid.hash)
            writer.write(entry.delta)
        }
        writer.writeCompactSize(unbroadcast.count)
        for txid in unbroadcast { writer.write(txid.hash) }
        return writer.bytes
    }

    /// XORs `bytes[start...]` with `key` by file offset, as Core's `Obfuscation` does (the
    /// same call undoes it).
    static func obfuscate(_ bytes: inout [UInt8], from start: Int, key: [UInt8]) {
        guard start < bytes.count else { return }
        for offset in start..<bytes.count { bytes[offset] ^= key[offset % key.count] }
    }
}
