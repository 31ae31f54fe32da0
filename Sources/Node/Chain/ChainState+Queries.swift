import BitcoinCrypto
import Consensus

/// A block as the block tree knows it (a read-only snapshot of an index entry).
public struct BlockInfo: Sendable, Hashable {
    public let hash: BlockHash
    public let height: Int
    public let header: BlockHeader
    /// Total work of the chain ending at this block.
    public let chainWork: UInt256
    public let status: BlockStatus
    public let transactionCount: Int
    /// The median time past of this block (BIP 113).
    public let medianTimePast: Int64
}

/// Core's `getblockchaininfo`, the parts a simulation uses.
public struct BlockchainInfo: Sendable, Equatable {
    public let chain: String
    /// Height of the active tip.
    public let blocks: Int
    /// Height of the best valid header.
    public let headers: Int
    public let bestBlockHash: BlockHash
    /// Core's difficulty: the genesis-era target divided by the tip's.
    public let difficulty: Double
    public let time: UInt32
    public let medianTime: Int64
    public let chainWork: UInt256
}

/// One entry of Core's `getchaintips`.
public struct ChainTip: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The tip of the active chain.
        case active
        /// A fully validated branch that is not active (it was, before a reorg).
        case validFork = "valid-fork"
        /// Headers valid, data not yet validated (it never led the chain).
        case validHeaders = "valid-headers"
        /// Data for this block or an ancestor is missing.
        case headersOnly = "headers-only"
        /// This block or an ancestor is invalid.
        case invalid
    }
    public let height: Int
    public let hash: BlockHash
    /// Blocks from the fork with the active chain (0 for the active tip).
    public let branchLength: Int
    public let status: Status

    public init(height: Int, hash: BlockHash, branchLength: Int, status: Status) {
        self.height = height
        self.hash = hash
        self.branchLength = branchLength
        self.status = status
    }
}

/// Core's `gettxoutsetinfo`.
public struct UTXOStatistics: Sendable, Equatable {
    public let height: Int
    public let bestBlock: BlockHash
    /// Transactions with at least one unspent output.
    public let transactions: Int
    /// Unspent outputs.
    public let outputs: Int
    public let totalAmount: Amount
    /// Core's `hash_serialized_3`: HASH256 of every coin as outpoint, height × 2 + coinbase
    /// (uint32) and output, in outpoint order.
    public let hashSerialized: Hash256
}

extension BlockIndex {
    var info: BlockInfo {
        BlockInfo(hash: hash, height: height, header: header, chainWork: chainWork, status: status,
                  transactionCount: transactionCount, medianTimePast: medianTimePast)
    }
}

extension ChainState {
    /// The active chain's tip.
    public var tip: BlockInfo { tipIndex.info }
    /// The active tip's hash (cheaper than ``tip`` on hot paths).
    public var tipHash: BlockHash { tipIndex.hash }
    /// The active tip's index entry (the chain always holds genesis).
    var tipIndex: BlockIndex { chain.tip! }
    /// The active chain's height.
    public var height: Int { chain.height }
    /// The median time past of the tip: the lower bound for the next block's time.
    public var medianTimePast: Int64 { tipIndex.medianTimePast }
    /// Blocks waiting for an unknown parent.
    public var orphanCount: Int { orphans.count }
    /// The best valid header's block, which may be ahead of the tip during sync.
    public var bestHeaderInfo: BlockInfo { bestHeader.info }

    /// The median time past of the active chain's block at `height` (0 above the tip).
    public func medianTimePast(atHeight height: Int) -> Int64 { chain[height]?.medianTimePast ?? 0 }

    /// What the block tree knows about `hash`, or `nil`.
    public func info(for hash: BlockHash) -> BlockInfo? { index[hash]?.info }

    /// True when `entry` is in the active chain.
    func isActive(_ entry: BlockIndex) -> Bool { chain.contains(entry) }

