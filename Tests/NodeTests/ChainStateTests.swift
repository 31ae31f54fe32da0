import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

@Suite struct ChainStateTests {
    @Test(arguments: StoreKind.allCases)
    func newChainStartsAtGenesis(kind: StoreKind) throws {
        let test = try TestChain(kind)
        let info = test.chain.blockchainInfo()
        #expect(info.chain == "regtest")
        #expect(info.blocks == 0)
        #expect(info.bestBlockHash == ChainParams.regtest.genesisHash)
        // Core's regtest difficulty (its RPC prints 16 digits: 4.656542373906925e-10).
        #expect(info.difficulty == 4.6565423739069247e-10)
        #expect(try test.chain.utxoStatistics().outputs == 0)  // genesis outputs are never spendable
    }

    /// Longest (most-work) chain wins:
    ///
    ///     G … h5 ─ a6 ─ a7 ─ a8              active, then stale
    ///             └ b6 ─ b7 ─ b8 ─ b9        more work: reorg of depth 3
    @Test(arguments: StoreKind.allCases)
    func longerSideChainTriggersReorg(kind: StoreKind) throws {
        let test = try TestChain(kind)
        let base = try test.mine(5)
        let a = try test.mine(3)
        #expect(test.chain.tip.hash == a[2].hash)
        let b = try test.mine(3, on: base[4].hash)
        #expect(test.chain.tip.hash == a[2].hash, "equal work: the first seen stays")
        let b9 = try test.makeBlock(on: b[2].hash)
        let result = try test.submit(b9)
        #expect(result.acceptance == .accepted)
        #expect(result.update.disconnected.map(\.hash) == [a[2].hash, a[1].hash, a[0].hash])
        #expect(result.update.connected.map(\.hash) == b.map(\.hash) + [b9.hash])
        #expect(test.chain.tip.hash == b9.hash)
        #expect(test.chain.height == 9)
        try ReplayedUTXOSet.replay(test.chain).expectMatches(try test.chain.utxoStatistics())
    }

    /// Equal work keeps the first seen; the next block decides:
    ///
    ///     G … t3 ─ a4         active (first seen)
    ///            └ b4         same work, later: a fork
    ///            └ b4 ─ b5    more work: reorg
    @Test func equalWorkKeepsTheFirstSeen() throws {
        let test = try TestChain(.memory)
        let base = try test.mine(3)
        let a4 = try test.mine(1)[0]
        let b4 = try test.makeBlock(on: base[2].hash)
        let result = try test.submit(b4)
        #expect(result.acceptance == .accepted)
        #expect(result.update.isEmpty)
        #expect(test.chain.tip.hash == a4.hash)
        let tips = test.chain.chainTips()
        #expect(tips.first { $0.hash == b4.hash }?.status == .validHeaders)
        let b5 = try test.makeBlock(on: b4.hash)
        try test.submit(b5)
        #expect(test.chain.tip.hash == b5.hash)
        #expect(test.chain.chainTips().first { $0.hash == a4.hash }?.status == .validFork)
    }

    /// A block that extends the tip is stored and connected in one batch that writes each
    /// key once (its index record is not written twice); a block stored on a side branch is
    /// in the store when `processBlock` returns, so a chain state opened on the store
    /// without a flush — as after a crash — has both.
    @Test func storedBlocksReachTheStoreOnceAndBeforeTheCallReturns() throws {
        let memory = MemoryStore()
        let recording = RecordingStore(memory)
        let test = try TestChain(store: recording)
        let base = try test.mine(3)
        recording.forget()
        let a4 = try test.makeBlock()
        try test.submit(a4)
        #expect(test.chain.tip.hash == a4.hash)
        #expect(recording.batches.count == 1)
        let keys = recording.batches.flatMap { $0.operations.map(\.key) }
        #expect(Set(keys).count == keys.count, "a key written twice in one batch")

        recording.forget()
        let b4 = try test.makeBlock(on: base[2].hash)
        #expect(try test.submit(b4).update.isEmpty)
        #expect(recording.batches.count == 1)

        let reopened = try ChainState(store: memory, params: test.params, options: test.options)
        #expect(reopened.tip.hash == a4.hash)
        #expect(reopened.info(for: b4.hash)?.status.contains(.haveData) == true)
        #expect(try reopened.block(a4.hash) == a4)
        #expect(try reopened.block(b4.hash) == b4)
    }

