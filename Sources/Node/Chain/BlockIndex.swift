import BitcoinCrypto
import Consensus

/// One block in a node's block tree (Core's `CBlockIndex`): its header, height, cumulative
/// work and status. The chain state's index owns every entry; `parent` and `skip` point at
/// ancestors without retaining them, so releasing a long chain does not recurse.
final class BlockIndex {
    /// The header and what follows from it alone (shared between nodes of a simulation).
    let record: HeaderRecord
    var parent: BlockIndex? { parentLink?.takeUnretainedValue() }
    /// The parent's address: ancestor walks step through it without retaining each entry.
    let parentLink: Unmanaged<BlockIndex>?
    /// A far ancestor for O(log n) ancestor lookups (Core's `pskip`), held as an address:
    /// setting it never touches the ancestor's memory.
    let skip: Unmanaged<BlockIndex>?
    var status: BlockStatus
    /// The order in which block data arrived, for first-seen tie-breaks (0: no data yet).
    var sequenceId: Int64 = 0
    var transactionCount = 0
    /// True when this block and every ancestor have data stored (Core's `nChainTx != 0`).
    var chainDataComplete = false

    var header: BlockHeader { record.header }
    var hash: BlockHash { record.header.hash }
    var height: Int { record.height }
    /// Total work of the chain ending here.
    var chainWork: UInt256 { record.chainWork }
    /// The median of the last 11 block times ending here (BIP 113's clock).
    var medianTimePast: Int64 { record.medianTimePast }

    /// The entry for `header` on top of `parent`, its record taken from `headers`.
    init(header: BlockHeader, parent: BlockIndex?, status: BlockStatus, headers: HeaderCache) {
        record = headers.record(for: header, parent: parent?.record)
        parentLink = parent.map { Unmanaged.passUnretained($0) }
        self.status = status
        skip = parent?.unretainedAncestor(at: BlockIndex.skipHeight(record.height))
    }

    /// Core's `GetSkipHeight`: a height below `height` chosen so walks take O(log n) steps.
    static func skipHeight(_ height: Int) -> Int {
        func invertLowestOne(_ n: Int) -> Int { n & (n - 1) }
        guard height >= 2 else { return 0 }
        return height & 1 == 1 ? invertLowestOne(invertLowestOne(height - 1)) + 1 : invertLowestOne(height)
    }

    /// The ancestor at `height` (self at its own height), or `nil` outside 0...height
    /// (Core's `GetAncestor`).
    func ancestor(at target: Int) -> BlockIndex? {
        unretainedAncestor(at: target)?.takeUnretainedValue()
    }

    /// ``ancestor(at:)`` without retaining the result, for callers that need its address
    /// only: in a large simulation the ancestor's memory is rarely in cache, and a retain
    /// would fetch it. The index owns every entry, so the address stays valid.
    func unretainedAncestor(at target: Int) -> Unmanaged<BlockIndex>? {
        guard target >= 0 && target <= height else { return nil }
        // The index owns every entry: the walk need not retain each one it passes.
        unowned(unsafe) var walk = self
        var walkHeight = height
        while walkHeight > target {
            let skipHeight = BlockIndex.skipHeight(walkHeight)
            let skipHeightPrevious = BlockIndex.skipHeight(walkHeight - 1)
            if let skip = walk.skip,
               skipHeight == target || (skipHeight > target && !(skipHeightPrevious < skipHeight - 2 && skipHeightPrevious >= target)) {
                walk = skip.takeUnretainedValue()
                walkHeight = skipHeight
            } else {
                guard let parent = walk.parentLink else { return nil }
                walk = parent.takeUnretainedValue()
                walkHeight -= 1
            }
        }
        return Unmanaged.passUnretained(walk)
    }

    /// The last common ancestor of two entries (Core's `LastCommonAncestor`).
    static func fork(_ a: BlockIndex, _ b: BlockIndex) -> BlockIndex? {
        var a: BlockIndex? = a.height > b.height ? a.ancestor(at: b.height) : a
        var b: BlockIndex? = b.height > a!.height ? b.ancestor(at: a!.height) : b
        while let x = a, let y = b, x !== y {
            a = x.parent
            b = y.parent
        }
        return a
    }

    /// True when this entry is `other` or descends from it.
    func descends(from other: BlockIndex) -> Bool {
        self === other || unretainedAncestor(at: other.height)?.toOpaque() == Unmanaged.passUnretained(other).toOpaque()
    }
}

/// The active chain: entries by height from genesis to the tip (Core's `CChain`).
struct ActiveChain {
    private(set) var entries: [BlockIndex] = []

    var tip: BlockIndex? { entries.last }
    var height: Int { entries.count - 1 }

    subscript(height: Int) -> BlockIndex? {
        height >= 0 && height < entries.count ? entries[height] : nil
    }

    func contains(_ entry: BlockIndex) -> Bool {
        entry.height < entries.count && entries[entry.height] === entry
    }

    /// Makes `tip` the tip, keeping the prefix shared with the current chain.
    mutating func setTip(_ tip: BlockIndex?) {
        // The usual step: one block on top of the tip.
        if let tip, let parent = tip.parent, parent === entries.last {
            entries.append(tip)
            return
        }
        var missing = [BlockIndex]()
        var walk = tip
        while let entry = walk, !contains(entry) {
            missing.append(entry)
            walk = entry.parent
        }
        // `walk` is where the new chain meets the old one; keep the old chain up to it.
        entries.removeSubrange((walk.map { $0.height + 1 } ?? 0)...)
        entries.append(contentsOf: missing.reversed())
    }

    /// The last entry of the active chain that `entry` shares (Core's `FindFork`).
    func findFork(_ entry: BlockIndex) -> BlockIndex? {
        var walk: BlockIndex? = entry.height > height ? entry.ancestor(at: height) : entry
        while let candidate = walk, !contains(candidate) { walk = candidate.parent }
        return walk
    }
}