    /// True when `hash` is in the active chain.
    public func isActive(_ hash: BlockHash) -> Bool { index[hash].map(chain.contains) ?? false }

    /// True when `ancestor` is `descendant` or one of its ancestors (both must be known).
    public func isAncestor(_ ancestor: BlockHash, of descendant: BlockHash) -> Bool {
        guard let a = index[ancestor], let d = index[descendant] else { return false }
        return d.descends(from: a)
    }

    /// The blocks on the way to `hash` whose data this node lacks, oldest first, at most
    /// `limit` (Core's `FindNextBlocksToDownload`). Empty when `hash` is unknown or invalid.
    public func blocksToDownload(toward hash: BlockHash, limit: Int) -> [BlockHash] {
        guard var walk = index[hash], !walk.status.isInvalid else { return [] }
        var missing = [BlockHash]()
        while !walk.status.contains(.haveData) {
            missing.append(walk.hash)
            guard let parent = walk.parent else { break }
            walk = parent
        }
        return Array(missing.reversed().prefix(limit))
    }

    /// The hash of the active chain's block at `height`.
    public func hash(atHeight height: Int) -> BlockHash? { chain[height]?.hash }

    /// Confirmations of block `hash`: 1 for the tip, more for ancestors, 0 when not active.
    public func confirmations(of hash: BlockHash) -> Int {
        guard let entry = index[hash], chain.contains(entry) else { return 0 }
        return chain.height - entry.height + 1
    }

    /// The stored block `hash`, or `nil` when unknown or without data.
    public func block(_ hash: BlockHash) throws(ChainStateError) -> Block? {
        guard let entry = index[hash], entry.status.contains(.haveData) else { return nil }
        return try loadBlock(entry)
    }

    /// The active chain's block at `height`.
    public func block(atHeight height: Int) throws(ChainStateError) -> Block? {
        guard let entry = chain[height] else { return nil }
        return try loadBlock(entry)
    }

    /// The unspent coin at `outpoint` in the active chain's UTXO set.
    public func coin(_ outpoint: OutPoint) throws(ChainStateError) -> Coin? { try coins.coin(outpoint) }

    /// A transaction of the active chain and its block (needs ``ChainOptions/transactionIndex``).
    public func transaction(_ txid: Txid) throws(ChainStateError) -> (transaction: Transaction, block: BlockInfo)? {
        guard let hashBytes = try read(ChainDatabase.key(.transaction, txid.hash)),
              let hash = Hash256(bytes: hashBytes), let entry = index[BlockHash(hash)], chain.contains(entry) else { return nil }
        let block = try loadBlock(entry)
        guard let transaction = block.transactions.first(where: { $0.txid == txid }) else { return nil }
        return (transaction, entry.info)
    }

    /// Core's `getblockchaininfo`.
    public func blockchainInfo() -> BlockchainInfo {
        let tip = chain.tip!
        return BlockchainInfo(chain: params.name, blocks: tip.height, headers: bestHeader.height, bestBlockHash: tip.hash,
                              difficulty: Self.difficulty(tip.header.bits), time: tip.header.time,
                              medianTime: tip.medianTimePast, chainWork: tip.chainWork)
    }

    /// Core's `GetDifficulty`: how many times harder than a target of 0x1d00ffff.
    public static func difficulty(_ bits: CompactTarget) -> Double {
        var shift = Int(bits.bits >> 24) & 0xff
        var value = Double(0x0000_ffff) / Double(bits.bits & 0x00ff_ffff)
        while shift < 29 { value *= 256; shift += 1 }
        while shift > 29 { value /= 256; shift -= 1 }
        return value
    }

