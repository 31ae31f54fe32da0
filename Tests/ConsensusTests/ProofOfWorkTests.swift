import BitcoinCrypto
import Consensus
import TestSupport
import Testing

@Suite struct ProofOfWorkTests {
    // Bitcoin Core's arith_uint256 SetCompact/GetCompact cases (src/test/arith_uint256_tests.cpp).
    @Test(arguments: [
        (UInt32(0x0000_0000), "0", false, UInt32(0)),
        (0x0012_3456, "0", false, 0),
        (0x0100_3456, "0", false, 0),
        (0x0200_0056, "0", false, 0),
        (0x0300_0000, "0", false, 0),
        (0x0400_0000, "0", false, 0),
        (0x0092_3456, "0", false, 0),
        (0x0180_3456, "0", false, 0),
        (0x0280_0056, "0", false, 0),
        (0x0380_0000, "0", false, 0),
        (0x0480_0000, "0", false, 0),
        (0x0112_3456, "12", false, 0x0112_0000),
        (0x0200_8000, "80", false, 0x0200_8000),
        (0x01fe_dcba, "7e", true, 0x01fe_0000),
        (0x0212_3456, "1234", false, 0x0212_3400),
        (0x0312_3456, "123456", false, 0x0312_3456),
        (0x0412_3456, "12345600", false, 0x0412_3456),
        (0x0492_3456, "12345600", true, 0x0492_3456),
        (0x0500_9234, "92340000", false, 0x0500_9234),
        (0x2012_3456, "1234560000000000000000000000000000000000000000000000000000000000", false, 0x2012_3456),
    ])
    func compactRoundTrips(bits: UInt32, targetHex: String, negative: Bool, recompact: UInt32) {
        let expanded = CompactTarget(bits).expanded
        #expect(expanded.target == UInt256(hex: targetHex))
        #expect(expanded.negative == negative)
        #expect(!expanded.overflow)
        if !negative { #expect(CompactTarget(target: expanded.target).bits == recompact) }
    }

    @Test func overflowingCompactIsInvalid() {
        #expect(CompactTarget(0xff12_3456).expanded.overflow)
        #expect(CompactTarget(0xff12_3456).target == nil)
        #expect(CompactTarget(0x0492_3456).target == nil)  // negative
        #expect(CompactTarget(0x0000_0000).target == nil)  // zero
    }

    @Test func blockWork() {
        // Difficulty-1 work is 2^32 + 2^16 + 1 (a mainnet block at bits 0x1d00ffff); a regtest
        // block (0x207fffff) is worth 2 hashes.
        #expect(CompactTarget(0x1d00_ffff).work == UInt256(0x1_0001_0001))
        #expect(CompactTarget(0x207f_ffff).work == UInt256(2))
        #expect(CompactTarget(0).work == .zero)
    }

    @Test func uint256Arithmetic() {
        let a = UInt256(hex: "ffffffffffffffffffffffffffffffff")!
        #expect((a &+ UInt256(1)).hex.hasSuffix("0100000000000000000000000000000000"))
        #expect((UInt256.zero &- UInt256(1)) == .max)
        #expect(UInt256.max.addingReportingOverflow(UInt256(1)).overflow)
        #expect((UInt256(1) << 200) >> 200 == UInt256(1))
        #expect((UInt256(1) << 255).bitWidth == 256)
        let big = UInt256(hex: "123456789abcdef0123456789abcdef0123456789abcdef")!
        let divisor = UInt256(hex: "fedcba9876543210fedcba98")!
        let quotient = big / divisor
        #expect(quotient == UInt256(hex: "1249249249249237ec687d6")!)  // computed with Python's integers
        #expect(UInt256(100).dividedBy(7) == UInt256(14))
    }

    // Bitcoin Core's pow_tests.cpp retarget cases on mainnet parameters.
    @Test(arguments: [
        (Int64(1_261_130_161), Int64(1_262_152_739), UInt32(0x1d00_ffff), UInt32(0x1d00_d86a)),  // get_next_work
        (1_231_006_505, 1_233_061_996, 0x1d00_ffff, 0x1d00_ffff),  // pow limit
        (1_279_008_237, 1_279_297_671, 0x1c05_a3f4, 0x1c01_68fd),  // lower limit on actual timespan
        (1_263_163_443, 1_269_211_443, 0x1c38_7f6f, 0x1d00_e1fd),  // upper limit on actual timespan
    ])
    func mainnetRetargets(firstTime: Int64, lastTime: Int64, bits: UInt32, expected: UInt32) {
        let params = ChainParams.mainnet
        let next = ProofOfWork.nextTarget(lastBits: CompactTarget(bits), actualTimespan: lastTime - firstTime,
                                          targetTimespan: params.targetTimespan, powLimit: params.powLimit)
        #expect(next.bits == expected)
    }

    @Test func proofOfWorkCheck() {
        let params = ChainParams.mainnet
        let genesis = params.genesisBlock.header
        #expect(ProofOfWork.check(hash: genesis.hash.hash, bits: genesis.bits, powLimit: params.powLimit))
        // The same hash fails a target a million times harder, and any target above the limit.
        #expect(!ProofOfWork.check(hash: genesis.hash.hash, bits: CompactTarget(0x1a00_ffff), powLimit: params.powLimit))
        #expect(!ProofOfWork.check(hash: Hash256.zero, bits: CompactTarget(0x207f_ffff), powLimit: params.powLimit))
    }
}
