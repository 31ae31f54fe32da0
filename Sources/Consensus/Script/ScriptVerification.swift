import BitcoinCrypto

/// Verifies that an input's scriptSig and witness satisfy the output it spends (Core's
/// `VerifyScript`), with P2SH (BIP 16), segwit v0 (BIP 141/143) and taproot (BIP 341/342).
public enum ScriptVerification {
    /// Verifies one input.
    ///
    /// - Parameters:
    ///   - scriptSig: the input's scriptSig.
    ///   - scriptPubKey: the script of the output being spent.
    ///   - witness: the input's witness stack.
    ///   - flags: the verification flags; WITNESS requires P2SH and CLEANSTACK requires both,
    ///     as in Core.
    ///   - checker: answers signature and lock-time checks for this input.
    /// - Throws: the ``ScriptError`` that Bitcoin Core reports for the same input.
    public static func verify<Checker: SignatureChecker>(scriptSig: Script, scriptPubKey: Script, witness: [[UInt8]],
                                                         flags: ScriptFlags, checker: Checker) throws(ScriptError) {
        assert(!flags.contains(.witness) || flags.contains(.p2sh), "WITNESS requires P2SH")
        assert(!flags.contains(.cleanStack) || flags.isSuperset(of: [.p2sh, .witness]), "CLEANSTACK requires P2SH and WITNESS")
        if flags.contains(.sigPushOnly) && !scriptSig.isPushOnly { throw .sigPushOnly }

        // scriptSig and scriptPubKey run one after the other on the same stack, never
        // concatenated (CVE-2010-5141).
        var stack = [[UInt8]]()
        var execution = ScriptExecutionData()
        try ScriptInterpreter.evaluate(stack: &stack, script: scriptSig.bytes, flags: flags, checker: checker,
                                       sigVersion: .base, execution: &execution)
        let stackAfterScriptSig = flags.contains(.p2sh) ? stack : []
        try ScriptInterpreter.evaluate(stack: &stack, script: scriptPubKey.bytes, flags: flags, checker: checker,
                                       sigVersion: .base, execution: &execution)
        guard let result = stack.last, ScriptNum.castToBool(result) else { throw .evalFalse }

        var hadWitness = false
        if flags.contains(.witness), let program = scriptPubKey.witnessProgram {
            hadWitness = true
            // Any scriptSig would make the spend malleable.
            guard scriptSig.isEmpty else { throw .witnessMalleated }
            try verifyWitnessProgram(witness: witness, version: program.version, program: program.program,
                                     flags: flags, checker: checker, isP2SH: false)
            stack = [ScriptConstants.true]  // the stack is not clean for witness programs; skip CLEANSTACK
        }

        if flags.contains(.p2sh) && scriptPubKey.isPayToScriptHash {
            guard scriptSig.isPushOnly else { throw .sigPushOnly }
            stack = stackAfterScriptSig
            // Not empty: the scriptPubKey's HASH160 would have failed on an empty stack.
            let redeemScript = stack.removeLast()
            try ScriptInterpreter.evaluate(stack: &stack, script: redeemScript, flags: flags, checker: checker,
                                           sigVersion: .base, execution: &execution)
            guard let top = stack.last, ScriptNum.castToBool(top) else { throw .evalFalse }

            if flags.contains(.witness), let program = Script(redeemScript).witnessProgram {
                hadWitness = true
                // The scriptSig must be exactly one push of the redeem script.
                guard scriptSig.bytes == Script.push(redeemScript) else { throw .witnessMalleatedP2SH }
                try verifyWitnessProgram(witness: witness, version: program.version, program: program.program,
                                         flags: flags, checker: checker, isP2SH: true)
                stack = [ScriptConstants.true]
            }
        }

        // After P2SH evaluation: a bare P2SH spend's stack is not clean before it.
        if flags.contains(.cleanStack) && stack.count != 1 { throw .cleanStack }
        if flags.contains(.witness) && !hadWitness && !witness.isEmpty { throw .witnessUnexpected }
    }

