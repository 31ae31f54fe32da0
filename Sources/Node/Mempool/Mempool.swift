import Consensus

/// The transactions a node has accepted but not yet seen in a block (Core's `CTxMemPool`).
///
/// Transactions are checked against the UTXO set and each other with Bitcoin Core's
/// consensus and policy rules; conflicts are resolved first-seen or by fee (RBF); each
/// entry tracks its unconfirmed ancestors and descendants so miners can select by
/// ancestor fee rate. Driven by calls; time is handed in.
public final class Mempool {
    /// A transaction in the mempool with its fee and package statistics.
    public struct Entry: Sendable {
        public let transaction: Transaction
        public let fee: Amount
        public let virtualSize: Int
        /// When it was accepted (Unix seconds, the caller's clock).
        public let time: Int64
        /// The chain height when it was accepted.
        public let height: Int
        /// Acceptance order, for deterministic ties.
        public let sequence: UInt64
        public let sigOpCost: Int
        /// In-mempool transactions it spends, and that spend it.
        public internal(set) var parents: Set<Txid> = []
        public internal(set) var children: Set<Txid> = []
        /// Package statistics, itself included (Core's `GetCountWithAncestors` and friends).
        public internal(set) var ancestorCount = 1
        public internal(set) var ancestorSize: Int
        public internal(set) var ancestorFees: Amount
        public internal(set) var descendantCount = 1
        public internal(set) var descendantSize: Int
        public internal(set) var descendantFees: Amount

        init(transaction: Transaction, fee: Amount, time: Int64, height: Int, sequence: UInt64, sigOpCost: Int) {
            self.transaction = transaction
            self.fee = fee
            virtualSize = transaction.virtualSize
            self.time = time
            self.height = height
            self.sequence = sequence
            self.sigOpCost = sigOpCost
            ancestorSize = virtualSize
            ancestorFees = fee
            descendantSize = virtualSize
            descendantFees = fee
        }

        public var txid: Txid { transaction.txid }
        public var feeRate: FeeRate { FeeRate(fee: fee, virtualSize: virtualSize) }
        public var ancestorFeeRate: FeeRate { FeeRate(fee: ancestorFees, virtualSize: ancestorSize) }
    }

    public let options: MempoolOptions
    let chain: ChainState
    let verifier: TransactionVerifier
    public internal(set) var entries: [Txid: Entry] = [:]
    /// Which mempool transaction spends each outpoint (Core's `mapNextTx`).
    var spentBy: [OutPoint: Txid] = [:]
    public internal(set) var totalVirtualSize = 0
    var nextSequence: UInt64 = 0
    var orphans = TransactionOrphanage()
    /// The fee rate evictions for size raised the entry bar to, and when (Core's rolling minimum fee).
    var rollingMinimumFee: (rate: FeeRate, time: Int64) = (.zero, 0)

    /// The height coins created by unconfirmed transactions are treated as having.
    static let mempoolHeight = 0x7fff_ffff

    /// A mempool over `chain`, verifying scripts with `verifier` (whose caches the node shares).
    public init(chain: ChainState, options: MempoolOptions = MempoolOptions(), verifier: TransactionVerifier) {
        self.chain = chain
        self.options = options
        self.verifier = verifier
    }

    // MARK: Queries

    /// The number of transactions.
    public var count: Int { entries.count }
    /// True when `txid` is in the mempool.
    public func contains(_ txid: Txid) -> Bool { entries[txid] != nil }
    /// The transaction `txid`, if in the mempool.
    public func transaction(_ txid: Txid) -> Transaction? { entries[txid]?.transaction }
    /// The mempool transaction spending `outpoint`, if any.
    public func spender(of outpoint: OutPoint) -> Txid? { spentBy[outpoint] }
    /// Transactions waiting for missing parents.
    public var orphanCount: Int { orphans.count }

    /// Every transaction, in acceptance order.
    public var transactions: [Transaction] {
        entries.values.sorted { $0.sequence < $1.sequence }.map(\.transaction)
    }

    /// The in-mempool ancestors of the transaction spending `inputs`' parents, by BFS.
    func ancestors(ofParents parents: Set<Txid>) -> Set<Txid> {
        var result = Set<Txid>()
        var queue = Array(parents)
        while let next = queue.popLast() {
            guard result.insert(next).inserted, let entry = entries[next] else { continue }
            queue += entry.parents
        }
        return result
    }

