import Consensus

/// Bitcoin Core's VARINT: base-128 digits, most significant first, each continuation digit
/// offset by one so every number has exactly one encoding. Used in the chain database.
enum VarInt {
    static func write(_ value: UInt64, to writer: inout ByteWriter) {
        var digits = [UInt8]()
        var n = value
        while true {
            digits.append(UInt8(truncatingIfNeeded: n & 0x7f) | (digits.isEmpty ? 0x00 : 0x80))
            if n <= 0x7f { break }
            n = (n >> 7) - 1
        }
        for digit in digits.reversed() { writer.write(digit) }
    }

    static func read(from reader: inout ByteReader) throws(DecodingError) -> UInt64 {
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
