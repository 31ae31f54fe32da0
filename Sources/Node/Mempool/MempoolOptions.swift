import Consensus

/// Mempool policy, with Bitcoin Core's defaults.
public struct MempoolOptions: Sendable {
    /// Which conflicting transactions may be replaced by a higher fee.
    public enum ReplacementPolicy: String, Sendable {
        /// Any transaction (Core's default since `mempoolfullrbf` became the default).
        case full
        /// Only transactions signalling BIP 125 (an input sequence below 0xfffffffe).
        case optIn = "opt-in"
        /// None: the first-seen transaction always wins.
        case never
    }

    public var replacement = ReplacementPolicy.full
    /// The most virtual bytes the mempool holds before evicting the lowest fee rates (`-maxmempool`).
    public var maxVirtualSize = 300_000_000
    /// Seconds after which a transaction is dropped (`-mempoolexpiry`, 336 hours).
    public var expiry: Int64 = 336 * 3600
    /// The lowest fee rate relayed (`-minrelaytxfee`).
    public var minRelayFeeRate = FeeRate(satoshisPerKilovirtualByte: 1000)
    /// What a replacement must pay for its own relay, per kvB (`-incrementalrelayfee`).
    public var incrementalRelayFeeRate = FeeRate(satoshisPerKilovirtualByte: 1000)
    /// Unconfirmed ancestors per transaction, itself included (`-limitancestorcount`).
    public var ancestorLimitCount = 25
    /// Their virtual size (`-limitancestorsize`, 101 kvB).
    public var ancestorLimitSize = 101_000
    /// Unconfirmed descendants per transaction, itself included (`-limitdescendantcount`).
    public var descendantLimitCount = 25
    /// Their virtual size (`-limitdescendantsize`, 101 kvB).
    public var descendantLimitSize = 101_000
    /// Transactions waiting for missing parents (`-maxorphantx`).
    public var maxOrphanTransactions = 100
    /// Apply standardness rules (Core's `-acceptnonstdtxn=0`).
    public var requireStandard = true
    /// The most transactions a replacement may evict (BIP 125 rule 5).
    public var maxReplacementEvictions = 100

    public init() {}
}

/// Why a transaction left the mempool (Core's `MemPoolRemovalReason`).
public enum MempoolRemovalReason: String, Sendable, Equatable {
    /// Older than the expiry time.
    case expiry
    /// Evicted because the mempool was full.
    case sizeLimit = "sizelimit"
    /// No longer valid after a reorg.
    case reorg
    /// Included in a block.
    case block
    /// Conflicts with a transaction included in a block.
    case conflict
    /// Replaced by a transaction paying more (RBF).
    case replaced
}
