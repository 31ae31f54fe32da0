import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

enum StoreKind: String, CaseIterable, Sendable { case leveldb, memory }

/// Keys the tests pay to and spend from.
enum TestKeys {
    static let miner = PrivateKey(bytes: [UInt8](repeating: 0x11, count: 32))!
    static let alice = PrivateKey(bytes: [UInt8](repeating: 0x22, count: 32))!
    static func p2wpkh(_ key: PrivateKey) -> Script {
        Address.witness(version: 0, program: key.publicKey().hash160).scriptPubKey
    }
    static var minerScript: Script { p2wpkh(miner) }
}

/// A regtest chain state in a temporary directory (or memory), with helpers to build and
/// submit real blocks.
final class TestChain {
    static let now: Int64 = 2_000_000_000
    let params = ChainParams.regtest
    let kind: StoreKind
    let options: ChainOptions
    let directory = TemporaryDirectory("chain")
    private(set) var store: (any KeyValueStore)!
    private(set) var chain: ChainState!
    private var nextTag = 0

    /// Test chains keep a transaction index, so lookups by txid are exercised too.
    static var defaultOptions: ChainOptions {
        var options = ChainOptions()
        options.transactionIndex = true
        return options
    }

    init(_ kind: StoreKind = .leveldb, options: ChainOptions = TestChain.defaultOptions) throws {
        self.kind = kind
        self.options = options
        store = try TestChain.openStore(kind, directory: directory)
        chain = try ChainState(store: store, params: params, options: options)
    }

    /// A chain state on `store`, which the caller reopens itself if it needs to.
    init(store: any KeyValueStore, options: ChainOptions = TestChain.defaultOptions) throws {
        kind = .memory
        self.options = options
        self.store = store
        chain = try ChainState(store: store, params: params, options: options)
    }

    static func openStore(_ kind: StoreKind, directory: TemporaryDirectory) throws -> any KeyValueStore {
        switch kind {
        case .leveldb: return try LevelDBStore(path: directory.path("chainstate"))
        case .memory: return MemoryStore(label: directory.path("chainstate"))
        }
    }

    /// Closes the chain state and opens it again from its database.
    func reopen() throws {
        try chain.close()
        try openAgain()
    }

    /// Drops the chain state without flushing anything, as a killed process would, and
    /// opens the database again.
    func simulateCrash() throws {
        chain = nil
        if !(store is MemoryStore) { store = nil }  // releasing the LevelDB store closes it
        try openAgain()
    }

    private func openAgain() throws {
        if let memory = store as? MemoryStore {
            memory.reopen()
        } else {
            store = try TestChain.openStore(kind, directory: directory)
        }
        chain = try ChainState(store: store, params: params, options: options)
    }

    /// A valid block on `parent` (the tip by default): coinbase paying the subsidy to the
    /// miner, the given transactions, time 10 minutes after the parent.
    func makeBlock(on parent: BlockHash? = nil, transactions: [Transaction] = [], coinbaseValue: Amount? = nil,
                   time: UInt32? = nil, coinbaseHeight: Int? = nil) throws -> Block {
        let parentHash = parent ?? chain.tip.hash
        let parentInfo = try unwrap(chain.info(for: parentHash), "parent \(parentHash)")
        let height = parentInfo.height + 1
        let blockTime = time ?? parentInfo.header.time + 600
        nextTag += 1
        return BlockBuilder.makeBlock(
            parent: parentHash, height: coinbaseHeight ?? height, time: blockTime,
            bits: try unwrap(chain.nextBits(after: parentHash, blockTime: blockTime)),
            transactions: transactions, coinbaseScript: TestKeys.minerScript,
            coinbaseValue: coinbaseValue ?? params.blockSubsidy(height: height), tag: Array("t\(nextTag)".utf8)).block
    }

    @discardableResult
    func submit(_ block: Block) throws -> BlockProcessingResult {
        try chain.processBlock(block, now: TestChain.now)
    }

    /// Mines `count` blocks on `parent` (the tip by default), each on the previous one.
    @discardableResult
    func mine(_ count: Int, on parent: BlockHash? = nil) throws -> [Block] {
        var blocks = [Block]()
        var parentHash = parent ?? chain.tip.hash
        for _ in 0..<count {
            let block = try makeBlock(on: parentHash)
            let result = try submit(block)
            #expect(result.acceptance == .accepted, "block \(blocks.count) was \(result.acceptance)")
            blocks.append(block)
            parentHash = block.hash
        }
        return blocks
    }