    /// `txid` and its in-mempool descendants.
    func descendants(of txid: Txid) -> Set<Txid> {
        var result = Set<Txid>()
        var queue = [txid]
        while let next = queue.popLast() {
            guard result.insert(next).inserted, let entry = entries[next] else { continue }
            queue += entry.children
        }
        return result
    }

    // MARK: Adding and removing

    /// Adds an entry that passed every check, linking it to its parents and updating the
    /// package statistics of its ancestors.
    func add(_ entry: Entry) {
        var entry = entry
        let txid = entry.txid
        for input in entry.transaction.inputs {
            spentBy[input.prevout] = txid
            if entries[input.prevout.txid] != nil { entry.parents.insert(input.prevout.txid) }
        }
        let ancestors = ancestors(ofParents: entry.parents)
        entry.ancestorCount = 1 + ancestors.count
        for ancestor in ancestors {
            guard var stats = entries[ancestor] else { continue }
            entry.ancestorSize += stats.virtualSize
            entry.ancestorFees = Amount(unchecked: entry.ancestorFees.satoshis + stats.fee.satoshis)
            stats.descendantCount += 1
            stats.descendantSize += entry.virtualSize
            stats.descendantFees = Amount(unchecked: stats.descendantFees.satoshis + entry.fee.satoshis)
            if entry.parents.contains(ancestor) { stats.children.insert(txid) }
            entries[ancestor] = stats
        }
        entries[txid] = entry
        totalVirtualSize += entry.virtualSize
    }

    /// Removes the transactions in `txids` (which must include all their descendants still
    /// present, unless `keepingDescendants`), updating their relatives' statistics.
    func remove(_ txids: Set<Txid>, reason: MempoolRemovalReason, into update: inout MempoolUpdate) {
        // Children first, so descendants' statistics never count a removed ancestor twice.
        let ordered = txids.compactMap { entries[$0] }.sorted { ($0.ancestorCount, $0.sequence) > ($1.ancestorCount, $1.sequence) }
        for entry in ordered { removeOne(entry.txid, reason: reason, into: &update) }
    }

    /// Removes one transaction; its descendants stay (they now have one ancestor less).
    func removeOne(_ txid: Txid, reason: MempoolRemovalReason, into update: inout MempoolUpdate) {
        guard let entry = entries[txid] else { return }
        // Relatives are found through the links, so collect them before unlinking.
        let ancestorSet = ancestors(ofParents: entry.parents)
        let descendantSet = descendants(of: txid)
        entries[txid] = nil
        for ancestor in ancestorSet {
            guard var stats = entries[ancestor] else { continue }
            stats.descendantCount -= 1
            stats.descendantSize -= entry.virtualSize
            stats.descendantFees = Amount(unchecked: stats.descendantFees.satoshis - entry.fee.satoshis)
            stats.children.remove(txid)
            entries[ancestor] = stats
        }
        for descendant in descendantSet where descendant != txid {
            guard var stats = entries[descendant] else { continue }
            stats.ancestorCount -= 1
            stats.ancestorSize -= entry.virtualSize
            stats.ancestorFees = Amount(unchecked: stats.ancestorFees.satoshis - entry.fee.satoshis)
            stats.parents.remove(txid)
            entries[descendant] = stats
        }
        for input in entry.transaction.inputs where spentBy[input.prevout] == txid {
            spentBy[input.prevout] = nil
        }
        totalVirtualSize -= entry.virtualSize
        update.removed.append((entry.transaction, reason))
    }

    /// Removes transactions older than the expiry time, with their descendants.
    public func expire(now: Int64) -> MempoolUpdate {
        var update = MempoolUpdate()
        var old = Set<Txid>()
        for entry in entries.values where entry.time < now - options.expiry {
            old.formUnion(descendants(of: entry.txid))
        }
        remove(old, reason: .expiry, into: &update)
        return update
    }

    /// Evicts the packages with the lowest descendant score until the mempool fits its size
    /// limit (Core's `TrimToSize`), raising the rolling minimum fee.
    func trimToSize(now: Int64, into update: inout MempoolUpdate) {
        while totalVirtualSize > options.maxVirtualSize, let worst = lowestDescendantScore() {
            let rate = FeeRate(fee: worst.score.fee, virtualSize: worst.score.size)
            let bar = FeeRate(satoshisPerKilovirtualByte: rate.satoshisPerKilovirtualByte + options.incrementalRelayFeeRate.satoshisPerKilovirtualByte)
            if bar > rollingMinimumFee.rate { rollingMinimumFee = (bar, now) }
            remove(descendants(of: worst.txid), reason: .sizeLimit, into: &update)
        }
    }

