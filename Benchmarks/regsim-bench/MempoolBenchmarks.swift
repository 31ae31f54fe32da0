import BitcoinCrypto
import CBenchBaseline
import Consensus
import Foundation
import Node

/// Issue 5's figures: mempool acceptance against bare signature verification, template
/// assembly, and nonce grinding.
enum MempoolBenchmarks {
    typealias Spendable = ChainBenchmarks.Spendable
    static let params = ChainParams.regtest

    /// A node whose chain funds `count` P2WPKH outputs (1,000 per fan-out transaction).
    static func fundedNode(outputs count: Int) -> (node: FullNode, coins: [Spendable]) {
        let node = try! FullNode(name: "bench", store: MemoryStore(), params: params)
        var tip = params.genesisBlock
        var height = 0
        var blocks = [Block]()
        func append(_ transactions: [Transaction]) {
            height += 1
            tip = ChainBenchmarks.block(on: tip, height: height, transactions: transactions)
            blocks.append(tip)
            precondition(try! node.submitBlock(tip, now: 2_000_000_000).result.acceptance == .accepted)
        }
        let fanOuts = (count + 999) / 1000
        for _ in 0..<(100 + fanOuts) { append([]) }
        var coins = [Spendable]()
        var transactions = [Transaction]()
        for index in 0..<fanOuts {
            let coinbase = blocks[index].transactions[0]
            let share = (coinbase.outputs[0].value.satoshis - 100_000) / 1000
            let keys = ChainBenchmarks.keys
            let outputs = (0..<1000).map { TxOut(value: Amount(unchecked: share), scriptPubKey: ChainBenchmarks.script(keys[$0 % keys.count])) }
            let fanOut = TransactionSigner.sign(MutableTransaction(inputs: [TxIn(prevout: OutPoint(txid: coinbase.txid, index: 0))], outputs: outputs),
                                                spentOutputs: [coinbase.outputs[0]], keys: [.p2wpkh(keys[0])])
            transactions.append(fanOut)
            for (outputIndex, output) in outputs.enumerated() {
                coins.append(Spendable(outpoint: OutPoint(txid: fanOut.txid, index: UInt32(outputIndex)), output: output, key: keys[outputIndex % keys.count]))
            }
        }
        append(transactions)
        return (node, Array(coins.prefix(count)))
    }

    static func run() {
        acceptance()
        templateAssembly()
        grinding()
    }

    /// Three interleaved rounds of bare verifies and acceptance into a new node (new caches);
    /// the funding chain is deterministic, so the same transactions are valid on each.
    static func acceptance() {
        let coins = fundedNode(outputs: 10_000).coins
        var bare = [(der: [UInt8], hash: [UInt8], key: [UInt8])]()
        let transactions = coins.map { ChainBenchmarks.spend($0, bare: &bare) }
        var ratios = [Double]()
        for round in 1...3 {
            let bareTime = Measure.seconds {
                for input in bare {
                    precondition(baseline_ecdsa_verify(input.der, input.der.count, input.hash, input.key, input.key.count, 1) == 1)
                }
            }
            let node = fundedNode(outputs: 10_000).node
            let acceptTime = Measure.seconds {
                for transaction in transactions {
                    precondition(try! node.submitTransaction(transaction, now: 2_000_000_000).acceptance == .accepted)
                }
            }
            ratios.append(acceptTime / bareTime)
            print("mempool acceptance of 10,000 P2WPKH transactions, round \(round): \(Measure.duration(acceptTime)) -> \(String(format: "%.0f", 10_000 / acceptTime)) tx/s; bare verifies \(Measure.duration(bareTime)) -> \(String(format: "%.3f", acceptTime / bareTime))x")
        }
        ratios.sort()
        print("  median ratio \(String(format: "%.3f", ratios[1]))x (range \(String(format: "%.3f", ratios[0]))–\(String(format: "%.3f", ratios[2]))x)")
    }

    static func templateAssembly() {
        // 3,000 independent transactions at varying fee rates and 1,000 parent-child pairs
        // (children paying for their parents): 5,000 in all.
        let (node, coins) = fundedNode(outputs: 4_000)
        var ignored = [(der: [UInt8], hash: [UInt8], key: [UInt8])]()
        for (index, coin) in coins.enumerated() {
            let fee = Int64(200 + (index * 7919) % 5000)
            let unsigned = MutableTransaction(inputs: [TxIn(prevout: coin.outpoint)],
                                              outputs: [TxOut(value: Amount(unchecked: coin.output.value.satoshis - fee), scriptPubKey: coin.output.scriptPubKey)])
            let parent = TransactionSigner.sign(unsigned, spentOutputs: [coin.output], keys: [.p2wpkh(coin.key)])
            precondition(try! node.submitTransaction(parent, now: 2_000_000_000).acceptance == .accepted)
            if index < 1_000 {
                let child = ChainBenchmarks.spend(Spendable(outpoint: OutPoint(txid: parent.txid, index: 0), output: parent.outputs[0], key: coin.key),
                                                  bare: &ignored)
                precondition(try! node.submitTransaction(child, now: 2_000_000_000).acceptance == .accepted)
            }
        }
        precondition(node.mempool.count == 5_000)
        var selected = 0
        let time = Measure.median(rounds: 7) {
            selected = BlockAssembler.template(chain: node.chain, mempool: node.mempool, now: 2_000_000_000).transactions.count
        }
        print("template assembly from a 5,000-transaction mempool: \(Measure.duration(time)) (\(selected) selected)")
    }

    static func grinding() {
        // Target 2^236: one hash in 2^20 meets it.
        let bits = CompactTarget(target: UInt256(1) << 236)
        var hashes: UInt64 = 0
        var blocks = 0
        let time = Measure.seconds {
            for extraNonce in UInt64(0)..<8 {
                let built = BlockBuilder.makeBlock(parent: params.genesisHash, height: 1, time: 1_600_000_000, bits: bits, transactions: [],
                                                   coinbaseScript: ChainBenchmarks.script(ChainBenchmarks.keys[0]),
                                                   coinbaseValue: params.blockSubsidy(height: 1), extraNonce: extraNonce * 1_000_003)
                hashes += built.hashes
                blocks += 1
            }
        }
        print("grinding at bits \(bits) (2^20 hashes per block on average): \(blocks) blocks, \(hashes) hashes, \(Measure.rate(Double(hashes) / time, "nonces")) per core")
    }
}
