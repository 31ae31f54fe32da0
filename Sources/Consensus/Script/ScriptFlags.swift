/// Script verification flags (Core's `SCRIPT_VERIFY_*`). Consensus uses a subset; the
/// rest are policy rules that Core's test vectors also exercise.
public struct ScriptFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let p2sh = ScriptFlags(rawValue: 1 << 0)
    public static let strictEncoding = ScriptFlags(rawValue: 1 << 1)
    public static let derSig = ScriptFlags(rawValue: 1 << 2)
    public static let lowS = ScriptFlags(rawValue: 1 << 3)
    public static let nullDummy = ScriptFlags(rawValue: 1 << 4)
    public static let sigPushOnly = ScriptFlags(rawValue: 1 << 5)
    public static let minimalData = ScriptFlags(rawValue: 1 << 6)
    public static let discourageUpgradableNops = ScriptFlags(rawValue: 1 << 7)
    public static let cleanStack = ScriptFlags(rawValue: 1 << 8)
    public static let checkLockTimeVerify = ScriptFlags(rawValue: 1 << 9)
    public static let checkSequenceVerify = ScriptFlags(rawValue: 1 << 10)
    public static let witness = ScriptFlags(rawValue: 1 << 11)
    public static let discourageUpgradableWitnessProgram = ScriptFlags(rawValue: 1 << 12)
    public static let minimalIf = ScriptFlags(rawValue: 1 << 13)
    public static let nullFail = ScriptFlags(rawValue: 1 << 14)
    public static let witnessPubkeyType = ScriptFlags(rawValue: 1 << 15)
    public static let constScriptCode = ScriptFlags(rawValue: 1 << 16)
    public static let taproot = ScriptFlags(rawValue: 1 << 17)
    public static let discourageUpgradableTaprootVersion = ScriptFlags(rawValue: 1 << 18)
    public static let discourageOpSuccess = ScriptFlags(rawValue: 1 << 19)
    public static let discourageUpgradablePubkeyType = ScriptFlags(rawValue: 1 << 20)
}
