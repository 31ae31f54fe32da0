import BitcoinCrypto

/// A Bitcoin script: the raw bytes of a scriptSig, scriptPubKey, redeem script or
/// tapscript. The bytes are kept exactly as received, since signature hashes commit to
/// them; ``operations`` gives the parsed view.
public struct Script: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The serialised script.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(arrayLiteral elements: UInt8...) { bytes = elements }

    /// The empty script.
    public static let empty = Script([])

    /// Core's `MAX_SCRIPT_SIZE`: scripts executed outside tapscript may not exceed it.
    public static let maxSize = 10_000
    /// Core's `MAX_SCRIPT_ELEMENT_SIZE`: no stack element may exceed it.
    public static let maxElementSize = 520
    /// Core's `MAX_OPS_PER_SCRIPT`: non-push opcodes per script outside tapscript.
    public static let maxOperations = 201
    /// Core's `MAX_STACK_SIZE`: stack plus altstack elements.
    public static let maxStackSize = 1000
    /// Core's `MAX_PUBKEYS_PER_MULTISIG`.
    public static let maxPublicKeysPerMultisig = 20

    /// The number of bytes.
    public var count: Int { bytes.count }
    /// True for the empty script.
    public var isEmpty: Bool { bytes.isEmpty }

    /// The script in Core's assembly form (see ``assembly``).
    public var description: String { assembly }
}

/// One parsed script operation: its opcode byte and, for pushes, where the pushed bytes lie.
public struct ScriptOperation: Hashable, Sendable {
    /// The opcode byte (0x01–0x4b are direct pushes of that many bytes).
    public let opcode: UInt8
    /// The range of the pushed data in the script's bytes (empty for non-push opcodes).
    public let data: Range<Int>
}

