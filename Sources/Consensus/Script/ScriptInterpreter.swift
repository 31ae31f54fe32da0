import BitcoinCrypto

/// Bitcoin's script interpreter (Core's `EvalScript`): runs one script on a stack.
///
/// Every opcode follows Bitcoin Core, including its limits (201 non-push opcodes, 520-byte
/// elements, 1,000 stack items, 10,000-byte scripts outside tapscript), disabled opcodes,
/// OP_CHECKMULTISIG's extra pop, and the BIP 342 changes inside tapscript. Failures throw
/// the exact ``ScriptError`` Core reports.
public struct ScriptInterpreter<Checker: SignatureChecker> {
    let flags: ScriptFlags
    let checker: Checker
    let sigVersion: SigVersion

    static var validationWeightPerSigop: Int64 { 50 }

    /// Runs `script` on `stack`.
    ///
    /// - Parameters:
    ///   - stack: the stack to run on; holds the result when the call returns.
    ///   - script: the script's bytes.
    ///   - flags: the verification flags in force.
    ///   - checker: answers signature and lock-time questions about the spending transaction.
    ///   - sigVersion: the rule set (legacy, segwit v0 or tapscript).
    ///   - execution: taproot state (leaf hash, annex, validation weight); updated.
    public static func evaluate(stack: inout [[UInt8]], script: [UInt8], flags: ScriptFlags, checker: Checker,
                                sigVersion: SigVersion, execution: inout ScriptExecutionData) throws(ScriptError) {
        precondition(sigVersion != .taproot, "key-path spends run no script")
        let interpreter = ScriptInterpreter(flags: flags, checker: checker, sigVersion: sigVersion)
        try interpreter.run(stack: &stack, script: script, execution: &execution)
    }

    /// Core's `ConditionStack`: only whether all entries are true and the position of the
    /// first false one matter, so IF nesting costs O(1) per opcode.
    struct ConditionStack {
        private(set) var size = 0
        private var firstFalse: Int? = nil
        var isEmpty: Bool { size == 0 }
        var allTrue: Bool { firstFalse == nil }
        mutating func push(_ value: Bool) {
            if firstFalse == nil && !value { firstFalse = size }
            size += 1
        }
        mutating func pop() {
            size -= 1
            if firstFalse == size { firstFalse = nil }
        }
        mutating func toggleTop() {
            if firstFalse == nil {
                firstFalse = size - 1
            } else if firstFalse == size - 1 {
                firstFalse = nil
            }
        }
    }


    func run(stack: inout [[UInt8]], script: [UInt8], execution: inout ScriptExecutionData) throws(ScriptError) {
        let legacyLimits = sigVersion == .base || sigVersion == .witnessV0
        if legacyLimits && script.count > Script.maxSize { throw .scriptSize }
        var position = 0
        var codeHashStart = 0
        var conditions = ConditionStack()
        var altStack = [[UInt8]]()
        var operationCount = 0
        var opcodePosition: UInt32 = 0
        let requireMinimal = flags.contains(.minimalData)
        execution.codeSeparatorPosition = 0xffff_ffff

        while position < script.count {
            defer { opcodePosition &+= 1 }
            let executing = conditions.allTrue
            guard let operation = Script.readOperation(script, at: &position) else { throw .badOpcode }
            if operation.data.count > Script.maxElementSize { throw .pushSize }
            let opcodeByte = operation.opcode

            // OP_RESERVED (0x50) and pushes do not count towards the opcode limit.
            if legacyLimits && opcodeByte > Opcode.op16.rawValue {
                operationCount += 1
                if operationCount > Script.maxOperations { throw .opCount }
            }

            let opcode = Opcode(rawValue: opcodeByte)
            switch opcode {
            case .cat, .substr, .left, .right, .invert, .and, .or, .xor, .mul2, .div2, .mul, .div, .mod, .lShift, .rShift:
                throw .disabledOpcode  // CVE-2010-5137
            case .codeSeparator where sigVersion == .base && flags.contains(.constScriptCode):
                throw .opCodeSeparator  // even in an unexecuted branch
            default:
                break
            }

            if opcodeByte <= Opcode.pushData4.rawValue {
                guard executing else { continue }
                let data = Array(script[operation.data])
                if requireMinimal && !ScriptInterpreter.isMinimalPush(data, opcode: opcodeByte) { throw .minimalData }
                stack.append(data)
            } else if executing || (Opcode.if.rawValue...Opcode.endIf.rawValue).contains(opcodeByte) {
                guard let opcode else { throw .badOpcode }
                try execute(opcode, executing: executing, stack: &stack, altStack: &altStack, conditions: &conditions,
                            script: script, position: position, codeHashStart: &codeHashStart,
                            operationCount: &operationCount, opcodePosition: opcodePosition, execution: &execution)
            }

            if stack.count + altStack.count > Script.maxStackSize { throw .stackSize }
        }
        if !conditions.isEmpty { throw .unbalancedConditional }
    }

