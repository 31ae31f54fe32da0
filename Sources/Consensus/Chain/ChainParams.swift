import BitcoinCrypto

/// The consensus and address parameters of a chain (Core's `CChainParams` and
/// `Consensus::Params`).
///
/// ``regtest`` is Regsim's default: minimum difficulty, no retargeting, every soft fork
/// active from the start. ``mainnet`` validates real Bitcoin blocks. ``custom(name:targetSpacing:retargetInterval:)``
/// builds a regtest-like chain that retargets, for simulations that show difficulty
/// adjustment.
public struct ChainParams: Sendable {
    /// A short name: `regtest`, `main`, or the custom chain's name.
    public var name: String
    /// The first block of the chain.
    public var genesisBlock: Block
    /// The easiest allowed target.
    public var powLimit: UInt256
    /// When true the difficulty never changes (regtest).
    public var noRetargeting: Bool
    /// The intended seconds between blocks (600 on every Bitcoin chain).
    public var targetSpacing: Int64
    /// The intended seconds per retarget period (two weeks on mainnet).
    public var targetTimespan: Int64
    /// Blocks between subsidy halvings (210,000 on mainnet, 150 on regtest).
    public var subsidyHalvingInterval: Int
    /// Height from which BIP 34 (height in coinbase, version ≥ 2) applies.
    public var bip34Height: Int
    /// The hash of the block at ``bip34Height`` on the chain where BIP 34 is known to make
    /// BIP 30's duplicate-coinbase check redundant; `nil` enforces BIP 30 everywhere.
    public var bip34Hash: BlockHash?
    /// Regtest and testnet's rule: a block more than two target spacings after its parent
    /// may use the minimum difficulty.
    public var allowMinDifficultyBlocks: Bool
    /// Height from which BIP 66 (strict DER, version ≥ 3) applies.
    public var bip66Height: Int
    /// Height from which BIP 65 (CHECKLOCKTIMEVERIFY, version ≥ 4) applies.
    public var bip65Height: Int
    /// Height from which BIPs 68, 112 and 113 (relative lock times, CSV, median-time lock times) apply.
    public var csvHeight: Int
    /// Height from which segwit (BIPs 141, 143, 147) applies.
    public var segwitHeight: Int
    /// Height from which taproot (BIPs 341, 342) applies.
    public var taprootHeight: Int
    /// Confirmations before a coinbase output can be spent (Core's `COINBASE_MATURITY`).
    public var coinbaseMaturity: Int
    /// The human-readable part of bech32 addresses.
    public var bech32HRP: String
    /// Base58 version byte of P2PKH addresses.
    public var pubkeyAddressPrefix: UInt8
    /// Base58 version byte of P2SH addresses.
    public var scriptAddressPrefix: UInt8
    /// Base58 version byte of WIF private keys.
    public var secretKeyPrefix: UInt8
    /// The four message-start ("magic") bytes of the P2P protocol and of `blk*.dat` files.
    public var messageStart: [UInt8]
    /// Blocks whose duplicate coinbase txids are allowed to overwrite unspent ones (BIP 30's
    /// two historical exceptions on mainnet), by height.
    public var bip30Exceptions: [Int: BlockHash]
    /// Blocks validated with weaker script flags than their height implies (Core's
    /// `script_flag_exceptions`).
    public var scriptFlagExceptions: [BlockHash: ScriptFlags]

    /// Blocks per retarget period.
    public var difficultyAdjustmentInterval: Int { Int(targetTimespan / targetSpacing) }

    /// The hash of the genesis block.
    public var genesisHash: BlockHash { genesisBlock.hash }

    /// The block subsidy at `height`: 50 BTC halved every ``subsidyHalvingInterval`` blocks,
    /// zero after 64 halvings (Core's `GetBlockSubsidy`).
    public func blockSubsidy(height: Int) -> Amount {
        let halvings = height / subsidyHalvingInterval
        guard halvings < 64 else { return .zero }
        return Amount(unchecked: (50 * Amount.coin) >> halvings)
    }

    /// The maximum sigop cost of a block (Core's `MAX_BLOCK_SIGOPS_COST`).
    public static let maxBlockSigOpsCost = 80_000
    /// How far ahead of the node's clock a block's time may be (Core's `MAX_FUTURE_BLOCK_TIME`).
    public static let maxFutureBlockTime: Int64 = 2 * 60 * 60

    /// The script verification flags for a block at `height` (Core's `GetBlockScriptFlags`):
    /// P2SH, WITNESS and TAPROOT always (except the listed exception blocks), DERSIG, CLTV,
    /// CSV and NULLDUMMY from their activation heights.
    public func scriptFlags(height: Int, hash: BlockHash) -> ScriptFlags {
        var flags: ScriptFlags = scriptFlagExceptions[hash] ?? [.p2sh, .witness, .taproot]
        if height >= bip66Height { flags.insert(.derSig) }
        if height >= bip65Height { flags.insert(.checkLockTimeVerify) }
        if height >= csvHeight { flags.insert(.checkSequenceVerify) }
        if height >= segwitHeight { flags.insert(.nullDummy) }
        return flags
    }

