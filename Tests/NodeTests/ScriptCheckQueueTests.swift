import BitcoinCrypto
import Consensus
import Node
import Testing

/// Scripts checked on several threads (`ChainOptions.scriptCheckThreads`, Core's `-par`)
/// give the same chain and, for an invalid block, the same error as on one.
@Suite struct ScriptCheckQueueTests {
    /// A memory chain with 125 blocks whose coinbases pay the miner key, verifying scripts
    /// on `threads` threads (no caches shared with any other chain).
    static func chain(threads: Int) throws -> (TestChain, [Block]) {
        var options = TestChain.defaultOptions
        options.scriptCheckThreads = threads
        let test = try TestChain(.memory, options: options)
        return (test, try test.mine(125))
    }

    /// Spends of the first `count` coinbases; those at `tampered` carry a broken signature.
    static func spends(of base: [Block], count: Int, tampered: Set<Int> = []) -> [Transaction] {
        (0..<count).map { index in
            var spend = MutableTransaction(TestChain.spend(base[index].transactions[0]))
            if tampered.contains(index) { spend.inputs[0].witness[0][10] ^= 0x01 }
            return spend.transaction
        }
    }

    /// The error the chain gives `block` when it tries to connect it (nil: connected).
    static func connectError(_ block: Block, on test: TestChain) throws -> ValidationError? {
        let result = try test.submit(block)
        return result.update.invalidated.first { $0.hash == block.hash }?.error
    }

    @Test func validBlockConnectsAlikeOnAnyNumberOfThreads() throws {
        var hashes = Set<String>()
        for threads in [1, 2, 4] {
            let (test, base) = try Self.chain(threads: threads)
            let block = try test.makeBlock(transactions: Self.spends(of: base, count: 12))
            #expect(try Self.connectError(block, on: test) == nil)
            #expect(test.chain.tip.hash == block.hash)
            let statistics = try test.chain.utxoStatistics()
            try ReplayedUTXOSet.replay(test.chain).expectMatches(statistics)
            hashes.insert(statistics.hashSerialized.displayHex)
        }
        #expect(hashes.count == 1)
    }

    /// With two bad signatures, every thread count names the earlier transaction, however
    /// the threads happen to finish; the block stays out of the active chain.
    @Test func invalidBlockNamesTheFirstFailingTransactionOnAnyNumberOfThreads() throws {
        for threads in [1, 2, 4, 4, 4] {
            let (test, base) = try Self.chain(threads: threads)
            let transactions = Self.spends(of: base, count: 12, tampered: [3, 9])
            let tip = test.chain.tip.hash
            let block = try test.makeBlock(transactions: transactions)
            let error = try #require(try Self.connectError(block, on: test))
            #expect(error.reason == "mandatory-script-verify-flag-failed (EVAL_FALSE)")
            #expect(error.detail == "tx \(transactions[3].txid) input 0")
            #expect(test.chain.tip.hash == tip)
            try ReplayedUTXOSet.replay(test.chain).expectMatches(try test.chain.utxoStatistics())
        }
    }

    /// As with Core's check queue, scripts wait for the block's other rules: a block that
    /// breaks both reports a bad script on one thread and the other rule on several.
    @Test func otherRulesComeFirstWhenScriptsAreQueued() throws {
        for threads in [1, 2] {
            let (test, base) = try Self.chain(threads: threads)
            var transactions = Self.spends(of: base, count: 4, tampered: [1])
            transactions.append(TestChain.spend(base[0].transactions[0], fee: 20_000))  // spends coinbase 0 again
            let block = try test.makeBlock(transactions: transactions)
            let error = try #require(try Self.connectError(block, on: test))
            #expect(error.reason == (threads == 1 ? "mandatory-script-verify-flag-failed (EVAL_FALSE)" : "bad-txns-inputs-missingorspent"))
        }
    }
}
