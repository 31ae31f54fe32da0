import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

@Suite struct MempoolTests {
    /// First seen wins; with full RBF (Core's default) a higher fee replaces.
    @Test func conflictsAreFirstSeenOrReplacedByFee() throws {
        let (harness, alice) = try NodeHarness.funded()
        let bob = harness.node.addWallet(name: "bob", seed: Array("bob".utf8))
        let mallory = harness.node.addWallet(name: "mallory", seed: Array("mallory".utf8))
        let payment = try alice.send(btc(10), to: bob.newAddress(), now: harness.now)
        // Same coins, same fee rate: the replacement does not pay more.
        let sameFee = try alice.createDoubleSpend(of: payment.txid, to: mallory.newAddress(), feeRate: Wallet.defaultFeeRate)
        #expect(try harness.submit(sameFee).rejectReason == "insufficient fee")
        #expect(harness.node.mempool.contains(payment.txid))
        // A higher fee replaces it; the wallet sees its payment leave the mempool.
        let higherFee = try alice.createDoubleSpend(of: payment.txid, to: mallory.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 20))
        let result = try harness.node.submitTransaction(higherFee, now: harness.now)
        #expect(result.acceptance == .accepted)
        #expect(result.update.removed.map(\.transaction.txid) == [payment.txid])
        #expect(result.update.removed.first?.reason == .replaced)
        #expect(!harness.node.mempool.contains(payment.txid))
        // When the replacement confirms, the payment is conflicted: negative confirmations.
        try harness.mine(2, to: alice.newAddress())
        #expect(alice.confirmations(payment.txid) == -2)
        #expect(bob.balances.confirmed == .zero)
    }

    /// Under BIP 125 opt-in only, a transaction that does not signal cannot be replaced:
    /// `txn-mempool-conflict` whatever the fee.
    @Test func optInPolicyKeepsTheFirstSeen() throws {
        var options = MempoolOptions()
        options.replacement = .optIn
        let (harness, alice) = try NodeHarness.funded(mempool: options)
        let first = try alice.createTransaction(paying: [(alice.newAddress(), btc(1))], feeRate: Wallet.defaultFeeRate)
        let finalFirst = try resignWithSequence(first, wallet: alice, sequence: TxIn.sequenceFinal)
        #expect(try harness.submit(finalFirst) == .accepted)
        let second = try alice.createDoubleSpend(of: finalFirst.txid, to: alice.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 50))
        #expect(try harness.submit(second).rejectReason == "txn-mempool-conflict")
        // A signalling transaction can be replaced under the same policy.
        try harness.mine(1, to: alice.newAddress())
        let signalling = try alice.send(btc(1), to: alice.newAddress(), now: harness.now)
        let replacement = try alice.createDoubleSpend(of: signalling.txid, to: alice.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 50))
        #expect(try harness.submit(replacement) == .accepted)
    }

    /// Re-signs `transaction` (spending the wallet's coins) with every input at `sequence`.
    func resignWithSequence(_ transaction: Transaction, wallet: Wallet, sequence: UInt32) throws -> Transaction {
        var unsigned = MutableTransaction(transaction)
        unsigned.inputs = unsigned.inputs.map { TxIn(prevout: $0.prevout, sequence: sequence) }
        let coins = try unsigned.inputs.map { input in try unwrap(wallet.listUnspent().first { $0.outpoint == input.prevout }) }
        return wallet.signTransaction(unsigned, spending: coins)
    }

    /// Three unconfirmed transactions in a chain are mined in ancestor order.
    @Test func unconfirmedChainIsMinedInOrder() throws {
        let (harness, alice) = try NodeHarness.funded()
        let a = try alice.send(btc(49), to: alice.newAddress(), now: harness.now)
        let b = try alice.send(btc(48), to: alice.newAddress(), now: harness.now)
        let c = try alice.send(btc(47), to: alice.newAddress(), now: harness.now)
        #expect(b.inputs.contains { $0.prevout.txid == a.txid })
        #expect(c.inputs.contains { $0.prevout.txid == b.txid })
        let entry = try #require(harness.node.mempool.entries[c.txid])
        #expect(entry.ancestorCount == 3)
        #expect(harness.node.mempool.entries[a.txid]?.descendantCount == 3)
        let block = try #require(try harness.mine(1, to: alice.newAddress()).first)
        #expect(block.transactions.dropFirst().map(\.txid) == [a.txid, b.txid, c.txid])
        #expect(harness.node.mempool.count == 0)
    }

    /// A low-fee parent with a high-fee child is mined together (child pays for parent),
    /// while an unrelated transaction at the parent's rate is not.
    @Test func childPaysForParent() throws {
        let (harness, alice) = try NodeHarness.funded()
        try harness.mine(2, to: alice.newAddress())  // two more mature coins
        let parent = try alice.send(btc(20), to: alice.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 1), now: harness.now)
        let lonely = try alice.createTransaction(paying: [(alice.newAddress(), btc(5))], feeRate: FeeRate(satoshisPerVirtualByte: 1))
        #expect(try harness.submit(lonely) == .accepted)
        // The child spends the parent's 20 BTC output at 100 sat/vB.
        let parentOutput = try #require(alice.listUnspent().first { $0.outpoint.txid == parent.txid && $0.output.value == btc(20) })
        let child = alice.signTransaction(
            MutableTransaction(inputs: [TxIn(prevout: parentOutput.outpoint, sequence: 0xffff_fffd)],
                               outputs: [TxOut(value: Amount(unchecked: btc(20).satoshis - 11_000), scriptPubKey: alice.newAddress().scriptPubKey)]),
            spending: [parentOutput])
        #expect(try harness.submit(child) == .accepted)
        var options = BlockAssembler.Options()
        options.minimumFeeRate = FeeRate(satoshisPerVirtualByte: 5)
        let template = BlockAssembler.template(chain: harness.node.chain, mempool: harness.node.mempool, now: harness.now, options: options)
        #expect(template.transactions.map(\.txid) == [parent.txid, child.txid])
        #expect(!template.transactions.contains { $0.txid == lonely.txid })
    }

    /// A reorg returns disconnected transactions to the mempool; one conflicting with the
    /// new chain is gone and its wallet shows it conflicted.
    ///
    ///     … h101 ─ x102 (pays bob, pays carol)            disconnected
    ///            └ y102 (mallory double-spends bob's) ─ y103    wins
    @Test func reorgReturnsAndConflictsTransactions() throws {
        let (harness, alice) = try NodeHarness.funded()
        try harness.mine(1, to: alice.newAddress())  // a second mature coin
        let node = harness.node
        let bob = node.addWallet(name: "bob", seed: Array("bob".utf8))
        let carol = node.addWallet(name: "carol", seed: Array("carol".utf8))
        let mallory = node.addWallet(name: "mallory", seed: Array("mallory".utf8))
        let fork = node.chain.tip
        let toBob = try alice.send(btc(10), to: bob.newAddress(), now: harness.now)
        // 30 BTC fits the other confirmed coin, so this payment does not depend on bob's.
        let toCarol = try alice.send(btc(30), to: carol.newAddress(), now: harness.now)
        #expect(!toCarol.inputs.contains { $0.prevout.txid == toBob.txid })
        let x = try #require(try harness.mine(1, to: alice.newAddress()).first)
        #expect(Set(x.transactions.dropFirst().map(\.txid)) == [toBob.txid, toCarol.txid])
        #expect(bob.confirmations(toBob.txid) == 1)

        // A competing branch where the coins paying bob go to mallory instead.
        let doubleSpend = try alice.createDoubleSpend(of: toBob.txid, to: mallory.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 5))
        let miner = TestKeys.minerScript
        let y102 = BlockBuilder.makeBlock(parent: fork.hash, height: fork.height + 1, time: fork.header.time + 1, bits: fork.header.bits,
                                          transactions: [doubleSpend], coinbaseScript: miner,
                                          coinbaseValue: btc(50), extraNonce: 7).block
        let y103 = BlockBuilder.makeBlock(parent: y102.hash, height: fork.height + 2, time: fork.header.time + 2, bits: fork.header.bits,
                                          transactions: [], coinbaseScript: miner, coinbaseValue: btc(50), extraNonce: 8).block
        _ = try node.submitBlock(y102, now: harness.now)
        #expect(node.chain.tip.hash == x.hash, "equal work: x102 stays")
        let (result, mempoolUpdate) = try node.submitBlock(y103, now: harness.now)
        #expect(result.update.net.disconnected.map(\.hash) == [x.hash])
        #expect(node.chain.tip.hash == y103.hash)
        // carol's payment did not conflict: back in the mempool, unconfirmed again.
        #expect(node.mempool.contains(toCarol.txid))
        #expect(mempoolUpdate.added.map(\.txid) == [toCarol.txid])
        #expect(carol.confirmations(toCarol.txid) == 0)
        #expect(carol.balances.unconfirmed == btc(30))
        // bob's payment conflicts with the new chain: gone, and conflicted in both wallets.
        #expect(!node.mempool.contains(toBob.txid))
        #expect(bob.confirmations(toBob.txid) == -2)
        #expect(alice.confirmations(toBob.txid) == -2)
        #expect(bob.balances.confirmed == .zero && bob.balances.unconfirmed == .zero)
        #expect(mallory.confirmations(doubleSpend.txid) == 2)
    }

    /// Bad input gets a clear rejection, never a crash.
    @Test func badTransactionsAreRejectedCleanly() throws {
        let (harness, alice) = try NodeHarness.funded()
        #expect(throws: DecodingError.self) { try Transaction(bytes: [0x02, 0x00, 0x00, 0x00, 0x01]) }
        let unknown = Transaction(inputs: [TxIn(prevout: OutPoint(txid: Txid(Hash256(w0: 9, w1: 9, w2: 9, w3: 9)), index: 0))],
                                  outputs: [TxOut(value: btc(1), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(unknown) == .orphan)
        #expect(harness.node.mempool.orphanCount == 1)
        let coin = try #require(alice.listUnspent().first { $0.spendable })
        func spending(_ outputs: [TxOut]) -> Transaction {
            alice.signTransaction(MutableTransaction(inputs: [TxIn(prevout: coin.outpoint)], outputs: outputs), spending: [coin])
        }
        let tooMuch = spending([TxOut(value: Amount(unchecked: Amount.maxMoney.satoshis + 1), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(tooMuch).rejectReason == "bad-txns-vout-toolarge")
        let negativeFee = spending([TxOut(value: btc(51), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(negativeFee).rejectReason == "bad-txns-in-belowout")
        let negativeOutput = spending([TxOut(value: Amount(unchecked: -1), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(negativeOutput).rejectReason == "bad-txns-vout-negative")
        let noFee = spending([TxOut(value: btc(50), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(noFee).rejectReason == "min relay fee not met")
        let dust = spending([TxOut(value: Amount(unchecked: 100), scriptPubKey: alice.newAddress().scriptPubKey),
                             TxOut(value: btc(49), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(dust).rejectReason == "dust")
        var badSignature = MutableTransaction(spending([TxOut(value: btc(49), scriptPubKey: alice.newAddress().scriptPubKey)]))
        badSignature.inputs[0].witness[0][8] ^= 1
        #expect(try harness.submit(badSignature.transaction).rejectReason?.hasPrefix("mandatory-script-verify-flag-failed") == true)
        let good = spending([TxOut(value: btc(49), scriptPubKey: alice.newAddress().scriptPubKey)])
        #expect(try harness.submit(good) == .accepted)
        #expect(try harness.submit(good).rejectReason == "txn-already-in-mempool")
        // Spending the youngest coinbase (depth 1). The wallet already calls a depth-100
        // coinbase immature, one block earlier than consensus does, as Core's wallet does.
        let immature = try #require(alice.listUnspent().last { !$0.spendable })
        let early = alice.signTransaction(MutableTransaction(inputs: [TxIn(prevout: immature.outpoint)],
                                                           outputs: [TxOut(value: btc(49), scriptPubKey: alice.newAddress().scriptPubKey)]),
                                        spending: [immature])
        let earlyResult = try harness.submit(early)
        #expect(earlyResult.rejectReason == "bad-txns-premature-spend-of-coinbase", "\(earlyResult)")
    }

    /// An orphan is accepted when its parent arrives.
    @Test func orphansResolve() throws {
        let (harness, alice) = try NodeHarness.funded()
        let parent = try alice.createTransaction(paying: [(alice.newAddress(), btc(30))], feeRate: Wallet.defaultFeeRate)
        let parentOutput = Wallet.Unspent(outpoint: OutPoint(txid: parent.txid, index: 0), output: parent.outputs[0],
                                          confirmations: 0, isCoinbase: false, spendable: true)
        let child = alice.signTransaction(MutableTransaction(inputs: [TxIn(prevout: parentOutput.outpoint)],
                                                           outputs: [TxOut(value: btc(29.9), scriptPubKey: alice.newAddress().scriptPubKey)]),
                                        spending: [parentOutput])
        #expect(try harness.submit(child) == .orphan)
        let result = try harness.node.submitTransaction(parent, now: harness.now)
        #expect(result.acceptance == .accepted)
        #expect(result.update.added.map(\.txid) == [parent.txid, child.txid])
    }

    /// More than 25 unconfirmed ancestors: `too-long-mempool-chain`.
    @Test func ancestorLimit() throws {
        let (harness, alice) = try NodeHarness.funded()
        var accepted = 0
        var lastReason: String?
        for index in 0..<30 {
            do {
                try alice.send(btc(Double(49 - index) * 0.5 + 10), to: alice.newAddress(), now: harness.now)
                accepted += 1
            } catch {
                if case .rejected(_, let validation) = error { lastReason = validation.reason }
                break
            }
        }
        #expect(accepted == 25)
        #expect(lastReason == "too-long-mempool-chain")
    }

    /// Expiry and the size limit remove transactions with their reason.
    @Test func expiryAndSizeLimit() throws {
        var options = MempoolOptions()
        options.expiry = 3600
        let (harness, alice) = try NodeHarness.funded(mempool: options)
        let payment = try alice.send(btc(1), to: alice.newAddress(), now: harness.now)
        let update = harness.node.expireMempool(now: harness.now + 3601)
        #expect(update.removed.map(\.reason) == [.expiry])
        #expect(!harness.node.mempool.contains(payment.txid))

        var small = MempoolOptions()
        small.maxVirtualSize = 200  // room for one of the ~141 vB payments
        let (full, bob) = try NodeHarness.funded(mempool: small)
        try full.mine(2, to: bob.newAddress())
        let cheap = try bob.send(btc(1), to: bob.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 2), now: full.now)
        let rich = try bob.createTransaction(paying: [(bob.newAddress(), btc(1))], feeRate: FeeRate(satoshisPerVirtualByte: 30))
        let result = try full.node.submitTransaction(rich, now: full.now)
        #expect(result.acceptance == .accepted)
        #expect(result.update.removed.map(\.transaction.txid) == [cheap.txid])
        #expect(result.update.removed.first?.reason == .sizeLimit)
        let poor = try bob.createTransaction(paying: [(bob.newAddress(), btc(1))], feeRate: FeeRate(satoshisPerVirtualByte: 2))
        #expect(try full.submit(poor).rejectReason == "mempool min fee not met")
    }
}