    static func verifyWitnessProgram<Checker: SignatureChecker>(witness: [[UInt8]], version: Int, program: [UInt8], flags: ScriptFlags,
                                                                checker: Checker, isP2SH: Bool) throws(ScriptError) {
        var stack = witness
        var execution = ScriptExecutionData()
        if version == 0 {
            if program.count == 32 {
                // P2WSH: the last witness element is the script, committed to by SHA256.
                guard let script = stack.popLast() else { throw .witnessProgramWitnessEmpty }
                guard SHA256.hash(script).bytes == program else { throw .witnessProgramMismatch }
                try executeWitnessScript(stack: stack, script: script, flags: flags, sigVersion: .witnessV0,
                                         checker: checker, execution: &execution)
            } else if program.count == 20 {
                // P2WPKH: exactly a signature and a key, checked as P2PKH.
                guard stack.count == 2 else { throw .witnessProgramMismatch }
                var script = [UInt8]()
                script.reserveCapacity(25)
                script += [Opcode.dup.rawValue, Opcode.hash160.rawValue, 20]
                script += program
                script += [Opcode.equalVerify.rawValue, Opcode.checkSig.rawValue]
                try executeWitnessScript(stack: stack, script: script, flags: flags, sigVersion: .witnessV0,
                                         checker: checker, execution: &execution)
            } else {
                throw .witnessProgramWrongLength
            }
        } else if version == 1 && program.count == 32 && !isP2SH {
            guard flags.contains(.taproot) else { return }
            guard !stack.isEmpty else { throw .witnessProgramWitnessEmpty }
            if stack.count >= 2, let annex = stack.last, annex.first == Taproot.annexTag {
                var writer = ByteWriter(capacity: annex.count + 5)
                writer.writeVarBytes(annex)
                execution.annexHash = SHA256.hash(writer.bytes)
                stack.removeLast()
            }
            if stack.count == 1 {
                // Key path: one Schnorr signature by the output key.
                try checker.checkSchnorrSignature(stack[0], publicKey: program, sigVersion: .taproot, execution: execution)
                return
            }
            // Script path: script, control block, and the script's inputs below them.
            let control = stack.removeLast()
            let script = stack.removeLast()
            guard control.count >= Taproot.controlBaseSize, control.count <= Taproot.controlMaxSize,
                  (control.count - Taproot.controlBaseSize) % Taproot.controlNodeSize == 0
            else { throw .taprootWrongControlSize }
            let leafVersion = control[0] & Taproot.leafMask
            execution.tapleafHash = Taproot.leafHash(leafVersion: leafVersion, script: script)
            guard Taproot.verifyCommitment(control: control, program: program, leafHash: execution.tapleafHash) else {
                throw .witnessProgramMismatch
            }
            guard leafVersion == Taproot.tapscriptLeafVersion else {
                if flags.contains(.discourageUpgradableTaprootVersion) { throw .discourageUpgradableTaprootVersion }
                return
            }
            // BIP 342: the signature-operation budget is the witness size plus 50.
            execution.validationWeightLeft = Int64(serializedSize(of: witness)) + 50
            try executeWitnessScript(stack: stack, script: script, flags: flags, sigVersion: .tapscript,
                                     checker: checker, execution: &execution)
        } else if flags.contains(.discourageUpgradableWitnessProgram) {
            throw .discourageUpgradableWitnessProgram
        }
        // Other versions and sizes are anyone-can-spend, for future soft forks.
    }

    static func serializedSize(of witness: [[UInt8]]) -> Int {
        witness.reduce(ByteWriter.compactSizeLength(witness.count)) { $0 + ByteWriter.compactSizeLength($1.count) + $1.count }
    }

    static func executeWitnessScript<Checker: SignatureChecker>(stack: [[UInt8]], script: [UInt8], flags: ScriptFlags, sigVersion: SigVersion,
                                                                checker: Checker, execution: inout ScriptExecutionData) throws(ScriptError) {
        var stack = stack
        stack.reserveCapacity(stack.count + 4)
        if sigVersion == .tapscript {
            // OP_SUCCESSx overrides everything, even stack element size limits.
            var position = 0
            while position < script.count {
                guard let operation = Script.readOperation(script, at: &position) else { throw .badOpcode }
                if Opcode.isSuccess(operation.opcode) {
                    if flags.contains(.discourageOpSuccess) { throw .discourageOpSuccess }
                    return
                }
            }
            if stack.count > Script.maxStackSize { throw .stackSize }
        }
        if stack.contains(where: { $0.count > Script.maxElementSize }) { throw .pushSize }
        try ScriptInterpreter.evaluate(stack: &stack, script: script, flags: flags, checker: checker,
                                       sigVersion: sigVersion, execution: &execution)
        // Witness scripts must leave exactly one true element.
        guard stack.count == 1 else { throw .cleanStack }
        guard ScriptNum.castToBool(stack[0]) else { throw .evalFalse }
    }
}
