import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

/// `mempool.dat` in Bitcoin Core's layout (`DumpMempool` / `LoadMempool`), and a node that
/// reloads it after a restart.
@Suite struct MempoolDumpTests {
    /// A node with a parent, its child and an unrelated payment in its mempool, accepted at
    /// three different times.
    static func nodeWithThreeTransactions() throws -> (NodeHarness, Wallet, [Transaction]) {
        let (harness, alice) = try NodeHarness.funded()
        let bob = harness.node.addWallet(name: "bob", seed: Array("bob".utf8))
        let parent = try alice.send(btc(10), to: bob.newAddress(), now: harness.now)
        harness.now += 60
        let child = try bob.send(btc(4), to: bob.newAddress(), now: harness.now)
        harness.now += 60
        let other = try alice.send(btc(1), to: alice.newAddress(), now: harness.now)
        #expect(harness.node.mempool.count == 3)
        return (harness, alice, [parent, child, other])
    }

    /// Version 1 byte for byte: `uint64` version 1, `uint64` count, each transaction with
    /// its witnesses, its entry time and a zero fee delta (both `int64`), then empty fee-delta
    /// and unbroadcast lists (one CompactSize zero each). Parents come before children.
    @Test func dumpHasCoresVersionOneLayout() throws {
        let (harness, _, transactions) = try Self.nodeWithThreeTransactions()
        let dump = harness.node.mempool.dump()
        let bytes = dump.encoded()
        var expected = ByteWriter()
        expected.write(UInt64(1))
        expected.write(UInt64(3))
        let times = Dictionary(uniqueKeysWithValues: harness.node.mempool.entries.values.map { ($0.txid, $0.time) })
        for entry in dump.entries {
            expected.write(entry.transaction.serialized)
            expected.write(times[entry.transaction.txid] ?? -1)
            expected.write(Int64(0))
        }
        expected.write(UInt8(0))
        expected.write(UInt8(0))
        #expect(bytes == expected.bytes)
        #expect(dump.entries[0].transaction.hasWitness)  // P2WPKH spends keep their witnesses
        let order = dump.entries.map(\.transaction.txid)
        let parent = try #require(order.firstIndex(of: transactions[0].txid))
        let child = try #require(order.firstIndex(of: transactions[1].txid))
        #expect(parent < child)
        #expect(Set(order) == Set(transactions.map(\.txid)))
        #expect(try MempoolDump(bytes: bytes) == dump)
    }