    /// Core's `CheckMinimalPush`: data must be pushed with the shortest form available.
    static func isMinimalPush(_ data: [UInt8], opcode: UInt8) -> Bool {
        switch data.count {
        case 0: return opcode == Opcode.op0.rawValue
        case 1 where (1...16).contains(data[0]): return false  // should be OP_1...OP_16
        case 1 where data[0] == 0x81: return false  // should be OP_1NEGATE
        case 1...75: return Int(opcode) == data.count
        case 76...255: return opcode == Opcode.pushData1.rawValue
        case 256...65535: return opcode == Opcode.pushData2.rawValue
        default: return true
        }
    }

    func execute(_ opcode: Opcode, executing: Bool, stack: inout [[UInt8]], altStack: inout [[UInt8]],
                 conditions: inout ConditionStack, script: [UInt8], position: Int, codeHashStart: inout Int,
                 operationCount: inout Int, opcodePosition: UInt32, execution: inout ScriptExecutionData) throws(ScriptError) {
        let requireMinimal = flags.contains(.minimalData)
        func number(_ bytes: [UInt8], maxSize: Int = ScriptNum.defaultMaxSize) throws(ScriptError) -> Int64 {
            try ScriptNum.decode(bytes, requireMinimal: requireMinimal, maxSize: maxSize)
        }
        func need(_ count: Int) throws(ScriptError) {
            if stack.count < count { throw .invalidStackOperation }
        }
        func top(_ depth: Int) -> [UInt8] { stack[stack.count - depth] }
        // removeLast(n) goes through a generic replaceSubrange; single pops are cheaper.
        func pop(_ count: Int = 1) { for _ in 0..<count { stack.removeLast() } }
        func push(_ value: Bool) { stack.append(value ? ScriptConstants.true : ScriptConstants.false) }

        switch opcode {
        // Push value
        case .op1Negate, .op1, .op2, .op3, .op4, .op5, .op6, .op7, .op8, .op9, .op10, .op11, .op12, .op13, .op14, .op15, .op16:
            stack.append(ScriptNum.encode(Int64(opcode.rawValue) - Int64(Opcode.op1.rawValue - 1)))

        // Control
        case .nop:
            break

        case .checkLockTimeVerify:
            guard flags.contains(.checkLockTimeVerify) else { break }  // not active: a NOP2
            try need(1)
            // 5-byte operands: lock times are unsigned 32-bit, beyond a 4-byte script number.
            let lockTime = try number(top(1), maxSize: 5)
            if lockTime < 0 { throw .negativeLocktime }
            if !checker.checkLockTime(lockTime) { throw .unsatisfiedLocktime }

        case .checkSequenceVerify:
            guard flags.contains(.checkSequenceVerify) else { break }  // not active: a NOP3
            try need(1)
            let sequence = try number(top(1), maxSize: 5)
            if sequence < 0 { throw .negativeLocktime }
            // The disable flag keeps the opcode a NOP, leaving room for future soft forks.
            if sequence & Int64(TxIn.sequenceLocktimeDisableFlag) != 0 { break }
            if !checker.checkSequence(sequence) { throw .unsatisfiedLocktime }

        case .nop1, .nop4, .nop5, .nop6, .nop7, .nop8, .nop9, .nop10:
            if flags.contains(.discourageUpgradableNops) { throw .discourageUpgradableNops }

        case .if, .notIf:
            var value = false
            if executing {
                guard !stack.isEmpty else { throw .invalidStackOperation }
                let condition = top(1)
                if sigVersion == .tapscript && (condition.count > 1 || (condition.count == 1 && condition[0] != 1)) {
                    throw .tapscriptMinimalIf
                }
                if sigVersion == .witnessV0 && flags.contains(.minimalIf)
                    && (condition.count > 1 || (condition.count == 1 && condition[0] != 1)) {
                    throw .minimalIf
                }
                value = ScriptNum.castToBool(condition)
                if opcode == .notIf { value.toggle() }
                pop()
            }
            conditions.push(value)

        case .else:
            guard !conditions.isEmpty else { throw .unbalancedConditional }
            conditions.toggleTop()

        case .endIf:
            guard !conditions.isEmpty else { throw .unbalancedConditional }
            conditions.pop()

        case .verify:
            try need(1)
            guard ScriptNum.castToBool(top(1)) else { throw .verify }
            pop()

        case .return:
            throw .opReturn

        // Stack operations
        case .toAltStack:
            try need(1)
            altStack.append(top(1))
            pop()

        case .fromAltStack:
            guard let value = altStack.popLast() else { throw .invalidAltstackOperation }
            stack.append(value)

        case .twoDrop:
            try need(2)
            pop(2)

        case .twoDup:
            try need(2)
            stack.append(contentsOf: [top(2), top(1)])

        case .threeDup:
            try need(3)
            stack.append(contentsOf: [top(3), top(2), top(1)])

        case .twoOver:
            try need(4)
            stack.append(contentsOf: [top(4), top(3)])

        case .twoRot:
            try need(6)
            let first = top(6), second = top(5)
            stack.removeSubrange((stack.count - 6)..<(stack.count - 4))
            stack.append(contentsOf: [first, second])

        case .twoSwap:
            try need(4)
            stack.swapAt(stack.count - 4, stack.count - 2)
            stack.swapAt(stack.count - 3, stack.count - 1)

        case .ifDup:
            try need(1)
            if ScriptNum.castToBool(top(1)) { stack.append(top(1)) }

        case .depth:
            stack.append(ScriptNum.encode(Int64(stack.count)))

        case .drop:
            try need(1)
            pop()

        case .dup:
            try need(1)
            stack.append(top(1))

        case .nip:
            try need(2)
            stack.remove(at: stack.count - 2)

        case .over:
            try need(2)
            stack.append(top(2))

        case .pick, .roll:
            try need(2)
            let n = ScriptNum.clampedInt(try number(top(1)))
            pop()
            guard n >= 0 && n < stack.count else { throw .invalidStackOperation }
            let value = top(n + 1)
            if opcode == .roll { stack.remove(at: stack.count - n - 1) }
            stack.append(value)

        case .rot:
            try need(3)
            stack.swapAt(stack.count - 3, stack.count - 2)
            stack.swapAt(stack.count - 2, stack.count - 1)

        case .swap:
            try need(2)
            stack.swapAt(stack.count - 2, stack.count - 1)

        case .tuck:
            try need(2)
            stack.insert(top(1), at: stack.count - 2)

        case .size:
            try need(1)
            stack.append(ScriptNum.encode(Int64(top(1).count)))

        // Bitwise logic
        case .equal, .equalVerify:
            try need(2)
            let equal = top(2) == top(1)
            pop(2)
            push(equal)
            if opcode == .equalVerify {
                guard equal else { throw .equalVerify }
                pop()
            }

        // Numeric
        case .add1, .sub1, .negate, .abs, .not, .notEqual0:
            try need(1)
            var value = try number(top(1))
            switch opcode {
            case .add1: value += 1
            case .sub1: value -= 1
            case .negate: value = -value
            case .abs: value = Swift.abs(value)
            case .not: value = value == 0 ? 1 : 0
            default: value = value != 0 ? 1 : 0
            }
            pop()
            stack.append(ScriptNum.encode(value))

        case .add, .sub, .boolAnd, .boolOr, .numEqual, .numEqualVerify, .numNotEqual,
             .lessThan, .greaterThan, .lessThanOrEqual, .greaterThanOrEqual, .min, .max:
            try need(2)
            let a = try number(top(2))
            let b = try number(top(1))
            let result: Int64
            switch opcode {
            case .add: result = a + b
            case .sub: result = a - b
            case .boolAnd: result = a != 0 && b != 0 ? 1 : 0
            case .boolOr: result = a != 0 || b != 0 ? 1 : 0
            case .numEqual, .numEqualVerify: result = a == b ? 1 : 0
            case .numNotEqual: result = a != b ? 1 : 0
            case .lessThan: result = a < b ? 1 : 0
            case .greaterThan: result = a > b ? 1 : 0
            case .lessThanOrEqual: result = a <= b ? 1 : 0
            case .greaterThanOrEqual: result = a >= b ? 1 : 0
            case .min: result = Swift.min(a, b)
            default: result = Swift.max(a, b)
            }
            pop(2)
            stack.append(ScriptNum.encode(result))
            if opcode == .numEqualVerify {
                guard ScriptNum.castToBool(top(1)) else { throw .numEqualVerify }
                pop()
            }

        case .within:
            try need(3)
            let x = try number(top(3))
            let low = try number(top(2))
            let high = try number(top(1))
            pop(3)
            push(low <= x && x < high)

        // Crypto
        case .ripemd160, .sha1, .sha256, .hash160, .hash256:
            try need(1)
            let data = top(1)
            let digest: [UInt8]
            switch opcode {
            case .ripemd160: digest = RIPEMD160.hash(data)
            case .sha1: digest = SHA1.hash(data)
            case .sha256: digest = SHA256.hash(data).bytes
            case .hash160: digest = BitcoinCrypto.hash160(data)
            default: digest = BitcoinCrypto.hash256(data).bytes
            }
            pop()
            stack.append(digest)

        case .codeSeparator:
            codeHashStart = position
            execution.codeSeparatorPosition = opcodePosition

        case .checkSig, .checkSigVerify:
            try need(2)
            let success = try checkSignature(top(2), publicKey: top(1), script: script, codeHashStart: codeHashStart,
                                             execution: &execution)
            pop(2)
            push(success)
            if opcode == .checkSigVerify {
                guard success else { throw .checkSigVerify }
                pop()
            }

        case .checkSigAdd:
            guard sigVersion == .tapscript else { throw .badOpcode }
            try need(3)
            let signature = top(3)
            let count = try number(top(2))
            let publicKey = top(1)
            let success = try checkSignature(signature, publicKey: publicKey, script: script, codeHashStart: codeHashStart,
                                             execution: &execution)
            pop(3)
            stack.append(ScriptNum.encode(count + (success ? 1 : 0)))

        case .checkMultiSig, .checkMultiSigVerify:
            guard sigVersion != .tapscript else { throw .tapscriptCheckMultiSig }
            let success = try checkMultiSig(stack: &stack, script: script, codeHashStart: codeHashStart,
                                            operationCount: &operationCount)
            push(success)
            if opcode == .checkMultiSigVerify {
                guard success else { throw .checkMultiSigVerify }
                pop()
            }

        default:
            throw .badOpcode
        }
    }