    /// Core's `getchaintips`: every leaf of the block tree plus the active tip, most recent
    /// (highest) first.
    public func chainTips() -> [ChainTip] {
        var hasChild = Set<BlockHash>()
        for entry in index.values { if let parent = entry.parent { hasChild.insert(parent.hash) } }
        let tip = chain.tip!
        var leaves = index.values.filter { !hasChild.contains($0.hash) }
        if !leaves.contains(where: { $0 === tip }) { leaves.append(tip) }
        return leaves.map { entry in
            let fork = chain.findFork(entry)
            let status: ChainTip.Status
            if chain.contains(entry) {
                status = .active
            } else if entry.status.isInvalid {
                status = .invalid
            } else if !entry.chainDataComplete {
                status = .headersOnly
            } else if entry.status.contains(.fullyValid) {
                status = .validFork
            } else {
                status = .validHeaders
            }
            return ChainTip(height: entry.height, hash: entry.hash, branchLength: entry.height - (fork?.height ?? 0), status: status)
        }.sorted { $0.height != $1.height ? $0.height > $1.height : $0.hash < $1.hash }
    }

    /// Core's `gettxoutsetinfo`, computed from the database after a flush.
    public func utxoStatistics() throws(ChainStateError) -> UTXOStatistics {
        try flush()
        var outputs = 0
        var transactions = 0
        var total: Int64 = 0
        var lastTxid: Txid?
        var hasher = SHA256()
        var failure: ChainStateError?
        do {
            try store.scan(prefix: ChainDatabase.key(.coin)) { key, value in
                guard let outpoint = ChainDatabase.outpoint(fromCoinKey: key), let coin = try? ChainDatabase.decodeCoin(value) else {
                    failure = .corrupt(path: store.path, what: "coin entry \(Hex.encode(key))")
                    return false
                }
                outputs += 1
                if outpoint.txid != lastTxid { transactions += 1 }
                lastTxid = outpoint.txid
                total += coin.output.value.satoshis
                var writer = ByteWriter(capacity: 80)
                outpoint.encode(to: &writer)
                writer.write(UInt32(coin.height) << 1 | (coin.isCoinbase ? 1 : 0))
                coin.output.encode(to: &writer)
                hasher.update(writer.bytes)
                return true
            }
        } catch { throw .storage(error) }
        if let failure { throw failure }
        let tip = chain.tip!
        return UTXOStatistics(height: tip.height, bestBlock: tip.hash, transactions: transactions, outputs: outputs,
                              totalAmount: Amount(unchecked: total), hashSerialized: hasher.finalize().sha256)
    }

    /// The bits a block on top of the tip with time `time` must carry.
    public func nextBits(blockTime time: UInt32) -> CompactTarget {
        nextWorkRequired(after: chain.tip!, blockTime: time)
    }

    /// The bits a block on top of `parent` with time `time` must carry, or `nil` for an
    /// unknown parent.
    public func nextBits(after parent: BlockHash, blockTime time: UInt32) -> CompactTarget? {
        index[parent].map { nextWorkRequired(after: $0, blockTime: time) }
    }

    /// A block locator for the active chain (Core's `GetLocator`): the last ten blocks, then
    /// exponentially sparser, ending at genesis.
    public func locator() -> [BlockHash] {
        var hashes = [BlockHash]()
        var step = 1
        var height = chain.height
        while height > 0 {
            hashes.append(chain[height]!.hash)
            if hashes.count >= 10 { step *= 2 }
            height -= step
        }
        hashes.append(chain[0]!.hash)
        return hashes
    }

    /// Headers of the active chain after the first locator hash found in it (Core's answer to
    /// `getheaders`), up to `limit` and stopping at `stop`.
    public func headers(after locator: [BlockHash], stop: BlockHash?, limit: Int = 2000) -> [BlockHeader] {
        let start = locator.lazy.compactMap { self.index[$0] }.first { self.chain.contains($0) } ?? chain[0]!
        var result = [BlockHeader]()
        var height = start.height + 1
        while result.count < limit, let entry = chain[height] {
            result.append(entry.header)
            if entry.hash == stop { break }
            height += 1
        }
        return result
    }
}
