import BitcoinCrypto
import CBenchBaseline
import Consensus
import Foundation
import Node

/// Issue 4's figures: connecting blocks full of real P2WPKH spends (against bare signature
/// verification), in LevelDB and in memory with warm caches, reorgs, and reopening.
enum ChainBenchmarks {
    static let params = ChainParams.regtest
    static let keys = (0..<16).map { PrivateKey(bytes: SHA256.hash([UInt8]("bench key \($0)".utf8)).bytes)! }
    static func script(_ key: PrivateKey) -> Script { Address.witness(version: 0, program: key.publicKey().hash160).scriptPubKey }

    /// A spendable output and the key that signs for it.
    struct Spendable {
        let outpoint: OutPoint
        let output: TxOut
        let key: PrivateKey
    }

    /// Blocks ready to process, and what is needed to measure the bare verifies.
    struct Prepared {
        var setup: [Block] = []
        var measured: [Block] = []
        var bare: [(der: [UInt8], hash: [UInt8], key: [UInt8])] = []
        var spare: [Spendable] = []
    }

    static func block(on parent: Block, height: Int, transactions: [Transaction]) -> Block {
        BlockBuilder.makeBlock(parent: parent.hash, height: height, time: parent.header.time + 600, bits: parent.header.bits,
                               transactions: transactions, coinbaseScript: script(keys[0]),
                               coinbaseValue: params.blockSubsidy(height: height)).block
    }

    /// A chain that funds 113,000 P2WPKH outputs, then 1,000 blocks of 100 spends each.
    static func prepare() -> Prepared {
        var prepared = Prepared()
        var tip = params.genesisBlock
        var height = 0
        func append(_ transactions: [Transaction], to list: inout [Block]) {
            height += 1
            tip = block(on: tip, height: height, transactions: transactions)
            list.append(tip)
        }
        for _ in 0..<213 { append([], to: &prepared.setup) }
        // Fan out the coinbases of heights 1–113 into 1,000 outputs each, 28 per block.
        var spendable = [Spendable]()
        var fanOuts = [Transaction]()
        for coinbaseHeight in 1...113 {
            let coinbase = prepared.setup[coinbaseHeight - 1].transactions[0]
            let share = (coinbase.outputs[0].value.satoshis - 100_000) / 1000
            let outputs = (0..<1000).map { TxOut(value: Amount(unchecked: share), scriptPubKey: script(keys[$0 % keys.count])) }
            let unsigned = MutableTransaction(inputs: [TxIn(prevout: OutPoint(txid: coinbase.txid, index: 0))], outputs: outputs)
            let fanOut = TransactionSigner.sign(unsigned, spentOutputs: [coinbase.outputs[0]], keys: [.p2wpkh(keys[0])])
            fanOuts.append(fanOut)
            for (index, output) in outputs.enumerated() {
                spendable.append(Spendable(outpoint: OutPoint(txid: fanOut.txid, index: UInt32(index)), output: output, key: keys[index % keys.count]))
            }
            if fanOuts.count == 28 || coinbaseHeight == 113 {
                append(fanOuts, to: &prepared.setup)
                fanOuts.removeAll()
            }
        }
        for blockIndex in 0..<1000 {
            let transactions = (0..<100).map { spend(spendable[blockIndex * 100 + $0], bare: &prepared.bare) }
            append(transactions, to: &prepared.measured)
        }
        prepared.spare = Array(spendable[100_000...])
        return prepared
    }

    /// A signed one-in one-out spend; records its bare signature check.
    static func spend(_ coin: Spendable, bare: inout [(der: [UInt8], hash: [UInt8], key: [UInt8])]) -> Transaction {
        let unsigned = MutableTransaction(inputs: [TxIn(prevout: coin.outpoint)],
                                          outputs: [TxOut(value: Amount(unchecked: coin.output.value.satoshis - 1000), scriptPubKey: coin.output.scriptPubKey)])
        let signed = TransactionSigner.sign(unsigned, spentOutputs: [coin.output], keys: [.p2wpkh(coin.key)])
        let publicKey = coin.key.publicKey().bytes
        let hash = SignatureHash.witnessV0(transaction: signed, inputIndex: 0,
                                           scriptCode: Address.p2pkh(hash160(publicKey)).scriptPubKey.bytes,
                                           amount: coin.output.value, hashType: 1)
        bare.append((Array(signed.inputs[0].witness[0].dropLast()), hash.bytes, publicKey))
        return signed
    }

