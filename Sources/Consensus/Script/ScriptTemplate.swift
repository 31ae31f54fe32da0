/// The standard output script templates (Core's `TxoutType` from `Solver`).
public enum ScriptTemplate: Hashable, Sendable {
    /// `<pubkey> OP_CHECKSIG`.
    case payToPublicKey([UInt8])
    /// `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG`.
    case payToPublicKeyHash([UInt8])
    /// `OP_HASH160 <20> OP_EQUAL` (BIP 16).
    case payToScriptHash([UInt8])
    /// `OP_m <pubkey>… OP_n OP_CHECKMULTISIG`.
    case multisig(required: Int, publicKeys: [[UInt8]])
    /// `OP_RETURN` followed only by pushes: a provably unspendable data carrier.
    case nullData
    /// Segwit v0 key hash (BIP 141).
    case witnessV0KeyHash([UInt8])
    /// Segwit v0 script hash (BIP 141).
    case witnessV0ScriptHash([UInt8])
    /// Segwit v1 taproot output key (BIP 341).
    case witnessV1Taproot([UInt8])
    /// A witness program of a version or size with no rules yet.
    case witnessUnknown(version: Int, program: [UInt8])
    /// Anything else.
    case nonStandard

    /// Recognises the template of `script`.
    public init(_ script: Script) {
        let b = script.bytes
        if script.isPayToScriptHash {
            self = .payToScriptHash(Array(b[2..<22]))
        } else if let (version, program) = script.witnessProgram {
            switch (version, program.count) {
            case (0, 20): self = .witnessV0KeyHash(program)
            case (0, 32): self = .witnessV0ScriptHash(program)
            case (1, 32): self = .witnessV1Taproot(program)
            case (0, _): self = .nonStandard
            default: self = .witnessUnknown(version: version, program: program)
            }
        } else if !b.isEmpty, b[0] == Opcode.return.rawValue, Script.isPushOnly(b, from: 1) {
            self = .nullData
        } else if (b.count == 35 && b[0] == 33) || (b.count == 67 && b[0] == 65),
                  b.last == Opcode.checkSig.rawValue, ScriptTemplate.hasValidKeySize(Array(b[1..<b.count - 1])) {
            self = .payToPublicKey(Array(b[1..<b.count - 1]))
        } else if b.count == 25, b[0] == Opcode.dup.rawValue, b[1] == Opcode.hash160.rawValue, b[2] == 20,
                  b[23] == Opcode.equalVerify.rawValue, b[24] == Opcode.checkSig.rawValue {
            self = .payToPublicKeyHash(Array(b[3..<23]))
        } else if let multisig = ScriptTemplate.matchMultisig(script) {
            self = multisig
        } else {
            self = .nonStandard
        }
    }

    private static func hasValidKeySize(_ key: [UInt8]) -> Bool {
        guard let first = key.first else { return false }
        switch first {
        case 2, 3: return key.count == 33
        case 4, 6, 7: return key.count == 65
        default: return false
        }
    }

    private static func matchMultisig(_ script: Script) -> ScriptTemplate? {
        let (operations, complete) = script.operations
        guard complete, operations.count >= 4,
              operations.last?.opcode == Opcode.checkMultiSig.rawValue,
              let required = Opcode(rawValue: operations[0].opcode)?.smallInteger, required >= 1,
              let total = Opcode(rawValue: operations[operations.count - 2].opcode)?.smallInteger,
              total == operations.count - 3, required <= total
        else { return nil }
        var keys = [[UInt8]]()
        for operation in operations[1..<operations.count - 2] {
            let key = Array(script.bytes[operation.data])
            guard operation.opcode == UInt8(key.count), hasValidKeySize(key) else { return nil }
            keys.append(key)
        }
        return .multisig(required: required, publicKeys: keys)
    }
}
