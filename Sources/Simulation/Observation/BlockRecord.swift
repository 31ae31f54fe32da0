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
    /// The count of nodes at which the next of those shares is reached (every node counts
    /// one reception, so most receptions only count).
    private var nextMark = 0

    static let coverages = [0.5, 0.9, 1.0]

    init(miner: Int, found: Int64, height: Int, population: Int) {
        self.miner = miner
        self.found = found
        self.height = height
        self.population = population
        nextMark = mark(slot: 0)
    }

    /// The count of nodes that makes `coverage` of the population (a hair under, as the
    /// shares are compared in floating point).
    private func mark(slot: Int) -> Int {
        Int((BlockRecord.coverages[slot] * Double(population) - 1e-9).rounded(.up))
    }

    mutating func noteReceived(at time: Int64) {
        reached += 1
        guard reached >= nextMark else { return }
        nextMark = .max
        for slot in BlockRecord.coverages.indices where reachTimes[slot] == nil {
            if reached >= mark(slot: slot) { reachTimes[slot] = time - found } else { nextMark = min(nextMark, mark(slot: slot)) }
        }
    }
}
