/// Options of a node's chain state, with the defaults Regsim uses.
public struct ChainOptions: Sendable {
    /// Blocks connected or disconnected between writes of the UTXO set. 1 (the default)
    /// writes every block's coins in the same batch as the block; larger values batch coin
    /// writes, and a restart replays the blocks whose coins were not written yet.
    public var flushInterval = 1
    /// Unchanged coins kept in memory after a flush.
    public var coinCacheLimit = 100_000
    /// Blocks whose parent is unknown, kept until the parent arrives.
    public var maxOrphanBlocks = 100
    /// Decoded blocks kept in memory, so reorgs and connects rarely re-read the database.
    public var recentBlockLimit = 64
    /// Keep a txid → block index of the active chain for transaction lookups.
    public var transactionIndex = true

    public init() {}
}
