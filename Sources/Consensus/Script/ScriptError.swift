/// Why a script failed, one case per Bitcoin Core `ScriptError_t`; the raw value is the
/// name Core's test vectors use (`EVAL_FALSE`, `SIG_DER`, …).
public enum ScriptError: String, Error, CaseIterable, Sendable, CustomStringConvertible {
    case ok = "OK"
    case unknownError = "UNKNOWN_ERROR"
    case evalFalse = "EVAL_FALSE"
    case opReturn = "OP_RETURN"
    case scriptNum = "SCRIPTNUM"
    // Max sizes
    case scriptSize = "SCRIPT_SIZE"
    case pushSize = "PUSH_SIZE"
    case opCount = "OP_COUNT"
    case stackSize = "STACK_SIZE"
    case sigCount = "SIG_COUNT"
    case pubkeyCount = "PUBKEY_COUNT"
    // Failed verify operations
    case verify = "VERIFY"
    case equalVerify = "EQUALVERIFY"
    case checkMultiSigVerify = "CHECKMULTISIGVERIFY"
    case checkSigVerify = "CHECKSIGVERIFY"
    case numEqualVerify = "NUMEQUALVERIFY"
    // Logical/format/canonical errors
    case badOpcode = "BAD_OPCODE"
    case disabledOpcode = "DISABLED_OPCODE"
    case invalidStackOperation = "INVALID_STACK_OPERATION"
    case invalidAltstackOperation = "INVALID_ALTSTACK_OPERATION"
    case unbalancedConditional = "UNBALANCED_CONDITIONAL"
    // CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY
    case negativeLocktime = "NEGATIVE_LOCKTIME"
    case unsatisfiedLocktime = "UNSATISFIED_LOCKTIME"
    // Malleability
    case sigHashtype = "SIG_HASHTYPE"
    case sigDER = "SIG_DER"
    case minimalData = "MINIMALDATA"
    case sigPushOnly = "SIG_PUSHONLY"
    case sigHighS = "SIG_HIGH_S"
    case sigNullDummy = "SIG_NULLDUMMY"
    case pubkeyType = "PUBKEYTYPE"
    case cleanStack = "CLEANSTACK"
    case minimalIf = "MINIMALIF"
    case sigNullFail = "NULLFAIL"
    // Softfork safeness
    case discourageUpgradableNops = "DISCOURAGE_UPGRADABLE_NOPS"
    case discourageUpgradableWitnessProgram = "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM"
    case discourageUpgradableTaprootVersion = "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION"
    case discourageOpSuccess = "DISCOURAGE_OP_SUCCESS"
    case discourageUpgradablePubkeyType = "DISCOURAGE_UPGRADABLE_PUBKEYTYPE"
    // Segregated witness
    case witnessProgramWrongLength = "WITNESS_PROGRAM_WRONG_LENGTH"
    case witnessProgramWitnessEmpty = "WITNESS_PROGRAM_WITNESS_EMPTY"
    case witnessProgramMismatch = "WITNESS_PROGRAM_MISMATCH"
    case witnessMalleated = "WITNESS_MALLEATED"
    case witnessMalleatedP2SH = "WITNESS_MALLEATED_P2SH"
    case witnessUnexpected = "WITNESS_UNEXPECTED"
    case witnessPubkeyType = "WITNESS_PUBKEYTYPE"
    // Taproot
    case schnorrSigSize = "SCHNORR_SIG_SIZE"
    case schnorrSigHashtype = "SCHNORR_SIG_HASHTYPE"
    case schnorrSig = "SCHNORR_SIG"
    case taprootWrongControlSize = "TAPROOT_WRONG_CONTROL_SIZE"
    case tapscriptValidationWeight = "TAPSCRIPT_VALIDATION_WEIGHT"
    case tapscriptCheckMultiSig = "TAPSCRIPT_CHECKMULTISIG"
    case tapscriptMinimalIf = "TAPSCRIPT_MINIMALIF"
    case tapscriptEmptyPubkey = "TAPSCRIPT_EMPTY_PUBKEY"
    // Constant scriptCode
    case opCodeSeparator = "OP_CODESEPARATOR"
    case sigFindAndDelete = "SIG_FINDANDDELETE"

    public var description: String { rawValue }
}