    /// A signed spend of output `index` of `transaction` (paying the miner key), sending
    /// its value less `fee` to `script`.
    static func spend(_ transaction: Transaction, index: Int = 0, fee: Int64 = 10_000, to script: Script = TestKeys.p2wpkh(TestKeys.alice),
                      sequence: UInt32 = TxIn.sequenceFinal) -> Transaction {
        let output = transaction.outputs[index]
        let unsigned = MutableTransaction(
            version: 2, inputs: [TxIn(prevout: OutPoint(txid: transaction.txid, index: UInt32(index)), sequence: sequence)],
            outputs: [TxOut(value: Amount(unchecked: output.value.satoshis - fee), scriptPubKey: script)])
        return TransactionSigner.sign(unsigned, spentOutputs: [output], keys: [.p2wpkh(TestKeys.miner)])
    }
}

/// The UTXO set computed independently of the chain state: by replaying blocks.
struct ReplayedUTXOSet {
    private(set) var coins: [OutPoint: Coin] = [:]

    /// Applies a block at `height` (outputs of OP_RETURN scripts never enter the set).
    mutating func apply(_ block: Block, height: Int) {
        for transaction in block.transactions {
            if !transaction.isCoinbase {
                for input in transaction.inputs { coins[input.prevout] = nil }
            }
            for (index, output) in transaction.outputs.enumerated() where !(output.scriptPubKey.bytes.first == 0x6a) {
                coins[OutPoint(txid: transaction.txid, index: UInt32(index))] = Coin(output: output, height: height, isCoinbase: transaction.isCoinbase)
            }
        }
    }

    var totalAmount: Int64 { coins.values.reduce(0) { $0 + $1.output.value.satoshis } }

    /// Core's `hash_serialized_3`, computed here without the chain state's code.
    var hashSerialized: Hash256 {
        var hasher = SHA256()
        for (outpoint, coin) in coins.sorted(by: { $0.key.txid.hash.bytes.lexicographicallyPrecedes($1.key.txid.hash.bytes) || ($0.key.txid == $1.key.txid && $0.key.index < $1.key.index) }) {
            var writer = ByteWriter()
            outpoint.encode(to: &writer)
            writer.write(UInt32(coin.height * 2 + (coin.isCoinbase ? 1 : 0)))
            coin.output.encode(to: &writer)
            hasher.update(writer.bytes)
        }
        return hasher.finalize().sha256
    }

    /// Replays the active chain of `chain` from genesis (genesis outputs are never spendable).
    static func replay(_ chain: ChainState) throws -> ReplayedUTXOSet {
        var set = ReplayedUTXOSet()
        for height in stride(from: 1, through: chain.height, by: 1) {
            set.apply(try unwrap(try chain.block(atHeight: height), "block \(height)"), height: height)
        }
        return set
    }

    /// Checks the chain state's statistics against the replay.
    func expectMatches(_ statistics: UTXOStatistics, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(statistics.outputs == coins.count, sourceLocation: sourceLocation)
        #expect(statistics.totalAmount.satoshis == totalAmount, sourceLocation: sourceLocation)
        #expect(statistics.transactions == Set(coins.keys.map(\.txid)).count, sourceLocation: sourceLocation)
        #expect(statistics.hashSerialized == hashSerialized, sourceLocation: sourceLocation)
    }
}

/// A store that records the batches written through it, for tests of what a chain state
/// writes when.
final class RecordingStore: KeyValueStore {
    let base: any KeyValueStore
    private(set) var batches: [WriteBatch] = []

    init(_ base: any KeyValueStore) { self.base = base }

    func forget() { batches = [] }

    var path: String { base.path }
    func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? { try base.get(key) }
    func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) { try base.scan(prefix: prefix, body) }
    func put(_ key: [UInt8], _ value: [UInt8]) throws(StorageError) {
        var batch = WriteBatch()
        batch.put(key, value)
        try write(batch)
    }
    func delete(_ key: [UInt8]) throws(StorageError) {
        var batch = WriteBatch()
        batch.delete(key)
        try write(batch)
    }
    func write(_ batch: consuming WriteBatch) throws(StorageError) {
        batches.append(copy batch)
        try base.write(batch)
    }
    func snapshot() throws(StorageError) -> any KeyValueReader { try base.snapshot() }
    func close() { base.close() }
}