    /// Core's rpc_getchaintips.py: after a split of 10 against 20 blocks, the 10-block branch
    /// is a valid fork of branch length 10.
    ///
    ///     G … s100 ─ a1 … a10              was active
    ///              └ b1 … … … b20          now active
    @Test func chainTipsAfterASplit() throws {
        let test = try TestChain(.memory)
        let split = try test.mine(100)
        let a = try test.mine(10)
        _ = try test.mine(20, on: split[99].hash)
        let tips = test.chain.chainTips()
        #expect(tips.count == 2)
        #expect(tips[0] == ChainTip(height: 120, hash: test.chain.tip.hash, branchLength: 0, status: .active))
        #expect(tips[1] == ChainTip(height: 110, hash: a[9].hash, branchLength: 10, status: .validFork))
    }

    /// Blocks may arrive before their parents: they wait as orphans and connect in order.
    @Test func orphansConnectWhenTheirParentArrives() throws {
        let builder = try TestChain(.memory)
        let blocks = try builder.mine(6)
        let test = try TestChain(.memory)
        for block in blocks.dropFirst().reversed() {
            #expect(try test.submit(block).acceptance == .orphan)
        }
        #expect(test.chain.orphanCount == 5)
        let result = try test.submit(blocks[0])
        #expect(result.acceptance == .accepted)
        #expect(result.update.connected.map(\.hash) == blocks.map(\.hash))
        #expect(test.chain.tip.hash == blocks[5].hash)
        #expect(test.chain.orphanCount == 0)
        #expect(try test.submit(blocks[3]).acceptance == .duplicate)
    }

    /// `invalidateblock` forces a reorg; `reconsiderblock` undoes it:
    ///
    ///     G … h5 ─ x6 ─ x7 ─ x8      active; invalidate x6 → y wins
    ///             └ y6 ─ y7          reconsider x6 → x wins again
    @Test(arguments: StoreKind.allCases)
    func invalidateAndReconsider(kind: StoreKind) throws {
        let test = try TestChain(kind)
        let base = try test.mine(5)
        let x = try test.mine(3)
        let y = try test.mine(2, on: base[4].hash)
        #expect(test.chain.tip.hash == x[2].hash)
        let invalidated = try test.chain.invalidateBlock(x[0].hash)
        #expect(invalidated.disconnected.count == 3)
        #expect(test.chain.tip.hash == y[1].hash)
        #expect(test.chain.info(for: x[0].hash)?.status.contains(.failed) == true)
        #expect(test.chain.info(for: x[2].hash)?.status.contains(.failedChild) == true)
        #expect(test.chain.chainTips().first { $0.hash == x[2].hash }?.status == .invalid)
        // Invalid stays invalid across a restart.
        try test.reopen()
        #expect(test.chain.tip.hash == y[1].hash)
        try test.chain.reconsiderBlock(x[0].hash)
        #expect(test.chain.tip.hash == x[2].hash)
        #expect(test.chain.info(for: x[2].hash)?.status.isInvalid == false)
        #expect(throws: ChainStateError.unknownBlock(BlockHash.zero)) { try test.chain.invalidateBlock(.zero) }
    }

    /// Reopening gives the same tip, chain tips and UTXO set.
    @Test(arguments: StoreKind.allCases)
    func reopenKeepsEverything(kind: StoreKind) throws {
        let test = try TestChain(kind)
        let base = try test.mine(105)
        // Spend two mature coinbases so the UTXO set has more than coinbase outputs.
        let spend1 = TestChain.spend(base[0].transactions[0])
        let spend2 = TestChain.spend(base[1].transactions[0])
        try test.submit(try test.makeBlock(transactions: [spend1, spend2]))
        _ = try test.mine(3, on: base[100].hash)  // a fork
        _ = try test.mine(2)
        let tip = test.chain.tip
        let tips = test.chain.chainTips()
        let statistics = try test.chain.utxoStatistics()
        try test.reopen()
        #expect(test.chain.tip == tip)
        #expect(test.chain.chainTips() == tips)
        #expect(try test.chain.utxoStatistics() == statistics)
        try ReplayedUTXOSet.replay(test.chain).expectMatches(statistics)
        #expect(try test.chain.transaction(spend1.txid)?.transaction == spend1)
    }

