import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

/// A full node on a memory store with a clock that moves ten minutes per mined block.
final class NodeHarness {
    let node: FullNode
    var now: Int64 = 1_600_000_000

    init(mempool: MempoolOptions = MempoolOptions(), name: String = "n1") throws {
        node = try FullNode(name: name, store: MemoryStore(), params: .regtest, mempoolOptions: mempool)
    }

    /// Mines `count` blocks with the mempool's transactions, paying `address`.
    @discardableResult
    func mine(_ count: Int = 1, to address: Address) throws -> [Block] {
        var blocks = [Block]()
        for _ in 0..<count {
            now += 600
            blocks += try node.generate(1, to: address.scriptPubKey, now: now)
        }
        return blocks
    }

    func submit(_ transaction: Transaction) throws -> MempoolAcceptance {
        try node.submitTransaction(transaction, now: now).acceptance
    }

    /// A node with wallet `alice` holding 101 blocks' coinbases (the first one mature).
    static func funded(mempool: MempoolOptions = MempoolOptions()) throws -> (NodeHarness, Wallet) {
        let harness = try NodeHarness(mempool: mempool)
        let alice = harness.node.addWallet(name: "alice", seed: Array("alice".utf8))
        try harness.mine(101, to: alice.newAddress())
        return (harness, alice)
    }
}

/// A transaction spending `outpoint` (an output of `funding` paying a key of `wallet`),
/// signed by hand, for tests that need exact control.
func btc(_ value: Double) -> Amount { Amount(btc: value)! }
