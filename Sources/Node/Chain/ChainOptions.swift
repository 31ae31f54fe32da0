/// Options of a node's chain state, with the defaults Regsim uses.
public struct ChainOptions: Sendable {
    /// Blocks connected or disconnected between writes of the UTXO set. 1 (the default)
    /// writes every block's coins in the same batch as the block; larger values batch coin
    /// writes, and a restart replays the blocks whose coins were not written yet.
    public var flushInterval = 1
    /// Coins the cache may hold before it drops the unchanged ones (about 150 bytes each,
    /// so the default is at most ~150 MB, like Core's default `-dbcache`; simulated chains
    /// stay far below it).
    public var coinCacheLimit = 1_000_000
    /// Blocks whose parent is unknown, kept until the parent arrives.
    public var maxOrphanBlocks = 100
    /// Decoded blocks kept in memory, so reorgs and connects rarely re-read the database.
    public var recentBlockLimit = 64
    /// Keep a txid → block index of the active chain, for looking up any confirmed
    /// transaction by txid (Core's `-txindex`). Off by default, as in Core: it costs one
    /// database write per transaction.
    public var transactionIndex = false
    /// Threads that verify a block's scripts (Core's `-par`). With more than one, a block's
    /// scripts are checked after its other rules, on that many threads at once, as with
    /// Core's script check queue — so a block that breaks both reports the other rule. Whether
    /// a block is valid, and which script failure an invalid one reports (the first failing
    /// transaction in block order), do not depend on the number. 1 (the default) verifies
    /// each transaction as it is connected, as Core's `-par=1`. Simulations keep 1: their
    /// nodes already share the processors.
    public var scriptCheckThreads = 1

    public init() {}
}
