import BitcoinCrypto
import TestSupport
import Testing

@Suite struct HashTests {
    // FIPS 180-2 examples and the empty string.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownAnswers(input: String, expected: String) {
        #expect(SHA256.hash(Array(input.utf8)).hex == expected)
    }

    @Test func sha256MillionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    // The RIPEMD-160 authors' test vectors.
    @Test(arguments: [
        ("", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
        ("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
        ("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "9b752e45573d4b39f4dbd3323cab82bf63326bfb"),
    ])
    func ripemd160KnownAnswers(input: String, expected: String) {
        #expect(Hex.encode(RIPEMD160.hash(Array(input.utf8))) == expected)
    }

    @Test func hash256AndHash160() {
        // HASH256("hello") and HASH160 of the generator point's compressed key (the
        // private key 1's P2PKH hash, 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH).
        #expect(hash256(Array("hello".utf8)).hex == "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50")
        let generator = bytes("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
        #expect(Hex.encode(hash160(generator)) == "751e76e8199196d454941c45d1b3a323f1433bd6")
    }

    @Test func midstateMatchesOneShot() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let header = (0..<80).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let midstate = SHA256Midstate(first64: header)
            let viaTail = header[64..<80].withUnsafeBytes { midstate.hash256(tail: $0) }
            let a = header[64..<76].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let b = header[72..<76].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            let nonce = header[76..<80].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            let viaWords = midstate.headerHash(tail12: UInt64(littleEndian: a), UInt32(littleEndian: b),
                                               nonce: UInt32(littleEndian: nonce))
            #expect(viaTail == hash256(header))
            #expect(viaWords == hash256(header))
        }
    }

    @Test func taggedHashIsDoublePrefixedSHA256() {
        let tag = SHA256.hash(Array("TapLeaf".utf8)).bytes
        let data: [UInt8] = [1, 2, 3]
        #expect(TaggedHash.tapLeaf.hash(data) == SHA256.hash(tag + tag + data))
    }

    @Test func hash256OrderingAndDisplay() {
        let hash = Hash256(displayHex: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")!
        #expect(hash.displayHex == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f")
        #expect(hash.hex == "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000")
        let one = Hash256(w0: 1, w1: 0, w2: 0, w3: 0)
        let high = Hash256(w0: 0, w1: 0, w2: 0, w3: 1)
        #expect(one < high)
        #expect(Hash256(hex: "zz") == nil)
    }

    /// Tables bucket hashes by the low bits of ``Hash256/rawHash(of:seed:)``: equal hashes must
    /// agree, the seed must matter, and hashes must spread evenly over the buckets — including
    /// hashes that differ only in their high bytes, or only in one low bit.
    @Test func tableHashSpreadsHashesOverBuckets() {
        let hashes = (0..<4_096).map { SHA256.hash(Array("entry \($0)".utf8)) }
        let sequential = (0..<4_096).map { Hash256(w0: UInt64($0) << 52, w1: 0, w2: 0, w3: 0) }
        let adjacent = (0..<4_096).map { Hash256(w0: UInt64($0), w1: 0, w2: 0, w3: 0) }
        for set in [hashes, sequential, adjacent] {
            var buckets = [Int](repeating: 0, count: 1_024)
            for hash in set { buckets[hash._rawHashValue(seed: 12_345) & 1_023] += 1 }
            // Four per bucket on average; a uniform spread stays far below 20.
            #expect(buckets.max()! < 20)
            #expect(buckets.filter { $0 == 0 }.count < 100)
        }
        let hash = hashes[0]
        #expect(hash._rawHashValue(seed: 7) == Hash256(w0: hash.w0, w1: 1, w2: 2, w3: 3)._rawHashValue(seed: 7))
        #expect(hash._rawHashValue(seed: 7) != hash._rawHashValue(seed: 8))
        #expect(Set(hashes).count == hashes.count)
    }
}
