import Consensus
import Node

/// A miner during a run: its current hashpower, its next block event, its strategy's state.
struct MinerState {
    let configuration: MinerConfiguration
    var hashpower: Double
    var random: DeterministicRandom
    var nextBlock: EventID?
    var currentRate = 0.0
    /// Where its coinbases pay (an anyone-can-spend-free script unique to the miner).
    let payout: Script
    var blocksFound = 0
    var selfish: SelfishMiner?
    var attack: DoubleSpendAttacker?
}
