import Consensus

/// What loading a `mempool.dat` did, in the four counts Core logs.
public struct MempoolLoadResult: Sendable {
    /// Transactions accepted again.
    public var accepted = 0
    /// Transactions refused (spent or conflicting on the current chain, below the fee floor, …).
    public var failed = 0
    /// Transactions older than the expiry time, not offered.
    public var expired = 0
    /// Transactions already in the mempool.
    public var alreadyThere = 0
    /// What the mempool added and removed on the way.
    public var update = MempoolUpdate()
}

extension Mempool {
    /// The mempool as Core's `DumpMempool` writes it: every transaction with its entry time,
    /// parents before children (by ancestor count, then acceptance order, as Core sorts by
    /// depth). Regsim has no `prioritisetransaction` and no unbroadcast set, so the dump's
    /// fee deltas are zero and its other lists empty.
    public func dump() -> MempoolDump {
        let ordered = entries.values.sorted { ($0.ancestorCount, $0.sequence) < ($1.ancestorCount, $1.sequence) }
        return MempoolDump(entries: ordered.map { MempoolDump.Entry(transaction: $0.transaction, time: $0.time) })
    }

    /// Offers a dump's transactions in order, as Core's `LoadMempool` does: those accepted
    /// less than the expiry time before `now` (Unix seconds) go through the full acceptance
    /// checks and keep their entry time; older ones are skipped. Fee deltas and the
    /// unbroadcast set are read but not applied (Regsim models neither).
    /// - Throws: only when the chain database fails.
    public func load(_ dump: MempoolDump, now: Int64) throws(ChainStateError) -> MempoolLoadResult {
        var result = MempoolLoadResult()
        for entry in dump.entries {
            guard entry.time > now - options.expiry else {
                result.expired += 1
                continue
            }
            let acceptance = try acceptSingle(entry.transaction, now: now, entryTime: entry.time, bypassLimits: false, update: &result.update)
            if acceptance == .accepted {
                result.accepted += 1
            } else if contains(entry.transaction.txid) {
                result.alreadyThere += 1
            } else {
                result.failed += 1
            }
        }
        return result
    }
}
