import BitcoinCrypto

/// Bitcoin Core's script assembly language: parsing (`ParseScript`, the notation of
/// Core's test vectors) and display (`ScriptToAsmStr`).
///
/// Parsing accepts decimal numbers (pushed as script numbers), `0x…` raw bytes inserted
/// as they are, `'text'` pushed as data, and opcode names with or without `OP_`.
extension Script {
    /// Why assembly text could not be parsed.
    public struct AssemblyError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The word that could not be understood.
        public let word: String
        /// What was wrong with it.
        public let reason: String
        public var description: String { "script assembly: \(reason): '\(word)'" }
    }

    /// Parses Core's script assembly notation.
    public init(assembly text: String) throws(AssemblyError) {
        var out = [UInt8]()
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init) {
            if Script.isDecimal(word) {
                guard let value = Int64(word), value <= 0xffff_ffff, value >= -0xffff_ffff else {
                    throw AssemblyError(word: word, reason: "decimal values must lie in -0xFFFFFFFF...0xFFFFFFFF")
                }
                Script.appendNumber(value, to: &out)
            } else if word.hasPrefix("0x"), word.count > 2, let raw = Hex.decode(word.dropFirst(2)) {
                out += raw
            } else if word.count >= 2, word.first == "'", word.last == "'" {
                Script.appendPush(Array(word.utf8.dropFirst().dropLast()), to: &out)
            } else if let opcode = Script.opcodeNames[word] {
                out.append(opcode.rawValue)
            } else {
                throw AssemblyError(word: word, reason: "unknown opcode")
            }
        }
        bytes = out
    }

    private static func isDecimal(_ word: String) -> Bool {
        let digits = word.hasPrefix("-") ? word.dropFirst() : Substring(word)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Names accepted by the parser: every opcode from `OP_NOP` up plus `OP_RESERVED`,
    /// with and without the `OP_` prefix (pushes are written as numbers or data).
    private static let opcodeNames: [String: Opcode] = {
        var names = [String: Opcode]()
        for opcode in Opcode.allCases where opcode.rawValue >= Opcode.nop.rawValue || opcode == .reserved {
            guard opcode != .invalidOpcode else { continue }
            names[opcode.name] = opcode
            names["OP_" + opcode.name] = opcode
        }
        names["NOP2"] = .checkLockTimeVerify
        names["OP_NOP2"] = .checkLockTimeVerify
        names["NOP3"] = .checkSequenceVerify
        names["OP_NOP3"] = .checkSequenceVerify
        return names
    }()

    /// The script in Core's assembly form: pushes of up to 4 bytes as decimal numbers,
    /// longer ones as hex, opcodes as `OP_NAME`, and `[error]` where parsing stops.
    public var assembly: String {
        var words = [String]()
        var position = 0
        while position < bytes.count {
            guard let operation = Script.readOperation(bytes, at: &position) else {
                words.append("[error]")
                break
            }
            if operation.opcode <= Opcode.pushData4.rawValue {
                let data = Array(bytes[operation.data])
                if data.count <= 4, let value = try? ScriptNum.decode(data, requireMinimal: false) {
                    words.append(String(value))
                } else {
                    words.append(Hex.encode(data))
                }
            } else if let opcode = Opcode(rawValue: operation.opcode) {
                words.append(opcode.smallInteger != nil || opcode == .op1Negate ? opcode.name : "OP_" + opcode.name)
            } else {
                words.append("OP_UNKNOWN")
            }
        }
        return words.joined(separator: " ")
    }
}
