import BitcoinCrypto

/// Base58 and Base58Check (legacy addresses and WIF keys).
public enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let index: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = Int8(value) }
        return table
    }()

    /// Base58 of `bytes`; each leading zero byte becomes a `1`.
    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits = [UInt8]()  // base-58 digits, least significant first
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            for position in digits.indices {
                carry += Int(digits[position]) << 8
                digits[position] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes Base58; `nil` on a character outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        let ones = characters.prefix { $0 == alphabet[0] }.count
        var bytes = [UInt8]()  // least significant first
        for character in characters[ones...] {
            guard character < 128, index[Int(character)] >= 0 else { return nil }
            var carry = Int(index[Int(character)])
            for position in bytes.indices {
                carry += Int(bytes[position]) * 58
                bytes[position] = UInt8(carry & 0xff)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xff))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: ones) + bytes.reversed()
    }

    /// Base58 of `payload` followed by the first four bytes of its HASH256.
    public static func encodeCheck(_ payload: [UInt8]) -> String {
        encode(payload + hash256(payload).bytes[0..<4])
    }

    /// Decodes Base58Check and verifies the checksum; `nil` when either fails.
    public static func decodeCheck(_ text: String) -> [UInt8]? {
        guard let bytes = decode(text), bytes.count >= 4 else { return nil }
        let payload = Array(bytes[0..<bytes.count - 4])
        guard hash256(payload).bytes[0..<4].elementsEqual(bytes[(bytes.count - 4)...]) else { return nil }
        return payload
    }
}
