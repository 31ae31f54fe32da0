import Consensus

/// The UTXO set as a node sees it: an in-memory cache of coins in front of the chain
/// database (Core's `CCoinsViewCache` over `CCoinsViewDB`).
///
/// Changes stay in memory until ``flush(into:)`` adds them to a write batch. Entries carry
/// Core's flags: *dirty* (differs from the database) and *fresh* (not in the database at
/// all, so spending it before a flush never touches the disk).
final class UTXOCache {
    struct Entry {
        var coin: Coin?
        var dirty: Bool
        var fresh: Bool
    }

    private(set) var entries: [OutPoint: Entry] = [:]
    /// Outpoints whose entry became dirty since the last flush (appended when an entry turns
    /// dirty, so a flush costs what changed, not the cache size).
    private var dirty = [OutPoint]()
    private let store: any KeyValueStore
    /// Clean entries kept after a flush; past it they are dropped and re-read on demand.
    let cleanLimit: Int

    /// Asks the cache for the tables a block's coins are applied to (see ``CacheHint``).
    func prefetchTables() {
        CacheHint.prefetch(storageOf: &entries, lines: 2)
        CacheHint.prefetch(storageOf: &dirty)
    }

    init(store: any KeyValueStore, cleanLimit: Int) {
        self.store = store
        self.cleanLimit = cleanLimit
    }

    /// The number of entries that a flush would write.
    var dirtyCount: Int { dirty.count }

    /// The unspent coin at `outpoint`, reading through to the database.
    func coin(_ outpoint: OutPoint) throws(ChainStateError) -> Coin? {
        if let entry = entries[outpoint] { return entry.coin }
        let key = ChainDatabase.coinKey(outpoint)
        let bytes: [UInt8]?
        do { bytes = try store.get(key) } catch { throw .storage(error) }
        guard let bytes else { return nil }
        do {
            let coin = try ChainDatabase.decodeCoin(bytes)
            entries[outpoint] = Entry(coin: coin, dirty: false, fresh: false)
            return coin
        } catch {
            throw .corrupt(path: store.path, what: "coin \(outpoint): \(error)")
        }
    }

    /// Applies the net changes of a connected or disconnected block: a coin to add, or `nil`
    /// to spend. `possiblyStored` says whether an added coin might already be in the
    /// database (so it cannot be marked fresh).
    func apply(_ changes: [OutPoint: Coin?], possiblyStored: (OutPoint) -> Bool) {
        entries.reserveCapacity(entries.count + changes.count)
        for (outpoint, coin) in changes {
            let existing = entries[outpoint]
            if existing?.dirty != true { dirty.append(outpoint) }
            if let coin {
                let fresh = existing.map { $0.fresh || ($0.coin == nil && !$0.dirty) } ?? !possiblyStored(outpoint)
                entries[outpoint] = Entry(coin: coin, dirty: true, fresh: fresh)
            } else if existing?.fresh == true {
                entries[outpoint] = nil  // never reached the database: forget it entirely
            } else {
                entries[outpoint] = Entry(coin: nil, dirty: true, fresh: false)
            }
        }
    }

    /// Adds every dirty entry to `batch` and marks the cache clean; drops the cached coins
    /// when there are more than ``cleanLimit``.
    func flush(into batch: inout WriteBatch) {
        // Sorted, so the batch (and the database files) do not depend on hash-table order.
        dirty.sort()
        for outpoint in dirty {
            guard let entry = entries[outpoint], entry.dirty else { continue }
            let key = ChainDatabase.coinKey(outpoint)
            if let coin = entry.coin {
                batch.put(key, ChainDatabase.encode(coin))
                entries[outpoint] = Entry(coin: coin, dirty: false, fresh: false)
            } else {
                batch.delete(key)
                entries[outpoint] = nil
            }
        }
        dirty.removeAll(keepingCapacity: true)
        // A small table is kept for the next block's coins rather than reallocated (a node
        // over an in-memory store, with no clean limit, empties its cache every block).
        if entries.count > cleanLimit { entries.removeAll(keepingCapacity: entries.count <= 1_024) }
    }

    /// Forgets every change not yet flushed (after a failed write, the database is the truth).
    func discardChanges() {
        entries.removeAll()
        dirty.removeAll()
    }
}

/// A block's view of the UTXO set while it is being connected or disconnected: changes are
/// collected here and reach the cache only if the whole block succeeds.
struct CoinsViewOverlay {
    let base: UTXOCache
    private(set) var changes: [OutPoint: Coin?] = [:]

    /// A view over `base`, with room for about `expectedChanges` changes, in `table` (an
    /// empty table a previous view gave back with ``takeEmptiedTable()``) when it has room.
    init(base: UTXOCache, expectedChanges: Int = 0, table: [OutPoint: Coin?] = [:]) {
        self.base = base
        changes = table
        // Sizing a table runs Swift's unspecialised generic code (~700 instructions, and
        // half as much again through `reserveCapacity`): worth it for a large block only;
        // a small one grows from the given table through specialised code.
        if expectedChanges > 8 && table.capacity < expectedChanges { changes = Dictionary(minimumCapacity: expectedChanges) }
    }

    /// The view's table, emptied, for the next view: a node connecting block after block
    /// then allocates no table for each. `nil` for a large table, whose memory is better
    /// given back than kept by every node.
    mutating func takeEmptiedTable() -> [OutPoint: Coin?]? {
        guard changes.capacity <= 64 else { return nil }
        var table: [OutPoint: Coin?] = [:]
        swap(&table, &changes)
        table.removeAll(keepingCapacity: true)
        return table
    }

    func coin(_ outpoint: OutPoint) throws(ChainStateError) -> Coin? {
        if let change = changes[outpoint] { return change }
        return try base.coin(outpoint)
    }

    /// Removes and returns the coin at `outpoint`, or `nil` when it is missing or spent.
    mutating func spend(_ outpoint: OutPoint) throws(ChainStateError) -> Coin? {
        guard let coin = try coin(outpoint) else { return nil }
        changes[outpoint] = .some(nil)
        return coin
    }

    mutating func add(_ coin: Coin, at outpoint: OutPoint) {
        changes[outpoint] = .some(coin)
    }
}
