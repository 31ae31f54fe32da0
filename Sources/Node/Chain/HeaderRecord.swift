import Consensus
import Synchronization

/// The part of a block-tree entry that depends only on the header and its ancestry: the
/// same on every node that knows the block. Nodes sharing a ``HeaderCache`` share one record
/// per block, so ten thousand simulated nodes hold each header, its work and its median
/// time past once (each keeps its own ``BlockIndex`` with its own status). Never changes once
/// made, so threads share records freely.
final class HeaderRecord: @unchecked Sendable {
    let header: BlockHeader
    let height: Int
    /// Total work of the chain ending here.
    let chainWork: UInt256
    /// The median of the last 11 block times ending here (BIP 113's clock).
    let medianTimePast: Int64
    /// The parent's record; the cache (or the entries using them) keeps ancestors alive, and
    /// a long chain is not released recursively.
    unowned(unsafe) let parent: HeaderRecord?
    /// The block's keys in a chain database. Every in-memory store that shares the record
    /// holds these same arrays, so a key exists once however many nodes store the block.
    let blockKey: [UInt8]
    let indexKey: [UInt8]
    let undoKey: [UInt8]
    /// The block's hash as stored under the coins' tip key (the same array for every node).
    let hashBytes: [UInt8]

    init(header: BlockHeader, parent: HeaderRecord?) {
        self.header = header
        self.parent = parent
        height = (parent?.height ?? -1) + 1
        chainWork = (parent?.chainWork ?? .zero) &+ header.work
        medianTimePast = HeaderRecord.medianTimePast(ending: header, parent: parent)
        blockKey = ChainDatabase.key(.block, header.hash.hash)
        indexKey = ChainDatabase.key(.index, header.hash.hash)
        undoKey = ChainDatabase.key(.undo, header.hash.hash)
        hashBytes = header.hash.hash.bytes
    }

    private static func medianTimePast(ending header: BlockHeader, parent: HeaderRecord?) -> Int64 {
        // An insertion sort on the stack: this runs for every block a node learns.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 11) { times in
            var count = 0
            var time: UInt32? = header.time
            var walk = parent
            while let next = time, count < 11 {
                var position = count
                while position > 0 && times[position - 1] > next {
                    times[position] = times[position - 1]
                    position -= 1
                }
                times[position] = next
                count += 1
                time = walk?.header.time
                walk = walk?.parent
            }
            return Int64(times[count / 2])
        }
    }
}

/// Header records by block hash, shared by the chain states of one simulation so each block's
/// header facts exist once. Thread-safe: the chain states of nodes running on several threads
/// may share one. A cache can start from a frozen ``HeaderSnapshot`` of a prepared chain,
/// which any number of threads may share.
public final class HeaderCache: Sendable {
    private let records = Mutex([BlockHash: HeaderRecord]())
    private let base: [BlockHash: HeaderRecord]

    /// An empty cache, or one that reuses the records of `base` (never changing them).
    public init(base: HeaderSnapshot? = nil) {
        self.base = base?.records ?? [:]
    }

    /// The number of headers held (those of the base included).
    public var count: Int { base.count + records.withLock { $0.count } }

    /// The records held now, frozen, for other caches to start from.
    public func snapshot() -> HeaderSnapshot {
        let added = records.withLock { $0 }
        return HeaderSnapshot(records: base.merging(added) { _, new in new })
    }

    /// The header held for `hash`, if any.
    func knownHeader(_ hash: BlockHash) -> BlockHeader? { existing(hash)?.header }

    private func existing(_ hash: BlockHash) -> HeaderRecord? {
        records.withLock { $0[hash] } ?? base[hash]
    }

    /// The record of `header` on top of `parent`, made once per hash. A record is only
    /// reused when its parent is the same record (a chain state that does not share this
    /// cache gets records of its own).
    func record(for header: BlockHeader, parent: HeaderRecord?) -> HeaderRecord {
        let hash = header.hash
        if let existing = existing(hash), existing.parent === parent { return existing }
        // Made outside the lock; a record another thread made meanwhile wins.
        let made = HeaderRecord(header: header, parent: parent)
        return records.withLock { records in
            if let raced = records[hash], raced.parent === parent { return raced }
            records[hash] = made
            return made
        }
    }
}

/// Header records frozen for sharing across threads (a prepared chain that many trials copy).
/// Records never change once made, so reading them from several threads is safe.
public struct HeaderSnapshot: @unchecked Sendable {
    let records: [BlockHash: HeaderRecord]
}