    // MARK: Signatures

    /// OP_CHECKSIG's check, before tapscript (Core's `EvalChecksigPreTapscript`) or in it
    /// (`EvalChecksigTapscript`).
    func checkSignature(_ signature: [UInt8], publicKey: [UInt8], script: [UInt8], codeHashStart: Int,
                        execution: inout ScriptExecutionData) throws(ScriptError) -> Bool {
        if sigVersion == .tapscript {
            return try checkTapscriptSignature(signature, publicKey: publicKey, execution: &execution)
        }
        var scriptCode = codeHashStart == 0 ? script : Array(script[codeHashStart...])
        if sigVersion == .base {
            // Legacy scripts cannot sign themselves: the signature is removed from the code.
            let found = ScriptInterpreter.findAndDelete(&scriptCode, Script.push(signature))
            if found > 0 && flags.contains(.constScriptCode) { throw .sigFindAndDelete }
        }
        try SignatureEncoding.check(signature: signature, flags: flags)
        try SignatureEncoding.check(publicKey: publicKey, flags: flags, sigVersion: sigVersion)
        let success = checker.checkECDSASignature(signature, publicKey: publicKey, scriptCode: scriptCode, sigVersion: sigVersion)
        if !success && flags.contains(.nullFail) && !signature.isEmpty { throw .sigNullFail }
        return success
    }