    /// With coins flushed only every 10 blocks, a restart replays what was not flushed.
    @Test func flushIntervalReplaysOnReopen() throws {
        var options = TestChain.defaultOptions
        options.flushInterval = 10
        let test = try TestChain(.leveldb, options: options)
        let blocks = try test.mine(107)
        try test.submit(try test.makeBlock(transactions: [TestChain.spend(blocks[0].transactions[0])]))
        let tip = test.chain.tip
        let expected = try ReplayedUTXOSet.replay(test.chain)
        // 108 blocks with a flush every 10: the coins of the last 8 exist only in memory.
        try test.simulateCrash()
        #expect(test.chain.tip == tip, "the unflushed blocks were replayed")
        expected.expectMatches(try test.chain.utxoStatistics())
    }
}

/// A side chain with an invalid block is refused with Core's reject string and never
/// becomes active, while its valid prefix stays valid:
///
///     G … h109 ─ a110 ─ a111                     active throughout
///              └ s110 ─ s111 (invalid) ─ s112    more work, but s111 breaks a rule
@Suite struct InvalidSideChainTests {
    enum Fault: String, CaseIterable, Sendable {
        case badSignature, doubleSpend, doubleSpendAgainstChain, overSubsidy, immatureCoinbaseSpend
        case badHeightInCoinbase, mutatedMerkle, badMerkleRoot, tooEarlyTimestamp, unknownInput
    }

    /// The reject string, and whether it is found when the block arrives (true) or only when
    /// the chain tries to connect it (false).
    static func expectation(_ fault: Fault) -> (reason: String, atAccept: Bool) {
        switch fault {
        case .badSignature: return ("mandatory-script-verify-flag-failed (EVAL_FALSE)", false)
        case .doubleSpend, .doubleSpendAgainstChain, .unknownInput: return ("bad-txns-inputs-missingorspent", false)
        case .overSubsidy: return ("bad-cb-amount", false)
        case .immatureCoinbaseSpend: return ("bad-txns-premature-spend-of-coinbase", false)
        case .badHeightInCoinbase: return ("bad-cb-height", true)
        case .mutatedMerkle: return ("bad-txns-duplicate", true)
        case .badMerkleRoot: return ("bad-txnmrklroot", true)
        case .tooEarlyTimestamp: return ("time-too-old", true)
        }
    }

    static func invalidBlock(_ fault: Fault, test: TestChain, parent: Block, base: [Block], s110Spend: Transaction) throws -> Block {
        let coinbase0 = base[0].transactions[0]
        let coinbase1 = base[1].transactions[0]
        switch fault {
        case .badSignature:
            var tampered = MutableTransaction(TestChain.spend(coinbase0))
            tampered.inputs[0].witness[0][10] ^= 0x01
            return try test.makeBlock(on: parent.hash, transactions: [tampered.transaction])
        case .doubleSpend:
            let first = TestChain.spend(coinbase0, fee: 10_000)
            let second = TestChain.spend(coinbase0, fee: 20_000)
            return try test.makeBlock(on: parent.hash, transactions: [first, second])
        case .doubleSpendAgainstChain:
            // s110 already spent coinbase 2's output; spend it again.
            return try test.makeBlock(on: parent.hash, transactions: [TestChain.spend(base[2].transactions[0], fee: 50_000)])
        case .unknownInput:
            let fake = Transaction(inputs: [TxIn(prevout: OutPoint(txid: Txid(Hash256(w0: 42, w1: 0, w2: 0, w3: 0)), index: 0))],
                                   outputs: [TxOut(value: Amount(satoshis: 1)!, scriptPubKey: .empty)])
            return try test.makeBlock(on: parent.hash, transactions: [fake])
        case .overSubsidy:
            return try test.makeBlock(on: parent.hash, coinbaseValue: Amount(unchecked: test.params.blockSubsidy(height: 111).satoshis + 1))
        case .immatureCoinbaseSpend:
            return try test.makeBlock(on: parent.hash, transactions: [TestChain.spend(base[100].transactions[0])])
        case .badHeightInCoinbase:
            return try test.makeBlock(on: parent.hash, coinbaseHeight: 5)
        case .mutatedMerkle:
            let valid = try test.makeBlock(on: parent.hash, transactions: [TestChain.spend(coinbase0), TestChain.spend(coinbase1)])
            return Block(header: valid.header, transactions: valid.transactions + [valid.transactions[2]])
        case .badMerkleRoot:
            let valid = try test.makeBlock(on: parent.hash, transactions: [TestChain.spend(coinbase0)])
            return Block(header: valid.header, transactions: [valid.transactions[0]])
        case .tooEarlyTimestamp:
            return try test.makeBlock(on: parent.hash, time: UInt32(test.chain.info(for: parent.hash)!.medianTimePast))
        }
    }