    /// Core's `CompareTxMemPoolEntryByDescendantScore`: the larger of the transaction's own
    /// fee rate and its package's; the lowest is evicted first (older first on ties).
    func lowestDescendantScore() -> (txid: Txid, score: (fee: Amount, size: Int))? {
        var worst: (txid: Txid, score: (fee: Amount, size: Int), time: Int64, sequence: UInt64)?
        for entry in entries.values {
            let own = (entry.fee, entry.virtualSize)
            let package = (entry.descendantFees, entry.descendantSize)
            let score = package.0.satoshis * Int64(own.1) > own.0.satoshis * Int64(package.1) ? package : own
            if let current = worst {
                let lhs = score.0.satoshis * Int64(current.score.size)
                let rhs = current.score.fee.satoshis * Int64(score.1)
                if lhs > rhs || (lhs == rhs && (entry.time, entry.sequence) < (current.time, current.sequence)) { continue }
            }
            worst = (entry.txid, (score.0, score.1), entry.time, entry.sequence)
        }
        return worst.map { ($0.txid, $0.score) }
    }

    /// Core's `GetMinFee`: the rolling minimum halves every 12 hours and is dropped below
    /// half the incremental relay fee.
    func minimumFeeRate(now: Int64) -> FeeRate {
        guard rollingMinimumFee.rate > .zero else { return .zero }
        let halvings = max(0, now - rollingMinimumFee.time) / (12 * 3600)
        let decayed = rollingMinimumFee.rate.satoshisPerKilovirtualByte >> min(halvings, 62)
        if decayed < options.incrementalRelayFeeRate.satoshisPerKilovirtualByte / 2 {
            rollingMinimumFee = (.zero, now)
            return .zero
        }
        return FeeRate(satoshisPerKilovirtualByte: max(decayed, options.incrementalRelayFeeRate.satoshisPerKilovirtualByte))
    }
}

/// What a mempool operation added and removed, for wallets and relay.
public struct MempoolUpdate: Sendable {
    /// Transactions accepted, in order.
    public internal(set) var added: [Transaction] = []
    /// Transactions removed, with why.
    public internal(set) var removed: [(transaction: Transaction, reason: MempoolRemovalReason)] = []

    public init() {}

    mutating func append(_ other: MempoolUpdate) {
        added += other.added
        removed += other.removed
    }
}

/// Transactions whose inputs are unknown, kept until their parents arrive (Core's `TxOrphanage`).
struct TransactionOrphanage {
    private var transactions: [Txid: Transaction] = [:]
    private var order: [Txid] = []

    var count: Int { transactions.count }

    func contains(_ txid: Txid) -> Bool { transactions[txid] != nil }

    /// Adds `transaction`, dropping the oldest orphans past `limit`.
    mutating func add(_ transaction: Transaction, limit: Int) {
        guard transactions[transaction.txid] == nil, limit > 0 else { return }
        transactions[transaction.txid] = transaction
        order.append(transaction.txid)
        while order.count > limit { transactions[order.removeFirst()] = nil }
    }

    /// Removes and returns the orphans spending an output of `parent`, oldest first.
    mutating func take(spending parent: Txid) -> [Transaction] {
        let children = order.compactMap { transactions[$0] }.filter { $0.inputs.contains { $0.prevout.txid == parent } }
        for child in children { remove(child.txid) }
        return children
    }

    /// Drops orphans that a block included or made impossible.
    mutating func removeForBlock(_ block: Block) {
        guard !transactions.isEmpty else { return }
        let spent = Set(block.transactions.flatMap { $0.inputs.map(\.prevout) })
        let included = Set(block.transactions.map(\.txid))
        for (txid, transaction) in transactions where included.contains(txid) || transaction.inputs.contains(where: { spent.contains($0.prevout) }) {
            remove(txid)
        }
    }

    mutating func remove(_ txid: Txid) {
        transactions[txid] = nil
        order.removeAll { $0 == txid }
    }
}
