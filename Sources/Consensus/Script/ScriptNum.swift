/// Script numbers (Core's `CScriptNum`): little-endian, sign bit in the most significant
/// byte, at most 4 bytes as operands (5 for lock-time opcodes), results may be longer.
public enum ScriptNum {
    /// Core's default operand size limit.
    public static let defaultMaxSize = 4

    /// Decodes `bytes`, refusing operands longer than `maxSize` and, when `requireMinimal`,
    /// encodings with unnecessary bytes (including negative zero).
    public static func decode(_ bytes: [UInt8], requireMinimal: Bool, maxSize: Int = defaultMaxSize) throws(ScriptError) -> Int64 {
        guard bytes.count <= maxSize else { throw .scriptNum }
        guard let last = bytes.last else { return 0 }
        if requireMinimal && last & 0x7f == 0 {
            // 0x80 and 0x00 as the top byte are only needed when the next byte down has its
            // high bit set (e.g. +255 is 0xff00).
            if bytes.count <= 1 || bytes[bytes.count - 2] & 0x80 == 0 { throw .scriptNum }
        }
        var result: Int64 = 0
        for (index, byte) in bytes.enumerated() { result |= Int64(byte) << (8 * Int64(index)) }
        if last & 0x80 != 0 {
            return -(result & ~(Int64(0x80) << (8 * Int64(bytes.count - 1))))
        }
        return result
    }

    /// The minimal encoding of `value` (empty for zero).
    public static func encode(_ value: Int64) -> [UInt8] {
        var result = [UInt8]()
        append(value, to: &result)
        return result
    }

    /// Appends ``encode(_:)``'s bytes for `value` to `out` (at most nine; none for zero).
    public static func append(_ value: Int64, to out: inout [UInt8]) {
        guard value != 0 else { return }
        let negative = value < 0
        var magnitude = value.magnitude
        while magnitude > 0 {
            out.append(UInt8(truncatingIfNeeded: magnitude))
            magnitude >>= 8
        }
        if out[out.count - 1] & 0x80 != 0 {
            out.append(negative ? 0x80 : 0x00)
        } else if negative {
            out[out.count - 1] |= 0x80
        }
    }

    /// Core's `CScriptNum::getint`: the value clamped to the 32-bit signed range.
    public static func clampedInt(_ value: Int64) -> Int {
        Int(min(max(value, Int64(Int32.min)), Int64(Int32.max)))
    }

    /// Core's `CastToBool`: false for any encoding of zero, including negative zero.
    public static func castToBool(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() where byte != 0 {
            return !(index == bytes.count - 1 && byte == 0x80)
        }
        return false
    }
}
