import BitcoinCrypto
import Consensus

/// A node's chain: its block tree, active chain and UTXO set, persisted in a key-value store
/// (Core's `Chainstate` and `ChainstateManager`).
///
/// The chain state accepts headers and blocks in any order, validates them with Bitcoin
/// Core's rules and reject strings, and keeps the active chain on the valid chain with the
/// most cumulative work (the first seen wins ties). Every block connect or disconnect is
/// written in one atomic batch — a block connected as soon as it arrives goes in the same
/// batch as its data — so a crash at any point leaves a consistent database, and whatever a
/// call stored is on disk when it returns; see ``ChainOptions/flushInterval`` for batched
/// coin writes. It is driven by calls and reads no clock: callers pass the current time.
public final class ChainState {
    /// First, so that it shares the object's first cache line (see ``PeerManager/cacheLines``):
    /// nearly every message a node gets looks a block up here.
    var index = BlockMap()
    public let params: ChainParams
    public let options: ChainOptions
    let store: any KeyValueStore
    let verifier: TransactionVerifier
    /// Header records, shared with the other chain states of a simulation.
    let headers: HeaderCache

    var chain = ActiveChain()
    let coins: UTXOCache
    var bestHeader: BlockIndex
    /// Blocks that could become the tip: data complete, not invalid.
    var candidates: [BlockHash: BlockIndex] = [:]
    /// Blocks with data whose ancestors' data is not all stored yet, by parent hash.
    var unlinked: [BlockHash: [BlockIndex]] = [:]
    var orphans = OrphanBlocks()
    var recentBlocks = RecentBlocks()
    var nextSequenceId: Int64 = 1
    /// Decreasing ids given by ``preciousBlock(_:)`` (in memory only, as in Core).
    var nextPreciousSequenceId: Int64 = -1
    var blocksSinceFlush = 0
    /// Writes held back for the next batch: a stored block's data, and index entries whose
    /// record changed (Core's `m_dirty_blockindex`). A block connected as soon as it is
    /// stored then costs one batch and one index record instead of two of each.
    var pendingWrites = WriteBatch()
    var dirtyEntries: [BlockIndex] = []
    /// An emptied table of coin changes kept from one connected or disconnected block for
    /// the next (``CoinsViewOverlay/takeEmptiedTable()``).
    var spareCoinTable: [OutPoint: Coin?]?

    /// Opens the chain state stored in `store`, creating it with the genesis block of
    /// `params` when the store is empty, and replays any blocks whose coins were not
    /// flushed before the last shutdown or crash.
    ///
    /// - Parameters:
    ///   - store: the node's database.
    ///   - params: the chain's consensus parameters.
    ///   - options: cache and flush settings.
    ///   - verifier: script verification with caches shared across nodes.
    ///   - headers: header records shared across nodes used on the same thread.
    /// - Throws: ``ChainStateError`` for a failing, corrupt or foreign database.
    public init(store: any KeyValueStore, params: ChainParams, options: ChainOptions = ChainOptions(),
                verifier: TransactionVerifier = TransactionVerifier(), headers: HeaderCache = HeaderCache()) throws(ChainStateError) {
        self.store = store
        self.headers = headers
        self.params = params
        self.options = options
        self.verifier = verifier
        coins = UTXOCache(store: store, cleanLimit: options.coinCacheLimit)
        let genesis = BlockIndex(header: params.genesisBlock.header, parent: nil,
                                 status: [.validHeader, .haveData, .fullyValid], headers: headers)
        bestHeader = genesis
        recentBlocks.limit = options.recentBlockLimit
        if try read(ChainDatabase.key(.version)) == nil {
            try initialize(genesis)
        } else {
            try load()
        }
        // Connect whatever the database holds beyond the flushed coins (a crash, or blocks
        // stored but not yet connected).
        _ = try activateBestChain()
    }

    /// Writes a new database holding only the genesis block.
    private func initialize(_ genesis: BlockIndex) throws(ChainStateError) {
        var existing = false
        do {
            try store.scan(prefix: []) { _, _ in
                existing = true
                return false
            }
        } catch { throw .storage(error) }
        if existing { throw .corrupt(path: store.path, what: "data without a format version") }
        genesis.sequenceId = 0
        genesis.transactionCount = params.genesisBlock.transactions.count
        genesis.chainDataComplete = true
        index.insert(genesis)
        candidates[genesis.hash] = genesis
        chain.setTip(genesis)
        var batch = WriteBatch()
        batch.put(ChainDatabase.key(.version), ChainDatabase.formatVersion)
        batch.put(genesis.record.blockKey, params.genesisBlock.serialized)
        batch.put(genesis.record.indexKey, ChainDatabase.encode(genesis))
        batch.put(ChainDatabase.key(.coinsTip), genesis.record.hashBytes)
        try write(batch)
    }

