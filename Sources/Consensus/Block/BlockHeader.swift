import BitcoinCrypto

/// An 80-byte block header (Core's `CBlockHeader`). Its hash is computed once, when the
/// value is built or decoded.
public struct BlockHeader: Hashable, Sendable, BitcoinCodable, CustomStringConvertible {
    public let version: Int32
    public let previousBlockHash: BlockHash
    public let merkleRoot: Hash256
    /// Seconds since the Unix epoch, as the miner stated it.
    public let time: UInt32
    public let bits: CompactTarget
    public let nonce: UInt32
    /// HASH256 of the 80 encoded bytes.
    public let hash: BlockHash

    /// The encoded size of every header.
    public static let encodedSize = 80

    public init(version: Int32, previousBlockHash: BlockHash, merkleRoot: Hash256, time: UInt32, bits: CompactTarget, nonce: UInt32) {
        self.version = version
        self.previousBlockHash = previousBlockHash
        self.merkleRoot = merkleRoot
        self.time = time
        self.bits = bits
        self.nonce = nonce
        var writer = ByteWriter(capacity: 80)
        BlockHeader.encode(version: version, previousBlockHash: previousBlockHash, merkleRoot: merkleRoot,
                           time: time, bits: bits, nonce: nonce, to: &writer)
        hash = BlockHash(hash256(writer.bytes))
    }

    /// The same header with another nonce (and its hash recomputed).
    public func with(nonce: UInt32) -> BlockHeader {
        BlockHeader(version: version, previousBlockHash: previousBlockHash, merkleRoot: merkleRoot,
                    time: time, bits: bits, nonce: nonce)
    }

    /// The same header with another time and nonce.
    public func with(time: UInt32, nonce: UInt32) -> BlockHeader {
        BlockHeader(version: version, previousBlockHash: previousBlockHash, merkleRoot: merkleRoot,
                    time: time, bits: bits, nonce: nonce)
    }

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        version = try reader.readInt32()
        previousBlockHash = BlockHash(try reader.readHash256())
        merkleRoot = try reader.readHash256()
        time = try reader.readUInt32()
        bits = CompactTarget(try reader.readUInt32())
        nonce = try reader.readUInt32()
        hash = reader.bytes.withUnsafeBytes { BlockHash(hash256(UnsafeRawBufferPointer(rebasing: $0[start..<start + 80]))) }
    }

    /// Decodes a header whose hash is probably `candidate`'s (a database entry stored under
    /// it): when the 80 bytes hold exactly `candidate`'s fields, `candidate` is returned
    /// without hashing again; otherwise the bytes are decoded and hashed as usual.
    public init(from reader: inout ByteReader, expecting candidate: BlockHeader?) throws(DecodingError) {
        guard let candidate else {
            self = try BlockHeader(from: &reader)
            return
        }
        var probe = reader
        if try probe.readInt32() == candidate.version, try probe.readHash256() == candidate.previousBlockHash.hash,
           try probe.readHash256() == candidate.merkleRoot, try probe.readUInt32() == candidate.time,
           try probe.readUInt32() == candidate.bits.bits, try probe.readUInt32() == candidate.nonce {
            reader = probe
            self = candidate
        } else {
            self = try BlockHeader(from: &reader)
        }
    }

    public func encode(to writer: inout ByteWriter) {
        BlockHeader.encode(version: version, previousBlockHash: previousBlockHash, merkleRoot: merkleRoot,
                           time: time, bits: bits, nonce: nonce, to: &writer)
    }

    /// The 80 bytes are laid out in a scratch buffer and appended at once: a chain state
    /// writes an index entry, header first, for every block it takes in, and six appends
    /// cost several times one.
    private static func encode(version: Int32, previousBlockHash: BlockHash, merkleRoot: Hash256, time: UInt32,
                               bits: CompactTarget, nonce: UInt32, to writer: inout ByteWriter) {
        withUnsafeTemporaryAllocation(byteCount: 80, alignment: 8) { header in
            header.storeBytes(of: version.littleEndian, toByteOffset: 0, as: Int32.self)
            previousBlockHash.hash.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: header[4..<36]).copyMemory(from: $0) }
            merkleRoot.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: header[36..<68]).copyMemory(from: $0) }
            header.storeBytes(of: time.littleEndian, toByteOffset: 68, as: UInt32.self)
            header.storeBytes(of: bits.bits.littleEndian, toByteOffset: 72, as: UInt32.self)
            header.storeBytes(of: nonce.littleEndian, toByteOffset: 76, as: UInt32.self)
            writer.write(UnsafeRawBufferPointer(header))
        }
    }

    /// The work this header's target represents (2^256 / (target + 1)).
    public var work: UInt256 { bits.work }

    public static func == (lhs: BlockHeader, rhs: BlockHeader) -> Bool { lhs.hash == rhs.hash }
    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    public var description: String { hash.description }
}
