import BitcoinCrypto

/// Appends Bitcoin's little-endian encodings to a growing byte array. Never throws.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func writeLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a little-endian `UInt16`.
    public mutating func write(_ value: UInt16) { writeLittleEndian(value) }
    /// Appends a little-endian `UInt32`.
    public mutating func write(_ value: UInt32) { writeLittleEndian(value) }
    /// Appends a little-endian `Int32`.
    public mutating func write(_ value: Int32) { writeLittleEndian(value) }
    /// Appends a little-endian `UInt64`.
    public mutating func write(_ value: UInt64) { writeLittleEndian(value) }
    /// Appends a little-endian `Int64`.
    public mutating func write(_ value: Int64) { writeLittleEndian(value) }

    /// Appends a big-endian `UInt16` (port numbers in network addresses).
    public mutating func writeBigEndian(_ value: UInt16) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends raw bytes.
    public mutating func write(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    /// Appends raw bytes.
    public mutating func write(_ data: ArraySlice<UInt8>) { bytes.append(contentsOf: data) }
    /// Appends raw bytes.
    public mutating func write(_ data: UnsafeRawBufferPointer) { bytes.append(contentsOf: data) }

    /// Appends a hash's 32 bytes in internal order.
    public mutating func write(_ hash: Hash256) { hash.withUnsafeBytes { bytes.append(contentsOf: $0) } }

    /// Appends a CompactSize in its shortest form.
    public mutating func writeCompactSize(_ value: UInt64) {
        switch value {
        case 0..<0xfd: write(UInt8(value))
        case 0xfd...0xffff: write(UInt8(0xfd)); write(UInt16(value))
        case 0x10000...0xffff_ffff: write(UInt8(0xfe)); write(UInt32(value))
        default: write(UInt8(0xff)); write(value)
        }
    }

    /// Appends a CompactSize in its shortest form.
    public mutating func writeCompactSize(_ value: Int) { writeCompactSize(UInt64(value)) }

    /// Appends a CompactSize length followed by the bytes.
    public mutating func writeVarBytes(_ data: [UInt8]) {
        writeCompactSize(data.count)
        write(data)
    }

    /// The number of bytes a CompactSize of `value` takes.
    public static func compactSizeLength(_ value: Int) -> Int {
        switch value {
        case 0..<0xfd: return 1
        case 0xfd...0xffff: return 3
        case 0x10000...0xffff_ffff: return 5
        default: return 9
        }
    }
}