    /// Rebuilds the block tree from the stored index entries and sets the tip to the block
    /// the stored coins correspond to.
    private func load() throws(ChainStateError) {
        guard try read(ChainDatabase.key(.version)) == ChainDatabase.formatVersion else {
            throw .corrupt(path: store.path, what: "unknown format version")
        }
        var records = [ChainDatabase.IndexRecord]()
        var failure: ChainStateError?
        do {
            try store.scan(prefix: ChainDatabase.key(.index)) { key, value in
                do {
                    // A copy of a prepared chain finds its headers in the shared records.
                    var keyReader = ByteReader(key)
                    let hash = key.count == 33 ? (try? keyReader.readUInt8()).flatMap { _ in try? keyReader.readHash256() } : nil
                    let expected = hash.flatMap { headers.knownHeader(BlockHash($0)) }
                    records.append(try ChainDatabase.decodeIndexRecord(value, expected: expected))
                    return true
                } catch {
                    failure = .corrupt(path: store.path, what: "index entry \(Hex.encode(key)): \(error)")
                    return false
                }
            }
        } catch { throw .storage(error) }
        if let failure { throw failure }
        // Parents before children; sorting positions moves less than sorting the records.
        let order = records.indices.sorted { records[$0].height < records[$1].height }
        guard let first = order.first.map({ records[$0] }), first.height == 0 else {
            throw .corrupt(path: store.path, what: "no genesis block in the index")
        }
        guard first.header.hash == params.genesisHash else {
            throw .wrongChain(path: store.path, expectedGenesis: params.genesisHash, foundGenesis: first.header.hash)
        }
        index.reserveCapacity(records.count)
        for position in order {
            let record = records[position]
            let parent = record.height == 0 ? nil : index[record.header.previousBlockHash]
            if record.height > 0 && parent == nil {
                throw .corrupt(path: store.path, what: "block \(record.header.hash) has no parent in the index")
            }
            let entry = BlockIndex(header: record.header, parent: parent, status: record.status, headers: headers)
            guard entry.height == record.height else {
                throw .corrupt(path: store.path, what: "block \(record.header.hash) stored at the wrong height")
            }
            entry.sequenceId = record.sequenceId
            entry.transactionCount = record.transactionCount
            entry.chainDataComplete = entry.status.contains(.haveData) && (parent?.chainDataComplete ?? true)
            index.insert(entry)
            nextSequenceId = max(nextSequenceId, record.sequenceId + 1)
            if entry.status.contains(.haveData) && !entry.chainDataComplete, let parent {
                unlinked[parent.hash, default: []].append(entry)
            }
            if !entry.status.isInvalid && entry.status.contains(.validHeader) && isBetterHeader(entry, than: bestHeader) {
                bestHeader = entry
            }
        }
        guard let coinsTipBytes = try read(ChainDatabase.key(.coinsTip)),
              let coinsTipHash = Hash256(bytes: coinsTipBytes), let coinsTip = index[BlockHash(coinsTipHash)] else {
            throw .corrupt(path: store.path, what: "the coins' best block is missing from the index")
        }
        chain.setTip(coinsTip)
        rebuildCandidates()
    }

    /// The store the chain state lives in.
    public var database: any KeyValueStore { store }

    /// Writes any coins not yet flushed and releases the store. The chain state must not be
    /// used afterwards.
    public func close() throws(ChainStateError) {
        try flush()
        store.close()
    }

    /// Writes the UTXO cache's changes and the coins' best block.
    public func flush() throws(ChainStateError) {
        guard let tip = chain.tip else { return }
        var batch = makeBatch()
        addFlush(to: &batch, tip: tip)
        try write(consume batch)
    }

    // MARK: Store access

    func read(_ key: [UInt8]) throws(ChainStateError) -> [UInt8]? {
        // Reads see every write, held back or not.
        try writePending()
        do { return try store.get(key) } catch { throw .storage(error) }
    }

    /// Records that `entry`'s stored record must be rewritten with the next batch. A record
    /// listed twice is written twice, harmlessly; the common repeat — a block stored, then
    /// connected — is caught by looking at the last one only.
    func markDirty(_ entry: BlockIndex) {
        if dirtyEntries.last !== entry { dirtyEntries.append(entry) }
    }

    var hasPendingWrites: Bool { !pendingWrites.isEmpty || !dirtyEntries.isEmpty }

    /// Asks the cache for the state that accepting and connecting a block updates first, for
    /// a caller with other work to do before it submits the block: the tables its storage
    /// updates, and the coins cache and the store, whose own tables ``activateBestChain()``
    /// asks for once their objects are in. In a simulation of thousands of nodes a node's
    /// state has left the cache by its next block; a hint changes no result.
    func prefetchForBlock() {
        CacheHint.prefetch(storageOf: &dirtyEntries)
        CacheHint.prefetch(storageOf: &candidates, lines: 2)
        recentBlocks.prefetchTables()
        CacheHint.prefetch(CacheHint.address(of: coins))
        CacheHint.prefetch(CacheHint.address(of: store))
    }

