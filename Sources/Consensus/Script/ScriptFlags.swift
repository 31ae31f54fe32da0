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

extension ScriptFlags {
    /// Every flag Regsim knows.
    public static let all: ScriptFlags = ScriptFlags(names.map(\.flag))

    /// The names Bitcoin Core's test vectors and RPCs use for each flag.
    public static let names: [(name: String, flag: ScriptFlags)] = [
        ("P2SH", .p2sh), ("STRICTENC", .strictEncoding), ("DERSIG", .derSig), ("LOW_S", .lowS),
        ("NULLDUMMY", .nullDummy), ("SIGPUSHONLY", .sigPushOnly), ("MINIMALDATA", .minimalData),
        ("DISCOURAGE_UPGRADABLE_NOPS", .discourageUpgradableNops), ("CLEANSTACK", .cleanStack),
        ("CHECKLOCKTIMEVERIFY", .checkLockTimeVerify), ("CHECKSEQUENCEVERIFY", .checkSequenceVerify),
        ("WITNESS", .witness), ("DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", .discourageUpgradableWitnessProgram),
        ("MINIMALIF", .minimalIf), ("NULLFAIL", .nullFail), ("WITNESS_PUBKEYTYPE", .witnessPubkeyType),
        ("CONST_SCRIPTCODE", .constScriptCode), ("TAPROOT", .taproot),
        ("DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", .discourageUpgradableTaprootVersion),
        ("DISCOURAGE_OP_SUCCESS", .discourageOpSuccess),
        ("DISCOURAGE_UPGRADABLE_PUBKEYTYPE", .discourageUpgradablePubkeyType),
    ]

    /// Parses Core's comma-separated flag names (`"P2SH,WITNESS"`; `""` and `"NONE"` are
    /// no flags). `nil` when a name is unknown.
    public init?(coreNames text: String) {
        var flags: ScriptFlags = []
        for name in text.split(separator: ",").map({ String($0.filter { !$0.isWhitespace }) }) where name != "NONE" && !name.isEmpty {
            guard let flag = ScriptFlags.names.first(where: { $0.name == name })?.flag else { return nil }
            flags.insert(flag)
        }
        self = flags
    }

    /// The flags Bitcoin Core's mempool applies on top of the consensus ones
    /// (`STANDARD_SCRIPT_VERIFY_FLAGS`, without the consensus part).
    public static let standardPolicy: ScriptFlags = [
        .strictEncoding, .minimalData, .nullDummy, .discourageUpgradableNops, .cleanStack, .minimalIf, .nullFail,
        .checkLockTimeVerify, .checkSequenceVerify, .lowS, .discourageUpgradableWitnessProgram, .witnessPubkeyType,
        .constScriptCode, .discourageUpgradableTaprootVersion, .discourageOpSuccess, .discourageUpgradablePubkeyType,
        .derSig, .p2sh, .witness, .taproot,
    ]
}