    /// Version 2 (Core 28's default): the key follows the version as an 8-byte vector and
    /// every later byte at file offset n is XORed with key[n % 8]. Built here by hand.
    @Test func readsCoresObfuscatedVersionTwo() throws {
        let (harness, _, _) = try Self.nodeWithThreeTransactions()
        var dump = harness.node.mempool.dump()
        dump.feeDeltas = [MempoolDump.FeeDelta(txid: Txid(Hash256(w0: 7, w1: 7, w2: 7, w3: 7)), delta: -500)]
        dump.unbroadcast = [dump.entries[0].transaction.txid]
        let plain = dump.encoded()
        let key: [UInt8] = [0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88]
        var file = ByteWriter()
        file.write(UInt64(2))
        file.writeVarBytes(key)
        var obfuscated = file.bytes
        for byte in plain.dropFirst(8) { obfuscated.append(byte ^ key[obfuscated.count % 8]) }
        #expect(obfuscated.count == plain.count + 9)
        let decoded = try MempoolDump(bytes: obfuscated)
        #expect(decoded == dump)
        #expect(decoded.feeDeltas.first?.delta == -500)
        // A key of the wrong size is refused where it starts.
        var badKey = ByteWriter()
        badKey.write(UInt64(2))
        badKey.writeVarBytes([1, 2, 3])
        #expect(throws: DecodingError.invalidValue(field: "obfuscation key", offset: 8, reason: "3 bytes, expected 8")) {
            try MempoolDump(bytes: badKey.bytes + plain.dropFirst(8))
        }
    }

    /// Every truncation, an unknown version, a count the file cannot hold and trailing bytes
    /// give an error naming the byte; nothing crashes.
    @Test func malformedFilesAreRefusedWithTheirOffset() throws {
        let (harness, _, _) = try Self.nodeWithThreeTransactions()
        let bytes = harness.node.mempool.dump().encoded()
        for length in 0..<bytes.count {
            #expect(throws: DecodingError.self) { try MempoolDump(bytes: Array(bytes.prefix(length))) }
        }
        var version = bytes
        version[0] = 3
        #expect(throws: DecodingError.invalidValue(field: "mempool.dat version", offset: 0, reason: "3, expected 1 or 2")) {
            try MempoolDump(bytes: version)
        }
        var count = bytes
        count.replaceSubrange(8..<16, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
        #expect(throws: DecodingError.self) { try MempoolDump(bytes: count) }
        #expect(throws: DecodingError.trailingBytes(offset: bytes.count, count: 1)) { try MempoolDump(bytes: bytes + [0]) }
        var random = DeterministicRandom(seed: 5)
        for _ in 0..<2_000 {
            var mutated = bytes
            mutated[Int(random.next() % UInt64(mutated.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            _ = try? MempoolDump(bytes: mutated)
        }
    }

    /// After a restart the node offers the dump's transactions again, as Core's
    /// `LoadMempool`: they come back with their entry times and the wallets see them;
    /// expired ones are skipped; ones already there or no longer valid are counted apart.
    @Test func restartedNodeReloadsItsMempool() throws {
        let (harness, _, _) = try Self.nodeWithThreeTransactions()
        let before = harness.node.mempool.entries
        let dump = harness.node.mempool.dump()
        // Loading into the same mempool: everything is already there.
        let again = try harness.node.loadMempool(dump, now: harness.now)
        #expect((again.accepted, again.alreadyThere, again.failed, again.expired) == (0, 3, 0, 0))

        let store = try #require(harness.node.chain.database as? MemoryStore)
        try harness.node.chain.close()
        store.reopen()
        let reopened = try FullNode(name: "n1", store: store, params: .regtest)
        let bob = try #require(harness.node.wallet("bob")).restore(on: reopened)
        #expect(reopened.mempool.count == 0)
        #expect(bob.balances.unconfirmed == .zero)
        let result = try reopened.loadMempool(dump, now: harness.now + 3600)
        #expect((result.accepted, result.alreadyThere, result.failed, result.expired) == (3, 0, 0, 0))
        #expect(Set(reopened.mempool.entries.keys) == Set(before.keys))
        for (txid, entry) in before { #expect(reopened.mempool.entries[txid]?.time == entry.time) }
        #expect(bob.balances.unconfirmed > .zero)  // the wallet saw its payments come back

        // Entries accepted at T, T + 60 s and T + 120 s (now): 61 s short of the expiry for the
        // last one, the first is past it and not offered; the others fail on a chain without
        // their coins.
        let empty = try FullNode(name: "empty", store: MemoryStore(), params: .regtest)
        let aged = try empty.loadMempool(dump, now: harness.now + 336 * 3600 - 61)
        #expect((aged.expired, aged.failed, aged.accepted) == (1, 2, 0))

        // With the payment's coins spent by a mined conflict, the payment and what spends it fail.
        let conflicted = try Self.nodeWithThreeTransactions()
        let conflictingDump = conflicted.0.node.mempool.dump()
        let replacement = try conflicted.1.createDoubleSpend(of: conflicted.2[0].txid, to: conflicted.1.newAddress(), feeRate: FeeRate(satoshisPerVirtualByte: 30))
        #expect(try conflicted.0.submit(replacement) == .accepted)
        try conflicted.0.mine(1, to: conflicted.1.newAddress())
        let emptied = try #require(conflicted.0.node.chain.database as? MemoryStore)
        try conflicted.0.node.chain.close()
        emptied.reopen()
        let afterConflict = try FullNode(name: "n1", store: emptied, params: .regtest)
        let outcome = try afterConflict.loadMempool(conflictingDump, now: conflicted.0.now)
        #expect(outcome.failed >= 2)
        #expect(outcome.accepted + outcome.failed == 3)
        #expect(!afterConflict.mempool.contains(conflicted.2[0].txid))
        #expect(!afterConflict.mempool.contains(conflicted.2[1].txid))
    }
}
