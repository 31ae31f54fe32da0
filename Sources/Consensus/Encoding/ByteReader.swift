import BitcoinCrypto

/// Reads Bitcoin's little-endian encodings from a byte buffer.
///
/// Every read checks the bytes left before it touches memory, and every length or count
/// read from the input is compared with what is left before anything is allocated, so
/// hostile input throws a ``DecodingError`` and never traps.
public struct ByteReader: Sendable {
    /// The whole buffer being read.
    public let bytes: [UInt8]
    /// The position of the next byte to read.
    public private(set) var offset: Int

    /// A reader positioned at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    /// The number of bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    /// True when every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }

    mutating func require(_ count: Int) throws(DecodingError) {
        guard count <= remaining else {
            throw .unexpectedEnd(offset: offset, needed: count, available: remaining)
        }
    }

    /// Reads one byte.
    public mutating func readUInt8() throws(DecodingError) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type) throws(DecodingError) -> T {
        let size = MemoryLayout<T>.size
        try require(size)
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    /// Reads a little-endian `UInt16`.
    public mutating func readUInt16() throws(DecodingError) -> UInt16 { try readLittleEndian(UInt16.self) }
    /// Reads a little-endian `UInt32`.
    public mutating func readUInt32() throws(DecodingError) -> UInt32 { try readLittleEndian(UInt32.self) }
    /// Reads a little-endian `Int32`.
    public mutating func readInt32() throws(DecodingError) -> Int32 { try readLittleEndian(Int32.self) }
    /// Reads a little-endian `UInt64`.
    public mutating func readUInt64() throws(DecodingError) -> UInt64 { try readLittleEndian(UInt64.self) }
    /// Reads a little-endian `Int64`.
    public mutating func readInt64() throws(DecodingError) -> Int64 { try readLittleEndian(Int64.self) }

    /// Reads a big-endian `UInt16` (port numbers in network addresses).
    public mutating func readUInt16BigEndian() throws(DecodingError) -> UInt16 {
        UInt16(bigEndian: UInt16(littleEndian: try readLittleEndian(UInt16.self)))
    }

    /// Reads 32 bytes as a hash in internal order.
    public mutating func readHash256() throws(DecodingError) -> Hash256 {
        try require(32)
        let hash = bytes.withUnsafeBytes { Hash256(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 32])) }
        offset += 32
        return hash
    }

    /// Reads exactly `count` bytes.
    public mutating func readBytes(_ count: Int) throws(DecodingError) -> [UInt8] {
        guard count >= 0 else {
            throw .invalidValue(field: "length", offset: offset, reason: "negative")
        }
        try require(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(DecodingError) {
        try require(count)
        offset += count
    }

    /// Reads a CompactSize (Bitcoin's variable-length integer), refusing non-minimal forms.
    public mutating func readCompactSize() throws(DecodingError) -> UInt64 {
        let start = offset
        let first = try readUInt8()
        let value: UInt64
        let minimum: UInt64
        switch first {
        case 0..<0xfd: return UInt64(first)
        case 0xfd: value = UInt64(try readUInt16()); minimum = 0xfd
        case 0xfe: value = UInt64(try readUInt32()); minimum = 0x10000
        default: value = try readUInt64(); minimum = 0x1_0000_0000
        }
        guard value >= minimum else { throw .nonCanonicalCompactSize(offset: start, value: value) }
        return value
    }

    /// Reads a CompactSize count of elements that each take at least `minimumElementSize`
    /// bytes, refusing counts the remaining input cannot hold or above `limit`.
    public mutating func readCount(_ field: String, minimumElementSize: Int, limit: Int = Int(UInt32.max)) throws(DecodingError) -> Int {
        let start = offset
        let count = try readCompactSize()
        let fits = UInt64(remaining / max(minimumElementSize, 1))
        let allowed = min(UInt64(limit), fits)
        guard count <= allowed else {
            throw .oversizedAllocation(field: field, offset: start, requested: count, max: allowed)
        }
        return Int(count)
    }

    /// Reads a CompactSize length followed by that many bytes.
    public mutating func readVarBytes(_ field: String, limit: Int = Int(UInt32.max)) throws(DecodingError) -> [UInt8] {
        let count = try readCount(field, minimumElementSize: 1, limit: limit)
        return try readBytes(count)
    }

    /// Throws unless every byte has been read.
    public func requireEnd() throws(DecodingError) {
        guard isAtEnd else { throw .trailingBytes(offset: offset, count: remaining) }
    }
}
