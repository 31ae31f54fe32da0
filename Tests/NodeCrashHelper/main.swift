import BitcoinCrypto
import Consensus
import Foundation
import Node
import TestSupport

// The child process of the crash-safety test: builds a regtest chain (with spends and
// short forks) in a LevelDB directory until it is killed, printing every block it has
// connected once that block's batch is written.
//
//   node-crash-helper DIRECTORY FLUSH_INTERVAL SEED

struct ChainBuilder {
    let chain: ChainState
    var random: SplitMix64
    let key = PrivateKey(bytes: [UInt8](repeating: 0x11, count: 32))!
    var script: Script { Address.witness(version: 0, program: key.publicKey().hash160).scriptPubKey }

    /// Writes a line at once (unbuffered), so a kill loses at most the line being written.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// A block on `parent`, spending the coinbase of the block 101 below when it is mature.
    mutating func makeBlock(on parent: BlockInfo) throws -> Block {
        let height = parent.height + 1
        var transactions = [Transaction]()
        if height > 101, random.next() % 2 == 0, let funding = try chain.block(atHeight: height - 101) {
            let coinbase = funding.transactions[0]
            let unsigned = MutableTransaction(
                inputs: [TxIn(prevout: OutPoint(txid: coinbase.txid, index: 0))],
                outputs: [TxOut(value: Amount(unchecked: coinbase.outputs[0].value.satoshis - 1000), scriptPubKey: script)])
            transactions.append(TransactionSigner.sign(unsigned, spentOutputs: [coinbase.outputs[0]], keys: [.p2wpkh(key)]))
        }
        return BlockBuilder.makeBlock(parent: parent.hash, height: height, time: parent.header.time + 600, bits: parent.header.bits,
                                      transactions: transactions, coinbaseScript: script,
                                      coinbaseValue: ChainParams.regtest.blockSubsidy(height: height),
                                      extraNonce: random.next()).block
    }

    mutating func run() throws {
        while true {
            var parent = chain.tip
            var count = 1
            if chain.height > 105, random.next() % 6 == 0 {
                // A competing branch from 1–3 blocks back, one block longer: a reorg.
                let depth = 1 + Int(random.next() % 3)
                parent = chain.info(for: chain.hash(atHeight: chain.height - depth)!)!
                count = depth + 1
            }
            for _ in 0..<count {
                let block = try makeBlock(on: parent)
                let result = try chain.processBlock(block, now: 2_000_000_000)
                for connected in result.update.connected {
                    ChainBuilder.say("connected \(connected.hash) \(chain.info(for: connected.hash)!.chainWork.hex)")
                }
                parent = chain.info(for: block.hash)!
            }
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let flushInterval = Int(arguments[2]), let seed = UInt64(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: node-crash-helper DIRECTORY FLUSH_INTERVAL SEED\n".utf8))
    exit(2)
}
do {
    var options = ChainOptions()
    options.flushInterval = flushInterval
    let chain = try ChainState(store: try LevelDBStore(path: arguments[1]), params: .regtest, options: options)
    ChainBuilder.say("ready \(chain.height)")
    var builder = ChainBuilder(chain: chain, random: SplitMix64(seed: seed))
    try builder.run()
} catch {
    ChainBuilder.say("error \(error)")
    exit(1)
}