    func checkTapscriptSignature(_ signature: [UInt8], publicKey: [UInt8], execution: inout ScriptExecutionData) throws(ScriptError) -> Bool {
        // The order is consensus-critical: the weight budget, then upgradable key types, then
        // the signature itself (an empty signature is a valid "no").
        let success = !signature.isEmpty
        if success {
            execution.validationWeightLeft -= Self.validationWeightPerSigop
            if execution.validationWeightLeft < 0 { throw .tapscriptValidationWeight }
        }
        if publicKey.isEmpty { throw .tapscriptEmptyPubkey }
        if publicKey.count == 32 {
            if success {
                try checker.checkSchnorrSignature(signature, publicKey: publicKey, sigVersion: .tapscript, execution: execution)
            }
        } else if flags.contains(.discourageUpgradablePubkeyType) {
            throw .discourageUpgradablePubkeyType
        }
        return success
    }

    /// OP_CHECKMULTISIG: pops `n`, the keys, `m`, the signatures and one extra element (the
    /// historical off-by-one, which NULLDUMMY requires to be empty).
    func checkMultiSig(stack: inout [[UInt8]], script: [UInt8], codeHashStart: Int, operationCount: inout Int) throws(ScriptError) -> Bool {
        let requireMinimal = flags.contains(.minimalData)
        var i = 1
        if stack.count < i { throw .invalidStackOperation }
        var keysCount = ScriptNum.clampedInt(try ScriptNum.decode(stack[stack.count - i], requireMinimal: requireMinimal))
        if keysCount < 0 || keysCount > Script.maxPublicKeysPerMultisig { throw .pubkeyCount }
        operationCount += keysCount
        if operationCount > Script.maxOperations { throw .opCount }
        i += 1
        var keyIndex = i
        // Position of the last non-signature item: after a failure NULLFAIL checks every
        // signature that was popped.
        var lastKeyPosition = keysCount + 2
        i += keysCount
        if stack.count < i { throw .invalidStackOperation }
        var signaturesCount = ScriptNum.clampedInt(try ScriptNum.decode(stack[stack.count - i], requireMinimal: requireMinimal))
        if signaturesCount < 0 || signaturesCount > keysCount { throw .sigCount }
        i += 1
        var signatureIndex = i
        i += signaturesCount
        if stack.count < i { throw .invalidStackOperation }

        var scriptCode = codeHashStart == 0 ? script : Array(script[codeHashStart...])
        if sigVersion == .base {
            for k in 0..<signaturesCount {
                let found = ScriptInterpreter.findAndDelete(&scriptCode, Script.push(stack[stack.count - signatureIndex - k]))
                if found > 0 && flags.contains(.constScriptCode) { throw .sigFindAndDelete }
            }
        }

        var success = true
        while success && signaturesCount > 0 {
            let signature = stack[stack.count - signatureIndex]
            let publicKey = stack[stack.count - keyIndex]
            // Encoding is checked pair by pair, so which pair fails first is observable.
            try SignatureEncoding.check(signature: signature, flags: flags)
            try SignatureEncoding.check(publicKey: publicKey, flags: flags, sigVersion: sigVersion)
            if checker.checkECDSASignature(signature, publicKey: publicKey, scriptCode: scriptCode, sigVersion: sigVersion) {
                signatureIndex += 1
                signaturesCount -= 1
            }
            keyIndex += 1
            keysCount -= 1
            // More signatures left than keys: too many have failed.
            if signaturesCount > keysCount { success = false }
        }

        while i > 1 {
            i -= 1
            if !success && flags.contains(.nullFail) && lastKeyPosition == 0 && !stack[stack.count - 1].isEmpty {
                throw .sigNullFail
            }
            if lastKeyPosition > 0 { lastKeyPosition -= 1 }
            stack.removeLast()
        }
        guard !stack.isEmpty else { throw .invalidStackOperation }
        if flags.contains(.nullDummy) && !stack[stack.count - 1].isEmpty { throw .sigNullDummy }
        stack.removeLast()
        return success
    }

    /// Core's `FindAndDelete`: removes every occurrence of `pattern` that starts at an
    /// operation boundary, returning how many were removed.
    static func findAndDelete(_ script: inout [UInt8], _ pattern: [UInt8]) -> Int {
        guard !pattern.isEmpty else { return 0 }
        var found = 0
        var result = [UInt8]()
        result.reserveCapacity(script.count)
        var position = 0
        var copyFrom = 0
        repeat {
            result.append(contentsOf: script[copyFrom..<position])
            while script.count - position >= pattern.count && script[position..<position + pattern.count].elementsEqual(pattern) {
                position += pattern.count
                found += 1
            }
            copyFrom = position
        } while Script.readOperation(script, at: &position) != nil
        if found > 0 {
            result.append(contentsOf: script[min(copyFrom, script.count)...])
            script = result
        }
        return found
    }
}

/// Stack values shared by every execution, so pushing a boolean copies a reference.
enum ScriptConstants {
    static let `true`: [UInt8] = [1]
    static let `false`: [UInt8] = []
}
