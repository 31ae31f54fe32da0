/// Bech32 (BIP 173) and Bech32m (BIP 350) strings.
public enum Bech32 {
    /// The checksum variant.
    public enum Encoding: Sendable, Equatable {
        /// BIP 173's constant 1, used for witness version 0.
        case bech32
        /// BIP 350's constant 0x2bc830a3, used for witness versions 1 to 16.
        case bech32m

        var constant: UInt32 { self == .bech32 ? 1 : 0x2bc8_30a3 }
    }

    /// Why a string is not valid Bech32 or Bech32m.
    public enum Error: Swift.Error, Equatable, Sendable {
        case tooLong(Int)
        case mixedCase
        case noSeparator
        case emptyHumanReadablePart
        case invalidHumanReadableCharacter(position: Int)
        case invalidDataCharacter(position: Int)
        case checksumTooShort
        case invalidChecksum
    }

    static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    static let reverseCharset: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in charset.enumerated() { table[Int(character)] = Int8(value) }
        return table
    }()

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for bit in 0..<5 where (top >> UInt32(bit)) & 1 == 1 { checksum ^= generator[bit] }
        }
        return checksum
    }

    static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes a human-readable part and 5-bit values with the given checksum variant.
    public static func encode(hrp: String, values: [UInt8], encoding: Encoding) -> String {
        let hrpBytes = Array(hrp.lowercased().utf8)
        let check = polymod(expand(hrpBytes) + values + [0, 0, 0, 0, 0, 0]) ^ encoding.constant
        let checksum = (0..<6).map { UInt8((check >> UInt32(5 * (5 - $0))) & 31) }
        return String(decoding: hrpBytes + [UInt8(ascii: "1")] + (values + checksum).map { charset[Int($0)] }, as: UTF8.self)
    }

    /// Decodes a Bech32 or Bech32m string into its human-readable part (lower case), its
    /// 5-bit values (without checksum) and the checksum variant that matched.
    public static func decode(_ text: String) throws(Error) -> (hrp: String, values: [UInt8], encoding: Encoding) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 90 else { throw .tooLong(bytes.count) }
        let hasLower = bytes.contains { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        let hasUpper = bytes.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        guard !(hasLower && hasUpper) else { throw .mixedCase }
        for (position, byte) in bytes.enumerated() where byte < 33 || byte > 126 {
            throw .invalidHumanReadableCharacter(position: position)
        }
        let lower = bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")) else { throw .noSeparator }
        guard separator > 0 else { throw .emptyHumanReadablePart }
        guard lower.count - separator - 1 >= 6 else { throw .checksumTooShort }
        let hrp = Array(lower[0..<separator])
        var values = [UInt8]()
        for position in (separator + 1)..<lower.count {
            let character = lower[position]
            guard character < 128, reverseCharset[Int(character)] >= 0 else {
                throw .invalidDataCharacter(position: position)
            }
            values.append(UInt8(reverseCharset[Int(character)]))
        }
        let check = polymod(expand(hrp) + values)
        let encoding: Encoding
        switch check {
        case Encoding.bech32.constant: encoding = .bech32
        case Encoding.bech32m.constant: encoding = .bech32m
        default: throw .invalidChecksum
        }
        return (String(decoding: hrp, as: UTF8.self), Array(values.dropLast(6)), encoding)
    }

    /// Regroups bits: `from`-bit values into `to`-bit values. With `pad`, a final partial
    /// group is zero-padded; without, more than `from - 1` leftover bits or non-zero padding
    /// make the conversion fail (`nil`).
    public static func convertBits(_ values: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator = 0
        var bits = 0
        var result = [UInt8]()
        let maxValue = (1 << to) - 1
        for value in values {
            guard Int(value) >> from == 0 else { return nil }
            accumulator = (accumulator << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                result.append(UInt8((accumulator >> bits) & maxValue))
            }
        }
        if pad {
            if bits > 0 { result.append(UInt8((accumulator << (to - bits)) & maxValue)) }
        } else if bits >= from || ((accumulator << (to - bits)) & maxValue) != 0 {
            return nil
        }
        return result
    }
}
