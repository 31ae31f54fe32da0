import Consensus

/// What the simulation knows about one block it saw found: who found it, when, and how far
/// it had spread.
struct BlockRecord {
    /// The miner's index, or -1 for blocks mined by a scripted action.
    let miner: Int
    let found: Int64
    let height: Int
    /// Online nodes when it was found: the 100% mark of propagation.
    let population: Int
    var reached = 0
    /// When it reached 50%, 90% and 100% of the population, microseconds after `found`.
    var reachTimes: [Int64?] = [nil, nil, nil]

    static let coverages = [0.5, 0.9, 1.0]

    mutating func noteReceived(at time: Int64) {
        reached += 1
        for (slot, coverage) in BlockRecord.coverages.enumerated() where reachTimes[slot] == nil {
            if Double(reached) >= coverage * Double(population) - 1e-9 { reachTimes[slot] = time - found }
        }
    }
}
