import BitcoinCrypto
import Consensus
import Node
import Testing

/// The chain database's number encodings, checked against Bitcoin Core's
/// `serialize_tests` and `compress_tests`.
@Suite struct ChainEncodingTests {
    /// `varints_bitpatterns`: a number and its VARINT bytes, written and read back.
    @Test(arguments: [
        (UInt64(0), "00"), (0x7f, "7f"), (0x80, "8000"), (0x1234, "a334"), (0xffff, "82fe7f"),
        (0x123456, "c7e756"), (0x8012_3456, "86ffc7e756"), (0xffff_ffff, "8efefefe7f"),
        (0x7fff_ffff_ffff_ffff, "fefefefefefefefe7f"), (0xffff_ffff_ffff_ffff, "80fefefefefefefefe7f"),
    ])
    func varIntBitPatterns(value: UInt64, hex: String) throws {
        var writer = ByteWriter()
        VarInt.write(value, to: &writer)
        #expect(Hex.encode(writer.bytes) == hex)
        var reader = ByteReader(try #require(Hex.decode(hex)))
        #expect(try VarInt.read(from: &reader) == value)
        #expect(reader.isAtEnd)
    }

    /// `varints`: Core's two loops of numbers, written one after another and read back in order.
    @Test func varIntSequencesRoundTrip() throws {
        let numbers = Array(UInt64(0)..<100_000) + Array(stride(from: UInt64(0), to: 100_000_000_000, by: 999_999_937))
        var writer = ByteWriter()
        for number in numbers { VarInt.write(number, to: &writer) }
        var reader = ByteReader(writer.bytes)
        for number in numbers { #expect(try VarInt.read(from: &reader) == number) }
        #expect(reader.isAtEnd)
    }

    /// A VARINT past 64 bits or cut short is an error, not a wrong number.
    @Test func varIntRejectsOverflowAndTruncation() throws {
        var tooLarge = ByteReader(try #require(Hex.decode("81fefefefefefefefe7f")))
        #expect(throws: DecodingError.self) { try VarInt.read(from: &tooLarge) }
        var truncated = ByteReader(try #require(Hex.decode("8efefe")))
        #expect(throws: DecodingError.self) { try VarInt.read(from: &truncated) }
    }

    /// `compress_amounts`: Core's pairs, then its encode and decode loops.
    @Test func amountCompressionMatchesCore() {
        let coin: UInt64 = 100_000_000
        let cent: UInt64 = 1_000_000
        for (amount, compressed) in [(UInt64(0), UInt64(0x0)), (1, 0x1), (cent, 0x7), (coin, 0x9), (50 * coin, 0x32), (21_000_000 * coin, 0x140_6f40)] {
            #expect(CoinCompression.compress(amount: amount) == compressed)
            #expect(CoinCompression.decompress(amount: compressed) == amount)
        }
        for i in UInt64(1)...10_000 {
            for amount in [i, i * cent, i * coin, i * 50 * coin] {
                #expect(CoinCompression.decompress(amount: CoinCompression.compress(amount: amount)) == amount)
            }
        }
        for compressed in UInt64(0)..<100_000 {
            #expect(CoinCompression.compress(amount: CoinCompression.decompress(amount: compressed)) == compressed)
        }
    }
}