extension Script {
    /// Reads the operation at `position` (Core's `GetScriptOp`). Returns `nil` at the end or
    /// for a truncated push; like Core, `position` has then moved past whatever was read,
    /// which legacy signature hashing depends on.
    public static func readOperation(_ bytes: [UInt8], at position: inout Int) -> ScriptOperation? {
        guard position < bytes.count else { return nil }
        let opcode = bytes[position]
        position += 1
        guard opcode <= Opcode.pushData4.rawValue else {
            return ScriptOperation(opcode: opcode, data: position..<position)
        }
        var size = 0
        switch opcode {
        case Opcode.pushData1.rawValue:
            guard bytes.count - position >= 1 else { return nil }
            size = Int(bytes[position])
            position += 1
        case Opcode.pushData2.rawValue:
            guard bytes.count - position >= 2 else { return nil }
            size = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            position += 2
        case Opcode.pushData4.rawValue:
            guard bytes.count - position >= 4 else { return nil }
            size = Int(bytes[position]) | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2]) << 16 | Int(bytes[position + 3]) << 24
            position += 4
        default:
            size = Int(opcode)
        }
        guard bytes.count - position >= size else { return nil }
        defer { position += size }
        return ScriptOperation(opcode: opcode, data: position..<position + size)
    }

    /// The parsed operations, and whether the whole script parsed (a truncated push ends
    /// the list early).
    public var operations: (operations: [ScriptOperation], complete: Bool) {
        var position = 0
        var result = [ScriptOperation]()
        while position < bytes.count {
            guard let operation = Script.readOperation(bytes, at: &position) else { return (result, false) }
            result.append(operation)
        }
        return (result, true)
    }

    /// True when every operation is a push (opcodes up to `OP_16`, counting `OP_RESERVED`)
    /// and the script parses (Core's `IsPushOnly`).
    public var isPushOnly: Bool { Script.isPushOnly(bytes, from: 0) }

    static func isPushOnly(_ bytes: [UInt8], from start: Int) -> Bool {
        var position = start
        while position < bytes.count {
            guard let operation = readOperation(bytes, at: &position),
                  operation.opcode <= Opcode.op16.rawValue else { return false }
        }
        return true
    }

    /// The data of the last push of a push-only script (what P2SH treats as the redeem
    /// script), or `nil` if the script is not push-only.
    public var lastPushedData: [UInt8]? {
        var position = 0
        var last: [UInt8] = []
        while position < bytes.count {
            guard let operation = Script.readOperation(bytes, at: &position),
                  operation.opcode <= Opcode.op16.rawValue else { return nil }
            last = Array(bytes[operation.data])
        }
        return last
    }

    /// True for `OP_HASH160 <20 bytes> OP_EQUAL` (BIP 16).
    public var isPayToScriptHash: Bool {
        bytes.count == 23 && bytes[0] == Opcode.hash160.rawValue && bytes[1] == 0x14 && bytes[22] == Opcode.equal.rawValue
    }

    /// The witness version and program when the script is a witness program: a version
    /// opcode followed by one direct push of 2–40 bytes (Core's `IsWitnessProgram`).
    public var witnessProgram: (version: Int, program: [UInt8])? {
        guard (4...42).contains(bytes.count),
              let version = Opcode(rawValue: bytes[0])?.smallInteger,
              Int(bytes[1]) + 2 == bytes.count else { return nil }
        return (version, Array(bytes[2...]))
    }

    /// True for scripts that can never be spent: starting with `OP_RETURN`, or too large
    /// (Core's `IsUnspendable`); such outputs never enter the UTXO set.
    public var isUnspendable: Bool {
        (!bytes.isEmpty && bytes[0] == Opcode.return.rawValue) || bytes.count > Script.maxSize
    }

    // MARK: Building

    /// The script that pushes `data` with the shortest push opcode (Core's `CScript << vector`).
    public static func push(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        appendPush(data, to: &out)
        return out
    }

    /// Appends a push of `data` with the shortest push opcode.
    public static func appendPush(_ data: [UInt8], to out: inout [UInt8]) {
        switch data.count {
        case 0..<Int(Opcode.pushData1.rawValue): out.append(UInt8(data.count))
        case 0..<0x100: out += [Opcode.pushData1.rawValue, UInt8(data.count)]
        case 0..<0x10000: out += [Opcode.pushData2.rawValue, UInt8(data.count & 0xff), UInt8(data.count >> 8)]
        default:
            out.append(Opcode.pushData4.rawValue)
            withUnsafeBytes(of: UInt32(data.count).littleEndian) { out.append(contentsOf: $0) }
        }
        out += data
    }

    /// Appends a push of a number the way Core's `CScript << int64_t` does: `OP_0`,
    /// `OP_1NEGATE` and `OP_1`…`OP_16` for small values, a minimal script-number push otherwise.
    public static func appendNumber(_ value: Int64, to out: inout [UInt8]) {
        if value == -1 || (1...16).contains(value) {
            out.append(UInt8(Int64(Opcode.op1.rawValue) - 1 + value))
        } else if value == 0 {
            out.append(Opcode.op0.rawValue)
        } else {
            // At most nine bytes: a direct push, its length written once they are.
            let lengthAt = out.count
            out.append(0)
            ScriptNum.append(value, to: &out)
            out[lengthAt] = UInt8(out.count - lengthAt - 1)
        }
    }

    // MARK: Signature operations

    /// Core's `GetSigOpCount`: CHECKSIG counts 1, CHECKMULTISIG counts 20, or, when
    /// `accurate`, the number of keys its preceding `OP_N` states.
    public func sigOpCount(accurate: Bool) -> Int {
        var count = 0
        var position = 0
        var last: UInt8 = Opcode.invalidOpcode.rawValue
        while let operation = Script.readOperation(bytes, at: &position) {
            switch operation.opcode {
            case Opcode.checkSig.rawValue, Opcode.checkSigVerify.rawValue:
                count += 1
            case Opcode.checkMultiSig.rawValue, Opcode.checkMultiSigVerify.rawValue:
                if accurate, (Opcode.op1.rawValue...Opcode.op16.rawValue).contains(last) {
                    count += Int(last) - 0x50
                } else {
                    count += Script.maxPublicKeysPerMultisig
                }
            default: break
            }
            last = operation.opcode
        }
        return count
    }

    /// The sigops of a P2SH spend: the accurate count of the redeem script that `scriptSig`
    /// pushes last (Core's `GetSigOpCount(scriptSig)`); for other scripts, the accurate
    /// count of this one.
    public func p2shSigOpCount(scriptSig: Script) -> Int {
        guard isPayToScriptHash else { return sigOpCount(accurate: true) }
        guard let redeem = scriptSig.lastPushedData else { return 0 }
        return Script(redeem).sigOpCount(accurate: true)
    }

    /// The witness sigops of spending this output (Core's `CountWitnessSigOps`): 1 for
    /// P2WPKH, the witness script's accurate count for P2WSH, directly or nested in P2SH.
    public func witnessSigOpCount(scriptSig: Script, witness: [[UInt8]], flags: ScriptFlags) -> Int {
        guard flags.contains(.witness) else { return 0 }
        // The common cases, without allocating the program: P2WPKH counts 1, v1+ counts 0.
        if (4...42).contains(bytes.count), Int(bytes[1]) + 2 == bytes.count {
            if bytes[0] == Opcode.op0.rawValue && bytes.count == 22 { return 1 }
            if (Opcode.op1.rawValue...Opcode.op16.rawValue).contains(bytes[0]) { return 0 }
        }
        if let program = witnessProgram {
            return Script.witnessSigOps(version: program.version, program: program.program, witness: witness)
        }
        if isPayToScriptHash, scriptSig.isPushOnly, let redeem = scriptSig.lastPushedData,
           let program = Script(redeem).witnessProgram {
            return Script.witnessSigOps(version: program.version, program: program.program, witness: witness)
        }
        return 0
    }

    private static func witnessSigOps(version: Int, program: [UInt8], witness: [[UInt8]]) -> Int {
        guard version == 0 else { return 0 }
        if program.count == 20 { return 1 }
        if program.count == 32, let script = witness.last { return Script(script).sigOpCount(accurate: true) }
        return 0
    }
}
