import Consensus
import TestSupport
import Testing

/// Decoders meet 100,000 truncated and mutated copies of real blocks: each input must
/// either decode (and then re-encode to exactly the same bytes) or throw. None may crash.
@Suite struct FuzzTests {
    @Test func mutatedBlocksNeverCrashTheDecoders() throws {
        let magic = ChainParams.mainnet.messageStart
        let small = try BlockFile.parse(try Fixture.bytes("mainnet-blocks-1-255.dat"), messageStart: magic)
        let large = try BlockFile.parse(try Fixture.bytes("mainnet-block-277647.dat"), messageStart: magic)
        // Block 170 carries a real spend; the large block many transactions.
        let seeds = small.map(\.serialized) + small[169].transactions.map(\.serialized)
        let largeSeed = large[0].serialized
        var generator = SplitMix64(seed: 2459)
        var decoded = 0, refused = 0
        for round in 0..<100_000 {
            let useLarge = round % 500 == 0
            var input = useLarge ? largeSeed : seeds[Int(generator.next() % UInt64(seeds.count))]
            mutate(&input, using: &generator)
            for kind in 0..<3 {
                do {
                    let bytes: [UInt8]
                    switch kind {
                    case 0: bytes = try Block(bytes: input).serialized
                    case 1: bytes = try Transaction(bytes: input).serialized
                    default: bytes = try BlockHeader(bytes: input).serialized
                    }
                    #expect(bytes == input, "decoded input must re-encode identically")
                    decoded += 1
                } catch {
                    refused += 1
                }
            }
        }
        #expect(decoded + refused == 300_000)
        #expect(refused > 0 && decoded > 0)
    }

    private func mutate(_ input: inout [UInt8], using generator: inout SplitMix64) {
        switch generator.next() % 5 {
        case 0:  // truncate
            input.removeLast(Int(generator.next() % UInt64(input.count)))
        case 1:  // flip random bits
            for _ in 0...(generator.next() % 8) {
                input[Int(generator.next() % UInt64(input.count))] ^= UInt8(1 << (generator.next() % 8))
            }
        case 2:  // overwrite a byte with an extreme value (length prefixes become huge)
            input[Int(generator.next() % UInt64(input.count))] = [0x00, 0xfd, 0xfe, 0xff][Int(generator.next() % 4)]
        case 3:  // insert random bytes
            let position = Int(generator.next() % UInt64(input.count))
            input.insert(contentsOf: (0..<(1 + generator.next() % 4)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: position)
        default:  // delete a range
            let position = Int(generator.next() % UInt64(input.count))
            input.removeSubrange(position..<min(input.count, position + 1 + Int(generator.next() % 16)))
        }
    }
}
