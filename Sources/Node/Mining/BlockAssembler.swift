import Consensus

/// A block to mine: its parent, height, time, bits, and the transactions chosen.
public struct BlockTemplate: Sendable {
    public let parent: BlockHash
    public let height: Int
    public let time: UInt32
    public let bits: CompactTarget
    /// The non-coinbase transactions, parents before children.
    public let transactions: [Transaction]
    /// Their total fee.
    public let fees: Amount
    /// What the coinbase may claim: subsidy plus fees.
    public let coinbaseValue: Amount
    /// Weight of the chosen transactions (the coinbase comes on top).
    public let weight: Weight
    public let sigOpCost: Int
}

/// Builds block templates from a mempool by ancestor fee rate (Core's `BlockAssembler`), so
/// a high-fee child pulls in its low-fee parent (child pays for parent).
public enum BlockAssembler {
    /// Template limits, with Core's defaults.
    public struct Options: Sendable {
        /// Weight available to transactions: 4,000,000 less 4,000 kept for the coinbase.
        public var maxWeight = Weight.maxBlock.units - 4_000
        /// Sigop cost available to transactions, less 400 for the coinbase.
        public var maxSigOpsCost = ChainParams.maxBlockSigOpsCost - 400
        /// The lowest package fee rate worth including (`-blockmintxfee`).
        public var minimumFeeRate = FeeRate(satoshisPerKilovirtualByte: 1000)

        public init() {}
    }

    /// A template on the chain's tip with the best transactions of `mempool`.
    /// - Parameter now: the miner's clock; the block time is the later of it and the
    ///   tip's median time past plus one second.
    public static func template(chain: ChainState, mempool: Mempool, now: Int64, options: Options = Options()) -> BlockTemplate {
        let tip = chain.tip
        let time = UInt32(clamping: max(chain.medianTimePast + 1, now))
        let selected = select(from: mempool, options: options)
        let fees = selected.reduce(Int64(0)) { $0 + (mempool.entries[$1.txid]?.fee.satoshis ?? 0) }
        let height = tip.height + 1
        return BlockTemplate(
            parent: tip.hash, height: height, time: time, bits: chain.nextBits(blockTime: time),
            transactions: selected, fees: Amount(unchecked: fees),
            coinbaseValue: Amount(unchecked: chain.params.blockSubsidy(height: height).satoshis + fees),
            weight: Weight(selected.reduce(0) { $0 + $1.weight.units }),
            sigOpCost: selected.reduce(0) { $0 + (mempool.entries[$1.txid]?.sigOpCost ?? 0) })
    }

    /// A package's remaining (not yet selected) fees, size and sigops, itself included.
    struct Package {
        var fees: Int64
        var size: Int
        var sigOps: Int
        var ancestors: Set<Txid>
        var version: Int
    }

    /// Core's `addPackageTxs`: repeatedly take the transaction with the best ancestor fee
    /// rate (over ancestors not yet taken), add it with those ancestors, and update its
    /// descendants' packages.
    static func select(from mempool: Mempool, options: Options) -> [Transaction] {
        let entries = mempool.entries
        var packages = [Txid: Package]()
        var queue = PriorityQueue<(fees: Int64, size: Int, txid: Txid, version: Int)> { a, b in
            // Higher fee rate first (compared exactly); then lower txid, as Core does.
            let lhs = a.fees * Int64(b.size)
            let rhs = b.fees * Int64(a.size)
            return lhs != rhs ? lhs > rhs : a.txid < b.txid
        }
        queue.reserveCapacity(entries.count)
        for (txid, entry) in entries {
            let ancestors = mempool.ancestors(ofParents: entry.parents)
            let package = Package(fees: entry.ancestorFees.satoshis, size: entry.ancestorSize,
                                  sigOps: ancestors.reduce(entry.sigOpCost) { $0 + (entries[$1]?.sigOpCost ?? 0) },
                                  ancestors: ancestors, version: 0)
            packages[txid] = package
            queue.push((package.fees, package.size, txid, 0))
        }
        var selected = [Transaction]()
        var included = Set<Txid>()
        var weight = 0
        var sigOps = 0
        var failures = 0
        while let candidate = queue.pop() {
            guard !included.contains(candidate.txid), let package = packages[candidate.txid],
                  package.version == candidate.version else { continue }
            if package.fees < options.minimumFeeRate.fee(virtualSize: package.size).satoshis { break }
            if weight + package.size * Weight.witnessScaleFactor > options.maxWeight || sigOps + package.sigOps > options.maxSigOpsCost {
                failures += 1
                if failures > 1000 && weight > options.maxWeight - 4_000 { break }
                continue
            }
            // The package in an order valid for a block: fewer ancestors first. Most packages
            // are a single transaction, which needs no sorting.
            guard let candidateEntry = entries[candidate.txid] else { continue }
            let members = package.ancestors.isEmpty ? [candidateEntry]
                : (package.ancestors.subtracting(included).compactMap { entries[$0] } + [candidateEntry])
                    .sorted { ($0.ancestorCount, $0.sequence) < ($1.ancestorCount, $1.sequence) }
            for member in members {
                included.insert(member.txid)
                selected.append(member.transaction)
            }
            weight += package.size * Weight.witnessScaleFactor
            sigOps += package.sigOps
            for member in members where !member.children.isEmpty {
                for descendant in mempool.descendants(of: member.txid) where !included.contains(descendant) {
                    guard var updated = packages[descendant], updated.ancestors.remove(member.txid) != nil else { continue }
                    updated.fees -= member.fee.satoshis
                    updated.size -= member.virtualSize
                    updated.sigOps -= member.sigOpCost
                    updated.version += 1
                    packages[descendant] = updated
                    queue.push((updated.fees, updated.size, descendant, updated.version))
                }
            }
        }
        return selected
    }
}