    static func process(_ blocks: [Block], into chain: ChainState) {
        for block in blocks {
            let result = try! chain.processBlock(block, now: 2_000_000_000)
            precondition(result.acceptance == .accepted, "benchmark block refused: \(result.acceptance)")
        }
    }

    static func run() {
        let start = ContinuousClock.now
        let prepared = prepare()
        print("prepared 1,000 blocks of 100 P2WPKH spends in \(ContinuousClock.now - start)")

        // Three interleaved rounds of bare verifies and cold LevelDB connects (each on a new
        // database with new caches); the ratio is reported as the median of the rounds.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regsim-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var ratios = [Double]()
        var bareTime = 0.0
        var disk: ChainState!
        var signatureCache: SignatureCache!
        for round in 0..<3 {
            bareTime = Measure.seconds {
                for input in prepared.bare {
                    precondition(baseline_ecdsa_verify(input.der, input.der.count, input.hash, input.key, input.key.count, 1) == 1)
                }
            }
            signatureCache = SignatureCache()
            let cold = TransactionVerifier(signatureCache: signatureCache, scriptCache: ScriptExecutionCache())
            if let disk { try! disk.close() }
            disk = try! ChainState(store: try! LevelDBStore(path: directory.appendingPathComponent("a\(round)").path), params: params, verifier: cold)
            process(prepared.setup, into: disk)
            let diskTime = Measure.seconds { process(prepared.measured, into: disk) }
            ratios.append(diskTime / bareTime)
            print("connect 1,000 blocks × 100 P2WPKH (LevelDB, cold caches), round \(round + 1): \(Measure.duration(diskTime)) vs 100,000 bare verifies \(Measure.duration(bareTime)) -> \(String(format: "%.3f", diskTime / bareTime))x; \(String(format: "%.0f", 1000 / diskTime)) blocks/s")
        }
        ratios.sort()
        print("  median ratio \(String(format: "%.3f", ratios[1]))x (range \(String(format: "%.3f", ratios[0]))–\(String(format: "%.3f", ratios[2]))x)")

        // The same signatures through TransactionVerifier alone (no chain state, no caches).
        let spentByOutpoint = Dictionary(uniqueKeysWithValues: prepared.setup.flatMap(\.transactions).flatMap { tx in
            tx.outputs.enumerated().map { (OutPoint(txid: tx.txid, index: UInt32($0.offset)), $0.element) }
        })
        let verifyOnly = TransactionVerifier(signatureCache: nil, scriptCache: nil)
        let flags = params.scriptFlags(height: 1000, hash: .zero)
        let verifyTime = Measure.seconds {
            for block in prepared.measured {
                for tx in block.transactions.dropFirst() {
                    try! verifyOnly.verify(tx, spentOutputs: tx.inputs.map { spentByOutpoint[$0.prevout]! }, flags: flags)
                }
            }
        }
        print("verify the 100,000 spends alone (TransactionVerifier, no caches): \(Measure.duration(verifyTime)) -> \(String(format: "%.3f", verifyTime / bareTime))x the last bare run")

        // The cold LevelDB run again with each block's scripts checked on every processor
        // (ChainOptions.scriptCheckThreads, Core's -par), against the same bare verifies.
        var parallel = ChainOptions()
        parallel.scriptCheckThreads = ProcessInfo.processInfo.activeProcessorCount
        let queued = try! ChainState(store: try! LevelDBStore(path: directory.appendingPathComponent("p").path), params: params,
                                     options: parallel, verifier: TransactionVerifier(signatureCache: SignatureCache(), scriptCache: ScriptExecutionCache()))
        process(prepared.setup, into: queued)
        let queuedTime = Measure.seconds { process(prepared.measured, into: queued) }
        try! queued.close()
        print("same, LevelDB, cold caches, scripts on \(parallel.scriptCheckThreads) threads:       \(Measure.duration(queuedTime)) -> \(String(format: "%.3f", queuedTime / bareTime))x the last bare run; \(String(format: "%.0f", 1000 / queuedTime)) blocks/s")

        // Memory store, warm signature cache (scripts run, signatures hit the cache).
        let warmSignatures = TransactionVerifier(signatureCache: signatureCache, scriptCache: ScriptExecutionCache())
        let memory = try! ChainState(store: MemoryStore(), params: params, verifier: warmSignatures)
        process(prepared.setup, into: memory)
        let memoryTime = Measure.seconds { process(prepared.measured, into: memory) }
        print("same, memory store, warm signature cache:                 \(Measure.duration(memoryTime)) -> \(String(format: "%.0f", 1000 / memoryTime)) blocks/s (\(Measure.duration(memoryTime / 100_000)) per input)")

        // Memory store, both caches warm (what the ten-thousandth node of a simulation sees).
        let warmBoth = TransactionVerifier(signatureCache: signatureCache, scriptCache: warmSignatures.scriptCache)
        let memory2 = try! ChainState(store: MemoryStore(), params: params, verifier: warmBoth)
        process(prepared.setup, into: memory2)
        let bothTime = Measure.seconds { process(prepared.measured, into: memory2) }
        print("same, memory store, warm signature and script caches:     \(Measure.duration(bothTime)) -> \(String(format: "%.0f", 1000 / bothTime)) blocks/s")

        // LevelDB again with both caches warm: what storage and bookkeeping cost on their own.
        let disk2 = try! ChainState(store: try! LevelDBStore(path: directory.appendingPathComponent("c").path), params: params, verifier: warmBoth)
        process(prepared.setup, into: disk2)
        let disk2Time = Measure.seconds { process(prepared.measured, into: disk2) }
        print("same, LevelDB, warm signature and script caches:          \(Measure.duration(disk2Time)) -> \(String(format: "%.0f", 1000 / disk2Time)) blocks/s")
        try! disk2.close()

        reorgs(disk: disk, spare: prepared.spare)
        try! disk.close()
        reopen(directory: directory.appendingPathComponent("b").path)
    }

