import BitcoinCrypto
import CBenchBaseline
import Consensus
import Foundation

/// Issue 2's figures: midstate header hashing, ECDSA/Schnorr verification through the
/// Swift wrappers against bare C, and block decoding.
enum CryptoBenchmarks {
    static func run(fixtures: URL) {
        headerHashing()
        signatureVerification()
        blockDecoding(fixtures: fixtures)
    }

    static func headerHashing() {
        let header = ChainParams.mainnet.genesisBlock.header.serialized
        let midstate = SHA256Midstate(first64: header)
        let tail = header[64..<76].withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) }
        let count = 4_000_000
        var sink: UInt64 = 0
        let seconds = Measure.median {
            for nonce in 0..<UInt32(count) {
                sink &+= midstate.headerHash(tail12: tail.0, tail.1, nonce: nonce).w3
            }
        }
        let noncesPerSecond = Double(count) / seconds
        // `openssl speed` reports thousands of bytes per second; 64-byte blocks cost two
        // compressions each, like one nonce with a midstate.
        let output = Measure.shell("openssl speed -seconds 2 -bytes 64 sha256 2>/dev/null | tail -1")
        let figure = output.split(separator: " ").last.flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines).dropLast()) }
        print("header hashing (midstate):   \(Measure.rate(noncesPerSecond, "nonces")) per core   [sink \(sink % 10)]")
        if let figure {
            let opensslHashes = figure * 1000 / 64
            print("  openssl speed sha256 64 B:  \(Measure.rate(opensslHashes, "hashes")) -> ratio \(String(format: "%.2f", noncesPerSecond / opensslHashes))")
        }
    }

    static func signatureVerification() {
        let key = PrivateKey(bytes: (1...32).map { UInt8($0) })!
        let hash = SHA256.hash(Array("regsim benchmark".utf8))
        let der = key.signECDSA(hash)
        let publicKey = key.publicKey().bytes
        let count = 20_000
        let message = hash.bytes
        let swiftECDSA = Measure.median {
            var ok = 0
            for _ in 0..<count where ECDSA.verify(signature: der, hash: hash, publicKey: publicKey) { ok += 1 }
            precondition(ok == count)
        }
        let cECDSA = Measure.median {
            let ok = baseline_ecdsa_verify(der, der.count, message, publicKey, publicKey.count, Int32(count))
            precondition(ok == count)
        }
        let schnorrSignature = key.signSchnorr(message: message)
        let xonly = key.xOnlyPublicKey.bytes
        let swiftSchnorr = Measure.median {
            var ok = 0
            for _ in 0..<count where Schnorr.verify(signature: schnorrSignature, message: message, publicKey: xonly) { ok += 1 }
            precondition(ok == count)
        }
        let cSchnorr = Measure.median {
            let ok = baseline_schnorr_verify(schnorrSignature, message, xonly, Int32(count))
            precondition(ok == count)
        }
        report("ECDSA verify", swift: swiftECDSA / Double(count), c: cECDSA / Double(count))
        report("Schnorr verify", swift: swiftSchnorr / Double(count), c: cSchnorr / Double(count))
    }

    static func report(_ name: String, swift: Double, c: Double) {
        let overhead = (swift / c - 1) * 100
        print("\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) Swift \(Measure.duration(swift)), C \(Measure.duration(c)) -> overhead \(String(format: "%+.1f", overhead))%")
    }

    static func blockDecoding(fixtures: URL) {
        guard let data = try? Data(contentsOf: fixtures.appendingPathComponent("mainnet-block-277647.dat")) else {
            print("block decoding: fixture missing")
            return
        }
        let bytes = Array([UInt8](data)[8...])
        let count = 200
        let seconds = Measure.median {
            for _ in 0..<count { _ = try? Block(bytes: bytes) }
        }
        let megabytesPerSecond = Double(bytes.count * count) / seconds / 1e6
        print("decode block 277647:         \(String(format: "%.0f", megabytesPerSecond)) MB/s (\(Measure.duration(seconds / Double(count))) per block, ids and merkle root included)")
    }
}
