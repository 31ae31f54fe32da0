import BitcoinCrypto
import Consensus
import TestSupport
import Testing

/// Real Bitcoin blocks, decoded and checked byte for byte.
@Suite struct MainnetBlockTests {
    static func blocks1to255() throws -> [Block] {
        try BlockFile.parse(try Fixture.bytes("mainnet-blocks-1-255.dat"), messageStart: ChainParams.mainnet.messageStart)
    }

    @Test func blocks1to255DecodeLinkAndProveWork() throws {
        let params = ChainParams.mainnet
        let blocks = try Self.blocks1to255()
        #expect(blocks.count == 255)
        var previous = params.genesisHash
        for block in blocks {
            #expect(block.header.previousBlockHash == previous)
            #expect(block.computedMerkleRoot == block.header.merkleRoot)
            #expect(!block.isMerkleMutated)
            #expect(ProofOfWork.check(hash: block.hash.hash, bits: block.header.bits, powLimit: params.powLimit))
            #expect(try Block(bytes: block.serialized).serialized == block.serialized)
            #expect(block.transactions.first?.isCoinbase == true)
            previous = block.hash
        }
        // The file round-trips as a whole.
        #expect(BlockFile.serialize(blocks, messageStart: params.messageStart) == (try Fixture.bytes("mainnet-blocks-1-255.dat")))
    }

    /// A header decoded against an expected header takes it only when the 80 bytes are
    /// exactly its fields; other bytes (here the next block's, or one flipped nonce bit)
    /// decode and hash as themselves.
    @Test func headerDecodingTrustsOnlyIdenticalBytes() throws {
        let blocks = try Self.blocks1to255()
        for (block, other) in zip(blocks, blocks.dropFirst()) {
            var writer = ByteWriter(capacity: 80)
            block.header.encode(to: &writer)
            var reader = ByteReader(writer.bytes)
            #expect(try BlockHeader(from: &reader, expecting: block.header).hash == block.hash)
            #expect(reader.isAtEnd)

            var mismatched = ByteReader(writer.bytes)
            #expect(try BlockHeader(from: &mismatched, expecting: other.header).hash == block.hash)

            var flipped = writer.bytes
            flipped[76] ^= 1
            var damaged = ByteReader(flipped)
            let decoded = try BlockHeader(from: &damaged, expecting: block.header)
            #expect(decoded.hash != block.hash)
            #expect(decoded.nonce == block.header.nonce ^ 1)
        }
    }

    @Test func block1And170() throws {
        let blocks = try Self.blocks1to255()
        #expect(blocks[0].hash.description == "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048")
        let block170 = blocks[169]
        #expect(block170.hash.description == "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee")
        #expect(block170.transactions.count == 2)
        let spend = block170.transactions[1]
        #expect(spend.txid.description == "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16")
        #expect(spend.inputs.count == 1)
        #expect(spend.inputs[0].prevout.txid.description == "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9")
        #expect(spend.outputs.map(\.value.satoshis) == [10 * Amount.coin, 40 * Amount.coin])
        #expect(spend.wtxid.hash == spend.txid.hash)
    }

    @Test func block277647() throws {
        let bytes = try Fixture.bytes("mainnet-block-277647.dat")
        let blocks = try BlockFile.parse(bytes, messageStart: ChainParams.mainnet.messageStart)
        #expect(blocks.count == 1)
        let block = try #require(blocks.first)
        #expect(block.transactions.count == 213)
        #expect(block.computedMerkleRoot == block.header.merkleRoot)
        #expect(ProofOfWork.check(hash: block.hash.hash, bits: block.header.bits, powLimit: ChainParams.mainnet.powLimit))
        #expect(block.serialized == Array(bytes[8...]))
        #expect(block.size == bytes.count - 8)
        #expect(block.weight.units == block.size * 4)  // no witness data in 2013
        let serializedTransactions = block.transactions.reduce(0) { $0 + $1.totalSize }
        #expect(serializedTransactions + 80 + 1 == block.size)  // 213 fits a one-byte CompactSize
    }

    @Test func mutatedMerkleTreeIsDetected() throws {
        // CVE-2012-2459: duplicating the last transaction of an odd list keeps the root.
        let leaves = try Self.blocks1to255().prefix(6).map(\.transactions[0].txid.hash)
        let five = Array(leaves[0..<5])
        let original = MerkleTree.root(of: five)
        let duplicated = MerkleTree.root(of: five + [five[4]])
        #expect(!original.mutated)
        #expect(original.root == duplicated.root)
        #expect(duplicated.mutated)
        // One level up: six leaves and the same six with the last pair repeated share a root.
        let six = MerkleTree.root(of: leaves)
        let eight = MerkleTree.root(of: leaves + Array(leaves[4..<6]))
        #expect(!six.mutated)
        #expect(six.root == eight.root)
        #expect(eight.mutated)
        #expect(MerkleTree.root(of: []).root == .zero)
    }

    @Test func blockFileErrorsNameTheRecord() throws {
        var bytes = try Fixture.bytes("mainnet-blocks-1-255.dat")
        let magic = ChainParams.mainnet.messageStart
        #expect(throws: BlockFile.Error.wrongMagic(offset: 0, found: magic)) {
            try BlockFile.parse(bytes, messageStart: ChainParams.regtest.messageStart)
        }
        bytes.removeLast(10)
        #expect(throws: BlockFile.Error.self) { try BlockFile.parse(bytes, messageStart: magic) }
        // Zero padding after the last record is ignored, as Core preallocates files.
        let padded = try Fixture.bytes("mainnet-block-277647.dat") + [UInt8](repeating: 0, count: 64)
        #expect(try BlockFile.parse(padded, messageStart: magic).count == 1)
    }
}