    /// Reorgs of depth 10 and 100 on the LevelDB chain: a competing branch one block longer,
    /// with its own 100 spends per block (cold signatures), arrives; the last block triggers it.
    static func reorgs(disk: ChainState, spare: [Spendable]) {
        var remaining = spare[...]
        for depth in [10, 100] {
            var bare = [(der: [UInt8], hash: [UInt8], key: [UInt8])]()
            let forkHeight = disk.height - depth
            var parent = try! disk.block(atHeight: forkHeight)!
            var branch = [Block]()
            for offset in 1...(depth + 1) {
                let coins = remaining.prefix(100)
                remaining = remaining.dropFirst(100)
                parent = block(on: parent, height: forkHeight + offset, transactions: coins.map { spend($0, bare: &bare) })
                branch.append(parent)
            }
            process(Array(branch.dropLast()), into: disk)
            let time = Measure.seconds {
                let result = try! disk.processBlock(branch.last!, now: 2_000_000_000)
                precondition(result.update.disconnected.count == depth && result.update.connected.count == depth + 1)
            }
            print("reorg of depth \(depth) (disconnect \(depth), connect \(depth + 1) blocks of 100 spends): \(Measure.duration(time))")
        }
    }

    /// Reopen time of a 10,000-block chain, and its size on disk.
    static func reopen(directory: String) {
        var tip = params.genesisBlock
        let chain = try! ChainState(store: try! LevelDBStore(path: directory), params: params)
        for height in 1...10_000 {
            tip = block(on: tip, height: height, transactions: [])
            _ = try! chain.processBlock(tip, now: 2_000_000_000)
        }
        try! chain.close()
        let time = Measure.median(rounds: 3) {
            let reopened = try! ChainState(store: try! LevelDBStore(path: directory), params: params)
            precondition(reopened.height == 10_000)
            try! reopened.close()
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let bytes = files.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int) ?? 0)
        }
        print("reopen a 10,000-block chain: \(Measure.duration(time)); \(bytes / 10_000) bytes on disk per block (coinbase-only blocks)")
    }
}
