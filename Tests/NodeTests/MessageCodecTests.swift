import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

@Suite struct MessageCodecTests {
    static let magic: [UInt8] = [0xfa, 0xbf, 0xb5, 0xda]

    /// One message of every kind, with real blocks and transactions inside.
    static func sampleMessages() throws -> [NetworkMessage] {
        let (harness, alice) = try NodeHarness.funded()
        try alice.send(btc(1), to: alice.newAddress(), now: harness.now)
        let transaction = try unwrap(harness.node.mempool.transactions.first)
        let block = try unwrap(harness.mine(1, to: alice.newAddress()).first)
        let compact = CompactBlock(block: block, nonce: 42)
        return [
            .version(VersionMessage(timestamp: 1_600_000_000, nonce: 7, startHeight: 101)),
            .verack, .sendHeaders, .sendCompact(announce: true, version: 2),
            .inventory([.block(block.hash), .transaction(transaction.txid)]),
            .getData([.block(block.hash), InventoryItem(.compactBlock, block.hash.hash)]),
            .notFound([.transaction(transaction.txid)]),
            .transaction(transaction), .block(block), .headers([block.header, harness.node.chain.params.genesisBlock.header]),
            .getHeaders(locator: harness.node.chain.locator(), stop: .zero),
            .compactBlock(compact),
            .getBlockTransactions(block: block.hash, indexes: [1, 3, 4, 9]),
            .blockTransactions(block: block.hash, transactions: [transaction]),
            .ping(0xdead_beef), .pong(0xdead_beef),
        ]
    }

    /// Every message survives encode → decode, and `wireSize` equals the encoded length.
    @Test func everyMessageRoundTrips() throws {
        for message in try Self.sampleMessages() {
            let bytes = MessageCodec.encode(message, magic: Self.magic)
            #expect(bytes.count == message.wireSize, "\(message.command)")
            #expect(Array(bytes[0..<4]) == Self.magic)
            #expect(String(decoding: bytes[4..<16].prefix { $0 != 0 }, as: UTF8.self) == message.command)
            #expect(try MessageCodec.decode(bytes, magic: Self.magic) == message, "\(message.command)")
        }
    }

    /// Messages stay small to move through event queues: large payloads are boxed, and a
    /// single inventory item is held inline.
    @Test func messagesAreSmallValues() {
        #expect(MemoryLayout<NetworkMessage>.size <= 41)
        #expect(MemoryLayout<InventoryList>.size <= 40)
    }

    /// A known encoding: Core's `verack` on regtest is the header alone, checksum 5df6e0e2.
    @Test func verackMatchesCoresBytes() {
        let bytes = MessageCodec.encode(.verack, magic: Self.magic)
        #expect(Hex.encode(bytes) == "fabfb5da" + "76657261636b000000000000" + "00000000" + "5df6e0e2")
        #expect(MessageCodec.encode(.ping(1), magic: Self.magic).count == 32)
    }

    /// Damaged bytes are refused with the reason, never trap.
    @Test func damagedMessagesAreRefused() throws {
        let good = MessageCodec.encode(.ping(5), magic: Self.magic)
        #expect(throws: MessageCodec.Error.wrongMagic([0xf9, 0xbe, 0xb4, 0xd9])) {
            try MessageCodec.decode([0xf9, 0xbe, 0xb4, 0xd9] + good.dropFirst(4), magic: Self.magic)
        }
        var badChecksum = good
        badChecksum[20] ^= 1
        #expect(throws: MessageCodec.Error.badChecksum) { try MessageCodec.decode(badChecksum, magic: Self.magic) }
        var unknown = good
        unknown[4] = UInt8(ascii: "q")
        #expect(throws: MessageCodec.Error.unknownCommand("qing")) { try MessageCodec.decode(unknown, magic: Self.magic) }
        // Every truncation and every single-byte corruption of every sample either decodes
        // to some message or throws a codec error.
        var random = SplitMix64(seed: 3)
        for message in try Self.sampleMessages() {
            let bytes = MessageCodec.encode(message, magic: Self.magic)
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                #expect(throws: MessageCodec.Error.self) { try MessageCodec.decode(Array(bytes[0..<cut]), magic: Self.magic) }
            }
            for _ in 0..<50 {
                var damaged = bytes
                damaged[Int(random.next() % UInt64(damaged.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                _ = try? MessageCodec.decode(damaged, magic: Self.magic)
            }
        }
    }
}
