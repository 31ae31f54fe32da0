import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

@Suite struct WalletTests {
    /// Core's classic regtest walk-through: mine 101 blocks, pay, see the payment in the
    /// mempool, mine it; balances are right at every step.
    @Test func payAndConfirm() throws {
        let harness = try NodeHarness()
        let node = harness.node
        let alice = node.addWallet(name: "alice", seed: Array("alice".utf8))
        let bob = node.addWallet(name: "bob", seed: Array("bob".utf8))
        try harness.mine(100, to: alice.newAddress())
        // 100 blocks: every coinbase is immature (Core's wallet needs 101 confirmations).
        #expect(alice.balances == Wallet.Balances(confirmed: .zero, unconfirmed: .zero, immature: btc(5000)))
        #expect(throws: WalletError.self) { try alice.send(btc(1), to: bob.newAddress(), now: harness.now) }
        try harness.mine(1, to: alice.newAddress())
        #expect(alice.balances == Wallet.Balances(confirmed: btc(50), unconfirmed: .zero, immature: btc(5000)))

        let bobAddress = bob.newAddress()
        let payment = try alice.send(btc(10), to: bobAddress, now: harness.now)
        #expect(node.mempool.contains(payment.txid))
        #expect(alice.confirmations(payment.txid) == 0)
        #expect(bob.balances.unconfirmed == btc(10))
        let fee = 50 * Amount.coin - payment.outputs.reduce(0) { $0 + $1.value.satoshis }
        #expect(fee > 0 && fee < 1000)  // about 141 vbytes at 2 sat/vB
        #expect(alice.balances.confirmed == .zero)
        #expect(alice.balances.unconfirmed.satoshis == 40 * Amount.coin - fee)

        try harness.mine(1, to: alice.newAddress())
        #expect(!node.mempool.contains(payment.txid))
        #expect(alice.confirmations(payment.txid) == 1)
        #expect(bob.balances == Wallet.Balances(confirmed: btc(10), unconfirmed: .zero, immature: .zero))
        // Block 2's coinbase matured with block 102; block 102 pays subsidy plus the fee.
        #expect(alice.balances.confirmed.satoshis == 40 * Amount.coin - fee + 50 * Amount.coin)
        // Immature: the coinbases of blocks 3–102 (block 102's carries the fee).
        #expect(alice.balances.immature.satoshis == 100 * 50 * Amount.coin + fee)
        try harness.mine(5, to: alice.newAddress())
        #expect(bob.confirmations(payment.txid) == 6)
        #expect(bob.listUnspent().map(\.confirmations) == [6])
    }

    @Test func addressesAreDeterministicAndOfEachKind() throws {
        let harness = try NodeHarness()
        let first = harness.node.addWallet(name: "a", seed: [1, 2, 3])
        let again = try NodeHarness().node.addWallet(name: "a", seed: [1, 2, 3])
        let kinds: [Wallet.AddressKind] = [.p2wpkh, .p2pkh, .p2tr]
        let addresses = kinds.map { first.string(first.newAddress($0)) }
        #expect(addresses == kinds.map { again.string(again.newAddress($0)) })
        #expect(addresses[0].hasPrefix("bcrt1q"))
        #expect(addresses[1].hasPrefix("m") || addresses[1].hasPrefix("n"))
        #expect(addresses[2].hasPrefix("bcrt1p"))
        for (address, kind) in zip(addresses, kinds) { #expect(first.isMine(try Address(address, params: .regtest).scriptPubKey), "\(kind)") }
    }

    /// Coins on P2PKH and P2TR addresses are spendable too.
    @Test func legacyAndTaprootCoinsSpend() throws {
        let (harness, alice) = try NodeHarness.funded()
        let bob = harness.node.addWallet(name: "bob", seed: Array("bob".utf8))
        try alice.send(btc(3), to: bob.newAddress(.p2pkh), now: harness.now)
        try alice.send(btc(4), to: bob.newAddress(.p2tr), now: harness.now)
        try harness.mine(1, to: alice.newAddress())
        #expect(bob.balances.confirmed == btc(7))
        let carol = harness.node.addWallet(name: "carol", seed: Array("carol".utf8))
        let spend = try bob.send(btc(6.5), to: carol.newAddress(), now: harness.now)
        #expect(spend.inputs.count == 2)
        try harness.mine(1, to: alice.newAddress())
        #expect(carol.balances.confirmed == btc(6.5))
        #expect(bob.confirmations(spend.txid) == 1)
    }
}
