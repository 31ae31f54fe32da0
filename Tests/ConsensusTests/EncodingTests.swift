import Consensus
import TestSupport
import Testing

@Suite struct EncodingTests {
    @Test(arguments: [
        (UInt64(0), "00"), (252, "fc"), (253, "fdfd00"), (0xffff, "fdffff"),
        (0x10000, "fe00000100"), (0xffff_ffff, "feffffffff"), (0x1_0000_0000, "ff0000000001000000"),
    ])
    func compactSizeRoundTrips(value: UInt64, hex: String) throws {
        var writer = ByteWriter()
        writer.writeCompactSize(value)
        #expect(writer.bytes == bytes(hex))
        var reader = ByteReader(bytes(hex))
        #expect(try reader.readCompactSize() == value)
        #expect(reader.isAtEnd)
    }

    @Test(arguments: ["fdfc00", "fd0000", "feffff0000", "ffffffffff00000000"])
    func nonMinimalCompactSizeIsRefused(hex: String) {
        var reader = ByteReader(bytes(hex))
        #expect(throws: DecodingError.self) { try reader.readCompactSize() }
    }

    @Test func readsAreBoundsChecked() {
        var reader = ByteReader([1, 2, 3])
        #expect(throws: DecodingError.unexpectedEnd(offset: 0, needed: 4, available: 3)) { try reader.readUInt32() }
        #expect(throws: DecodingError.self) { try reader.readBytes(-1) }
        // A length prefix claiming 4 GB of data is refused before allocating.
        var huge = ByteReader(bytes("feffffffff00"))
        #expect(throws: DecodingError.oversizedAllocation(field: "script", offset: 0, requested: 0xffff_ffff, max: 1)) {
            try huge.readVarBytes("script")
        }
    }

    @Test func trailingBytesAreReported() {
        #expect(throws: DecodingError.trailingBytes(offset: 36, count: 1)) {
            try OutPoint(bytes: [UInt8](repeating: 0, count: 37))
        }
    }

    @Test func amounts() {
        #expect(Amount(satoshis: -1) == nil)
        #expect(Amount(satoshis: Amount.maxMoney.satoshis + 1) == nil)
        #expect(Amount(btcString: "1.5")?.satoshis == 150_000_000)
        #expect(Amount(btcString: "0.00000001")?.satoshis == 1)
        #expect(Amount(btcString: "21000000")?.satoshis == Amount.maxMoney.satoshis)
        #expect(Amount(btcString: "21000000.00000001") == nil)
        #expect(Amount(btcString: "0.000000001") == nil)
        #expect(Amount(btcString: "-1") == nil)
        #expect(Amount(btcString: "1e3") == nil)
        #expect(Amount(btcString: ".") == nil)
        #expect(Amount(satoshis: 150_000_000)?.btcString == "1.50000000")
        #expect(Amount(unchecked: -5).btcString == "-0.00000005")
        #expect(Amount.maxMoney.adding(Amount(unchecked: 1)) == nil)
        #expect(Amount(unchecked: .max).adding(Amount(unchecked: 1)) == nil)
        #expect(Amount.zero.subtracting(Amount(unchecked: 1)) == nil)
        #expect(!Amount(unchecked: -1).isInMoneyRange)
    }
}
