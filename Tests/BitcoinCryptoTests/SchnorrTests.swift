import BitcoinCrypto
import TestSupport
import Foundation
import Testing

/// One row of the BIP 340 test-vector CSV.
struct BIP340Vector: Sendable, CustomTestStringConvertible {
    let index: String
    let secretKey: String
    let publicKey: String
    let auxRand: String
    let message: String
    let signature: String
    let valid: Bool
    let comment: String
    var testDescription: String { "BIP340 #\(index)\(comment.isEmpty ? "" : " (\(comment))")" }

    static func all() throws -> [BIP340Vector] {
        let text = String(decoding: try Fixture.data("bip340-test-vectors.csv"), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return BIP340Vector(index: f[0], secretKey: f[1], publicKey: f[2], auxRand: f[3],
                                message: f[4], signature: f[5], valid: f[6] == "TRUE",
                                comment: f[7...].joined(separator: ",").trimmingCharacters(in: .whitespaces))
        }
    }
}

@Suite struct SchnorrTests {
    @Test func allBIP340VectorsLoad() throws {
        #expect(try BIP340Vector.all().count == 19)
    }

    @Test(arguments: try BIP340Vector.all())
    func bip340(vector: BIP340Vector) throws {
        if !vector.secretKey.isEmpty {
            let key = try #require(PrivateKey(bytes: bytes(vector.secretKey)))
            #expect(key.xOnlyPublicKey.bytes == bytes(vector.publicKey))
            let signature = key.signSchnorr(message: bytes(vector.message),
                                            auxiliaryRandomness: bytes(vector.auxRand))
            #expect(Hex.encode(signature) == vector.signature.lowercased())
        }
        let verified = Schnorr.verify(signature: bytes(vector.signature), message: bytes(vector.message),
                                      publicKey: bytes(vector.publicKey))
        #expect(verified == vector.valid)
    }

    @Test func bip341ScriptPubKeyTweaks() throws {
        let root = try #require(try Fixture.json("bip341-wallet-test-vectors.json") as? [String: Any])
        let cases = try #require(root["scriptPubKey"] as? [[String: Any]])
        #expect(cases.count == 7)
        for item in cases {
            let given = try #require(item["given"] as? [String: Any])
            let intermediary = try #require(item["intermediary"] as? [String: Any])
            let internalHex = try #require(given["internalPubkey"] as? String)
            let internalKey = try #require(XOnlyPublicKey(bytes: bytes(internalHex)))
            let merkleRoot = (intermediary["merkleRoot"] as? String).flatMap { Hash256(hex: $0) }
            let tweak = TaprootTweak.tweak(internalKey: internalKey, merkleRoot: merkleRoot)
            #expect(tweak.hex == intermediary["tweak"] as? String)
            let output = try #require(internalKey.taprootOutputKey(merkleRoot: merkleRoot))
            #expect(Hex.encode(output.key.bytes) == intermediary["tweakedPubkey"] as? String)
            #expect(internalKey.checkTaprootTweak(outputKey: output.key.bytes, oddY: output.oddY, merkleRoot: merkleRoot))
            #expect(!internalKey.checkTaprootTweak(outputKey: output.key.bytes, oddY: !output.oddY, merkleRoot: merkleRoot))
        }
    }

    @Test func tweakedPrivateKeySignsForOutputKey() throws {
        let key = try #require(PrivateKey(bytes: bytes("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef")))
        let root = Hash256(w0: 5, w1: 6, w2: 7, w3: 8)
        let tweaked = try #require(key.taprootTweaked(merkleRoot: root))
        let output = try #require(key.xOnlyPublicKey.taprootOutputKey(merkleRoot: root))
        #expect(tweaked.xOnlyPublicKey == output.key)
        let message = [UInt8](repeating: 0x42, count: 32)
        let signature = tweaked.signSchnorr(message: message)
        #expect(Schnorr.verify(signature: signature, message: message, publicKey: output.key.bytes))
    }
}
