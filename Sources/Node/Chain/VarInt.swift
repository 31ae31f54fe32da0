import Consensus

/// Bitcoin Core's VARINT: base-128 digits, most significant first, each continuation digit
/// offset by one so every number has exactly one encoding. Used in the chain database.
public enum VarInt {
    /// Appends `value`'s encoding: one to ten bytes.
    public static func write(_ value: UInt64, to writer: inout ByteWriter) {
        // Digits come out least significant first; at most ten for 64 bits, gathered on the
        // stack (index entries and coins are encoded for every block).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { digits in
            var count = 0
            var n = value
            while true {
                digits[count] = UInt8(truncatingIfNeeded: n & 0x7f) | (count == 0 ? 0x00 : 0x80)
                count += 1
                if n <= 0x7f { break }
                n = (n >> 7) - 1
            }
            while count > 0 {
                count -= 1
                writer.write(digits[count])
            }
        }
    }

    /// Reads one number; throws on truncation or a value beyond 64 bits.
    public static func read(from reader: inout ByteReader) throws(DecodingError) -> UInt64 {
        var n: UInt64 = 0
        while true {
            let start = reader.offset
            let digit = try reader.readUInt8()
            guard n <= UInt64.max >> 7 else {
                throw .invalidValue(field: "VARINT", offset: start, reason: "too large")
            }
            n = (n << 7) | UInt64(digit & 0x7f)
            guard digit & 0x80 != 0 else { return n }
            guard n != UInt64.max else { throw .invalidValue(field: "VARINT", offset: start, reason: "too large") }
            n += 1
        }
    }
}
