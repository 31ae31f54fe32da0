/// Script opcodes, named as in Bitcoin Core (`OP_DUP` is ``dup``, `OP_2DUP` is ``twoDup``).
///
/// Bytes 0x01–0x4b push that many bytes and have no case; 0xbb–0xfe are unassigned (in
/// tapscript they are `OP_SUCCESSx`). ``init(rawValue:)`` returns `nil` for both.
public enum Opcode: UInt8, CaseIterable, Sendable {
    case op0 = 0x00
    case pushData1 = 0x4c, pushData2 = 0x4d, pushData4 = 0x4e
    case op1Negate = 0x4f, reserved = 0x50
    case op1 = 0x51, op2, op3, op4, op5, op6, op7, op8, op9, op10, op11, op12, op13, op14, op15, op16
    case nop = 0x61, ver, `if`, notIf, verIf, verNotIf, `else`, endIf, verify, `return`
    case toAltStack = 0x6b, fromAltStack, twoDrop, twoDup, threeDup, twoOver, twoRot, twoSwap
    case ifDup = 0x73, depth, drop, dup, nip, over, pick, roll, rot, swap, tuck
    case cat = 0x7e, substr, left, right, size
    case invert = 0x83, and, or, xor, equal, equalVerify, reserved1, reserved2
    case add1 = 0x8b, sub1, mul2, div2, negate, abs, not, notEqual0
    case add = 0x93, sub, mul, div, mod, lShift, rShift
    case boolAnd = 0x9a, boolOr, numEqual, numEqualVerify, numNotEqual
    case lessThan = 0x9f, greaterThan, lessThanOrEqual, greaterThanOrEqual, min, max, within
    case ripemd160 = 0xa6, sha1, sha256, hash160, hash256
    case codeSeparator = 0xab, checkSig, checkSigVerify, checkMultiSig, checkMultiSigVerify
    case nop1 = 0xb0, checkLockTimeVerify, checkSequenceVerify, nop4, nop5, nop6, nop7, nop8, nop9, nop10
    case checkSigAdd = 0xba
    case invalidOpcode = 0xff

    /// Core's name without the `OP_` prefix (`DUP`, `2DUP`, `CHECKLOCKTIMEVERIFY`).
    public var name: String {
        switch self {
        case .op0: return "0"
        case .op1Negate: return "-1"
        case .op1, .op2, .op3, .op4, .op5, .op6, .op7, .op8, .op9, .op10, .op11, .op12, .op13, .op14, .op15, .op16:
            return String(rawValue - 0x50)
        case .pushData1: return "PUSHDATA1"
        case .pushData2: return "PUSHDATA2"
        case .pushData4: return "PUSHDATA4"
        case .twoDrop: return "2DROP"
        case .twoDup: return "2DUP"
        case .threeDup: return "3DUP"
        case .twoOver: return "2OVER"
        case .twoRot: return "2ROT"
        case .twoSwap: return "2SWAP"
        case .add1: return "1ADD"
        case .sub1: return "1SUB"
        case .mul2: return "2MUL"
        case .div2: return "2DIV"
        case .notEqual0: return "0NOTEQUAL"
        case .invalidOpcode: return "INVALIDOPCODE"
        default: return String(describing: self).uppercased().replacingBackticks()
        }
    }

    /// The small integer an `OP_0`…`OP_16` pushes (Core's `DecodeOP_N`), or `nil`.
    public var smallInteger: Int? {
        switch rawValue {
        case 0x00: return 0
        case 0x51...0x60: return Int(rawValue) - 0x50
        default: return nil
        }
    }

    /// The opcode pushing `value` in 0...16 (Core's `EncodeOP_N`).
    public static func smallInteger(_ value: Int) -> Opcode {
        precondition((0...16).contains(value), "OP_N encodes 0...16")
        return value == 0 ? .op0 : Opcode(rawValue: UInt8(0x50 + value))!
    }

    /// True for the tapscript `OP_SUCCESSx` opcodes (BIP 342), by byte value.
    public static func isSuccess(_ byte: UInt8) -> Bool {
        byte == 80 || byte == 98 || (126...129).contains(byte) || (131...134).contains(byte)
            || (137...138).contains(byte) || (141...142).contains(byte) || (149...153).contains(byte)
            || (187...254).contains(byte)
    }
}

private extension String {
    func replacingBackticks() -> String { filter { $0 != "`" } }
}