    @Test(arguments: Fault.allCases)
    func invalidBlockNeverBecomesActive(fault: Fault) throws {
        let test = try TestChain(.memory)
        let base = try test.mine(109)
        let a = try test.mine(2)
        let s110Spend = TestChain.spend(base[2].transactions[0])
        let s110 = try test.makeBlock(on: base[108].hash, transactions: [s110Spend])
        #expect(try test.submit(s110).acceptance == .accepted)
        let s111 = try Self.invalidBlock(fault, test: test, parent: s110, base: base, s110Spend: s110Spend)
        let (reason, atAccept) = Self.expectation(fault)

        let first = try test.submit(s111)
        if atAccept {
            #expect(first.acceptance == .invalid(ValidationError(.consensus, reason)) || first.acceptance.rejectReason == reason)
        } else {
            // Stored: it has equal work to a111, which was first, so nothing is connected yet.
            #expect(first.acceptance == .accepted)
            #expect(first.update.isEmpty)
        }
        // s112 would give the side chain the most work. When s111 never entered the block
        // tree, s112 is built by hand and can only wait as an orphan.
        let s112 = test.chain.info(for: s111.hash) != nil
            ? try test.makeBlock(on: s111.hash)
            : BlockBuilder.makeBlock(parent: s111.hash, height: 112, time: s111.header.time + 600, bits: s111.header.bits,
                                     transactions: [], coinbaseScript: TestKeys.minerScript,
                                     coinbaseValue: test.params.blockSubsidy(height: 112)).block
        let second = try test.submit(s112)
        if !atAccept {
            #expect(second.update.invalidated.map(\.hash) == [s111.hash])
            #expect(second.update.invalidated.first?.error.reason == reason)
            // The reorg was tried and rolled back: s110 was connected, then a110, a111 again.
            #expect(second.update.connected.last?.hash == a[1].hash)
            #expect(test.chain.info(for: s110.hash)?.status.contains(.fullyValid) == true)
            #expect(test.chain.info(for: s111.hash)?.status.contains(.failed) == true)
            #expect(test.chain.info(for: s112.hash)?.status.contains(.failedChild) == true)
        } else if test.chain.info(for: s111.hash) == nil {
            // Refused before entering the block tree: s112's parent is unknown.
            #expect(second.acceptance == .orphan)
        } else {
            // In the tree, marked failed: s112 builds on an invalid block.
            #expect(test.chain.info(for: s111.hash)?.status.contains(.failed) == true)
            #expect(second.acceptance.rejectReason == "bad-prevblk")
        }
        #expect(test.chain.tip.hash == a[1].hash)
        #expect(test.chain.info(for: s110.hash)?.status.isInvalid == false)
        try ReplayedUTXOSet.replay(test.chain).expectMatches(try test.chain.utxoStatistics())
    }
}

extension BlockAcceptance {
    var rejectReason: String? {
        if case .invalid(let error) = self { return error.reason }
        return nil
    }
}