    /// A batch that starts with the writes held back so far, index records encoded as they
    /// are now; the caller adds its own and writes it.
    func makeBatch(capacity: Int = 0) -> WriteBatch {
        var batch = pendingWrites
        pendingWrites = WriteBatch()
        batch.reserveCapacity(batch.count + dirtyEntries.count + capacity)
        for entry in dirtyEntries { batch.put(entry.record.indexKey, ChainDatabase.encode(entry)) }
        dirtyEntries.removeAll(keepingCapacity: true)
        return batch
    }

    /// Writes whatever is held back (the end of every public call that changes the chain).
    func writePending() throws(ChainStateError) {
        if hasPendingWrites { try write(makeBatch()) }
    }

    func write(_ batch: consuming WriteBatch) throws(ChainStateError) {
        do {
            try store.write(consume batch)
        } catch {
            // The database did not change: forget in-memory coin changes it does not hold.
            coins.discardChanges()
            throw .storage(error)
        }
    }

    /// The block with `hash`, from memory or the database.
    func loadBlock(_ entry: BlockIndex) throws(ChainStateError) -> Block {
        if let block = recentBlocks[entry.hash] { return block }
        guard let bytes = try read(entry.record.blockKey) else {
            throw .corrupt(path: store.path, what: "data of block \(entry.hash) is missing")
        }
        do {
            let block = try Block(bytes: bytes)
            guard block.hash == entry.hash else {
                throw ChainStateError.corrupt(path: store.path, what: "stored data of block \(entry.hash) hashes to \(block.hash)")
            }
            recentBlocks.insert(block)
            return block
        } catch let error as ChainStateError {
            throw error
        } catch {
            throw .corrupt(path: store.path, what: "data of block \(entry.hash): \(error)")
        }
    }

    // MARK: Tip selection

    /// Core's `CBlockIndexWorkComparator`: more work wins, then the earlier arrival, then the
    /// lower hash (deterministic where Core compares pointers).
    func isBetter(_ a: BlockIndex, than b: BlockIndex) -> Bool {
        if a.chainWork != b.chainWork { return a.chainWork > b.chainWork }
        if a.sequenceId != b.sequenceId { return a.sequenceId < b.sequenceId }
        return a.hash < b.hash
    }

    func isBetterHeader(_ a: BlockIndex, than b: BlockIndex) -> Bool {
        a.chainWork > b.chainWork
    }

    /// Recomputes the candidate tips from the whole index (after invalidation or loading).
    func rebuildCandidates() {
        candidates.removeAll()
        guard let tip = chain.tip else { return }
        for entry in index.values where entry.chainDataComplete && !entry.status.isInvalid
            && (entry === tip || !isBetter(tip, than: entry)) {
            candidates[entry.hash] = entry
        }
    }
}

/// Blocks whose parent is not known yet, bounded, oldest dropped first.
struct OrphanBlocks {
    private(set) var byParent: [BlockHash: [Block]] = [:]
    private var order: [BlockHash] = []
    private var hashes = Set<BlockHash>()

    var count: Int { hashes.count }

    func contains(_ hash: BlockHash) -> Bool { hashes.contains(hash) }

    mutating func add(_ block: Block, limit: Int) {
        guard !hashes.contains(block.hash) else { return }
        byParent[block.header.previousBlockHash, default: []].append(block)
        order.append(block.hash)
        hashes.insert(block.hash)
        while hashes.count > limit, let oldest = order.first {
            order.removeFirst()
            hashes.remove(oldest)
            for (parent, blocks) in byParent {
                let kept = blocks.filter { $0.hash != oldest }
                byParent[parent] = kept.isEmpty ? nil : kept
            }
        }
    }

    /// Removes and returns the orphans waiting for `parent`.
    mutating func take(childrenOf parent: BlockHash) -> [Block] {
        guard let children = byParent.removeValue(forKey: parent) else { return [] }
        for child in children { hashes.remove(child.hash) }
        order.removeAll { hash in children.contains { $0.hash == hash } }
        return children
    }
}

/// Decoded blocks kept for reuse, oldest dropped first.
struct RecentBlocks {
    var limit = 64
    private var blocks: [BlockHash: Block] = [:]
    /// Hashes in insertion order; once `limit` are held, a ring whose oldest slot is reused.
    private var order: [BlockHash] = []
    private var oldest = 0

    /// Asks the cache for the tables an insertion reads first (see ``CacheHint``).
    mutating func prefetchTables() {
        CacheHint.prefetch(storageOf: &blocks, lines: 2)
        CacheHint.prefetch(storageOf: &order)
    }

    subscript(hash: BlockHash) -> Block? { blocks[hash] }

    mutating func insert(_ block: Block) {
        guard limit > 0, blocks.updateValue(block, forKey: block.hash) == nil else { return }
        if order.count < limit {
            order.append(block.hash)
            return
        }
        blocks[order[oldest]] = nil
        order[oldest] = block.hash
        oldest = (oldest + 1) % order.count
    }
}
