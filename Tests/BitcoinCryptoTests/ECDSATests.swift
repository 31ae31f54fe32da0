import BitcoinCrypto
import TestSupport
import Testing

@Suite struct ECDSATests {
    let one = PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])!

    @Test func publicKeyOfOneIsTheGenerator() {
        #expect(Hex.encode(one.publicKey().bytes) == "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        #expect(Hex.encode(one.publicKey(compressed: false).bytes) ==
            "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
    }

    @Test func invalidPrivateKeysAreRefused() {
        #expect(PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) == nil)
        #expect(PrivateKey(bytes: bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")) == nil)
        #expect(PrivateKey(bytes: [1, 2, 3]) == nil)
    }

    // RFC 6979 deterministic signature for key 1 and SHA-256("Satoshi Nakamoto"), as
    // published with libsecp256k1-compatible signers (low S).
    @Test func rfc6979KnownSignature() {
        let hash = SHA256.hash(Array("Satoshi Nakamoto".utf8))
        let der = one.signECDSA(hash)
        #expect(Hex.encode(der) == "3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
            + "02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5")
        #expect(ECDSA.verify(signature: der, hash: hash, publicKey: one.publicKey().bytes))
        #expect(ECDSA.verify(signature: der, hash: hash, publicKey: one.publicKey(compressed: false).bytes))
        #expect(ECDSA.hasLowS(signature: der))
    }

    @Test func signaturesVerifyAndBitFlipsFail() throws {
        var generator = SplitMix64(seed: 1)
        for _ in 0..<20 {
            let key = try #require(PrivateKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            let hash = Hash256(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
            let signature = key.signECDSA(hash)
            let publicKey = key.publicKey().bytes
            #expect(ECDSA.verify(signature: signature, hash: hash, publicKey: publicKey))
            var flipped = signature
            flipped[signature.count - 3] ^= 0x01
            #expect(!ECDSA.verify(signature: flipped, hash: hash, publicKey: publicKey))
            var otherHash = hash
            otherHash.w2 ^= 1
            #expect(!ECDSA.verify(signature: signature, hash: otherHash, publicKey: publicKey))
        }
    }

    @Test func laxDERAcceptsPaddingAndHighS() throws {
        let hash = SHA256.hash(Array("Satoshi Nakamoto".utf8))
        let r = bytes("934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8")
        let s = bytes("2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5")
        // Excess zero padding on R and garbage after the sequence: not strict DER, still valid.
        let padded: [UInt8] = [0x30, 0x47, 0x02, 0x22, 0x00, 0x00] + r + [0x02, 0x20] + s + [0xde, 0xad]
        #expect(ECDSA.verify(signature: padded, hash: hash, publicKey: one.publicKey().bytes))
        // High S (n - s): verifies after normalisation, but is not low-S.
        let n = bytes("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let highS = subtract(n, s)
        let high: [UInt8] = [0x30, 0x46, 0x02, 0x21, 0x00] + r + [0x02, 0x21, 0x00] + highS
        #expect(ECDSA.verify(signature: high, hash: hash, publicKey: one.publicKey().bytes))
        #expect(!ECDSA.hasLowS(signature: high))
        // Not a signature at all.
        #expect(!ECDSA.verify(signature: [0x30, 0x01], hash: hash, publicKey: one.publicKey().bytes))
        #expect(!ECDSA.verify(signature: [], hash: hash, publicKey: one.publicKey().bytes))
        #expect(!ECDSA.verify(signature: padded, hash: hash, publicKey: [0x02, 0x01]))
    }

    private func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in (0..<32).reversed() {
            var value = Int(a[i]) - Int(b[i]) - borrow
            borrow = value < 0 ? 1 : 0
            if value < 0 { value += 256 }
            result[i] = UInt8(value)
        }
        return result
    }
}