    // MARK: The chains

    /// Bitcoin's regression-test chain, as Bitcoin Core defines it.
    public static let regtest: ChainParams = {
        let genesis = makeGenesisBlock(time: 1_296_688_602, nonce: 2, bits: CompactTarget(0x207f_ffff))
        return ChainParams(
            name: "regtest", genesisBlock: genesis,
            powLimit: UInt256(hex: "7fffff0000000000000000000000000000000000000000000000000000000000")!,
            noRetargeting: true, targetSpacing: 600, targetTimespan: 14 * 24 * 60 * 60,
            subsidyHalvingInterval: 150,
            bip34Height: 1, bip34Hash: nil, allowMinDifficultyBlocks: true, bip66Height: 1, bip65Height: 1, csvHeight: 1, segwitHeight: 0, taprootHeight: 0,
            coinbaseMaturity: 100, bech32HRP: "bcrt",
            pubkeyAddressPrefix: 111, scriptAddressPrefix: 196, secretKeyPrefix: 239,
            messageStart: [0xfa, 0xbf, 0xb5, 0xda], bip30Exceptions: [:], scriptFlagExceptions: [:])
    }()

    /// Bitcoin's main chain: enough to validate real mainnet blocks and headers.
    public static let mainnet: ChainParams = {
        let genesis = makeGenesisBlock(time: 1_231_006_505, nonce: 2_083_236_893, bits: CompactTarget(0x1d00_ffff))
        return ChainParams(
            name: "main", genesisBlock: genesis,
            powLimit: UInt256(hex: "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")!,
            noRetargeting: false, targetSpacing: 600, targetTimespan: 14 * 24 * 60 * 60,
            subsidyHalvingInterval: 210_000,
            bip34Height: 227_931,
            bip34Hash: BlockHash("000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8")!,
            allowMinDifficultyBlocks: false, bip66Height: 363_725, bip65Height: 388_381, csvHeight: 419_328,
            segwitHeight: 481_824, taprootHeight: 709_632,
            coinbaseMaturity: 100, bech32HRP: "bc",
            pubkeyAddressPrefix: 0, scriptAddressPrefix: 5, secretKeyPrefix: 128,
            messageStart: [0xf9, 0xbe, 0xb4, 0xd9],
            bip30Exceptions: [
                91_842: BlockHash("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec")!,
                91_880: BlockHash("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721")!,
            ],
            scriptFlagExceptions: [
                // BIP 16 exception: a block that spent a P2SH output invalidly before enforcement.
                BlockHash("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22")!: [],
                // Taproot exception: a block with an invalid taproot spend before activation.
                BlockHash("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad")!: [.p2sh, .witness],
            ])
    }()

    /// A regtest-like chain that retargets: every `retargetInterval` blocks the target moves
    /// toward `targetSpacing` seconds per block (bounded by Bitcoin's factor of four), never
    /// easier than regtest's limit. Its genesis block is regtest's.
    public static func custom(name: String, targetSpacing: Int64 = 600, retargetInterval: Int = 2016) -> ChainParams {
        var params = ChainParams.regtest
        params.name = name
        params.noRetargeting = false
        params.allowMinDifficultyBlocks = false
        params.targetSpacing = max(1, targetSpacing)
        params.targetTimespan = params.targetSpacing * Int64(max(1, retargetInterval))
        return params
    }

    /// Builds a genesis block the way Core's `CreateGenesisBlock` does: one coinbase paying
    /// 50 BTC to Satoshi's key, with The Times headline in its scriptSig.
    static func makeGenesisBlock(time: UInt32, nonce: UInt32, bits: CompactTarget) -> Block {
        let headline = Array("The Times 03/Jan/2009 Chancellor on brink of second bailout for banks".utf8)
        let scriptSig = [0x04, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04, UInt8(headline.count)] + headline
        let satoshiKey = Hex.decode(
            "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f")!
        let coinbase = Transaction(
            version: 1,
            inputs: [TxIn(prevout: .null, scriptSig: Script(scriptSig))],
            outputs: [TxOut(value: Amount(unchecked: 50 * Amount.coin), scriptPubKey: Script([0x41] + satoshiKey + [0xac]))])
        let header = BlockHeader(version: 1, previousBlockHash: .zero, merkleRoot: coinbase.txid.hash,
                                 time: time, bits: bits, nonce: nonce)
        return Block(header: header, transactions: [coinbase])
    }
}
