import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

@Suite struct MiningTests {
    /// Templates respect the weight limit and the mined blocks pass full validation.
    @Test func templatesStayWithinLimitsAndMineValidBlocks() throws {
        let (harness, alice) = try NodeHarness.funded()
        try harness.mine(30, to: alice.newAddress())  // 31 mature coins
        for _ in 0..<30 { try alice.send(btc(1), to: alice.newAddress(), now: harness.now) }
        let mempool = harness.node.mempool
        #expect(mempool.count == 30)
        var options = BlockAssembler.Options()
        options.maxWeight = 10 * 600  // room for about ten 140-vbyte transactions
        let template = BlockAssembler.template(chain: harness.node.chain, mempool: mempool, now: harness.now, options: options)
        #expect(template.weight.units <= options.maxWeight)
        #expect(template.transactions.count >= 8 && template.transactions.count < 30)
        let block = BlockBuilder.makeBlock(parent: template.parent, height: template.height, time: template.time, bits: template.bits,
                                           transactions: template.transactions, coinbaseScript: alice.newAddress().scriptPubKey,
                                           coinbaseValue: template.coinbaseValue).block
        #expect(block.weight.units <= Weight.maxBlock.units)
        let (result, update) = try harness.node.submitBlock(block, now: harness.now)
        #expect(result.acceptance == .accepted)
        #expect(update.removed.count == template.transactions.count)
        #expect(update.removed.allSatisfy { $0.reason == .block })
        // The full template takes everything; its coinbase claims exactly subsidy + fees.
        let full = BlockAssembler.template(chain: harness.node.chain, mempool: mempool, now: harness.now)
        #expect(full.transactions.count == mempool.count)
        #expect(full.coinbaseValue.satoshis == ChainParams.regtest.blockSubsidy(height: full.height).satoshis + full.fees.satoshis)
        let mined = try #require(try harness.mine(1, to: alice.newAddress()).first)
        #expect(mined.transactions[0].outputs[0].value == full.coinbaseValue)
        #expect(mempool.count == 0)
    }

    /// Grinding meets harder targets than regtest's, and the extranonce changes when a
    /// coinbase's nonces run out.
    @Test func grindingMeetsTheTargetAndRollsTheExtraNonce() throws {
        let bits = CompactTarget(0x1f0f_ffff)  // about 4,096 hashes per block
        let target = try #require(bits.target)
        let (block, hashes, _) = BlockBuilder.makeBlock(
            parent: ChainParams.regtest.genesisHash, height: 1, time: 1_600_000_000, bits: bits, transactions: [],
            coinbaseScript: TestKeys.minerScript, coinbaseValue: btc(50))
        #expect(UInt256(block.hash.hash) <= target)
        #expect(hashes > 1)
        #expect(try BlockCheck.checkHeader(block.header, params: .regtest) == ())
        // With only 4 nonces per extranonce the search must move to later extranonces.
        let rolled = BlockBuilder.makeBlock(
            parent: ChainParams.regtest.genesisHash, height: 1, time: 1_600_000_000, bits: bits, transactions: [],
            coinbaseScript: TestKeys.minerScript, coinbaseValue: btc(50), noncesPerExtraNonce: 4)
        #expect(rolled.extraNonce > 0)
        #expect(rolled.block.header.nonce < 4)
        #expect(UInt256(rolled.block.hash.hash) <= target)
    }

    /// `generateblock` mines exactly the given transactions, even ones the mempool never saw.
    @Test func generateBlockWithChosenTransactions() throws {
        let (harness, alice) = try NodeHarness.funded()
        let mallory = harness.node.addWallet(name: "mallory", seed: Array("mallory".utf8))
        let payment = try alice.send(btc(5), to: alice.newAddress(), now: harness.now)
        let secret = try alice.createDoubleSpend(of: payment.txid, to: mallory.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 3))
        let (block, result) = try harness.node.generateBlock(transactions: [secret], to: mallory.newAddress().scriptPubKey, now: harness.now + 600)
        #expect(result.acceptance == .accepted)
        #expect(block.transactions.map(\.txid).dropFirst() == [secret.txid])
        // The coinbase claims the fee; the mempool's conflicting payment is gone.
        let fee = btc(50).satoshis - secret.outputs[0].value.satoshis
        #expect(block.transactions[0].outputs[0].value.satoshis == btc(50).satoshis + fee)
        #expect(!harness.node.mempool.contains(payment.txid))
        #expect(alice.confirmations(payment.txid) == -1)
        #expect(mallory.confirmations(secret.txid) == 1)
    }
}
