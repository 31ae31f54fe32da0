import BitcoinCrypto
import CBenchBaseline
import Consensus
import Foundation

/// Issue 3's figures: end-to-end input verification against bare libsecp256k1, the warm
/// signature cache, and a set of 2,000 P2WPKH spends.
enum ScriptBenchmarks {
    struct Spend {
        let transaction: Transaction
        let spent: [TxOut]
    }

    static func makeSpend(keySeed: UInt8, taproot: Bool) -> (Spend, PrivateKey) {
        let key = PrivateKey(bytes: [UInt8](repeating: keySeed, count: 31) + [7])!
        let script: Script
        let signingKey: SigningKey
        if taproot {
            let output = key.xOnlyPublicKey.taprootOutputKey(merkleRoot: nil)!
            script = Address.witness(version: 1, program: output.key.bytes).scriptPubKey
            signingKey = .p2trKeyPath(internalKey: key)
        } else {
            script = Address.witness(version: 0, program: key.publicKey().hash160).scriptPubKey
            signingKey = .p2wpkh(key)
        }
        let spent = [TxOut(value: Amount(satoshis: 100_000)!, scriptPubKey: script)]
        let unsigned = MutableTransaction(
            inputs: [TxIn(prevout: OutPoint(txid: Txid(Hash256(w0: UInt64(keySeed), w1: 1, w2: 2, w3: 3)), index: 0), sequence: 0xffff_fffd)],
            outputs: [TxOut(value: Amount(satoshis: 99_000)!, scriptPubKey: script)])
        return (Spend(transaction: TransactionSigner.sign(unsigned, spentOutputs: spent, keys: [signingKey]), spent: spent), key)
    }

    static let flags = ChainParams.regtest.scriptFlags(height: 200, hash: .zero)

    /// Verifies one spend end to end through the verifier a node uses: precomputation,
    /// signature hash, parsing, verification (no script-execution cache).
    static func verify(_ spend: Spend, cache: SignatureCache?) {
        do {
            try TransactionVerifier(signatureCache: cache, scriptCache: nil)
                .verify(spend.transaction, spentOutputs: spend.spent, flags: flags)
        } catch {
            fatalError("benchmark spend does not verify: \(error)")
        }
    }

    static func run() {
        let count = 5_000
        let (p2wpkh, _) = makeSpend(keySeed: 1, taproot: false)
        let (p2tr, _) = makeSpend(keySeed: 2, taproot: true)

        // Bare verifies of the same signatures, measured in the same run.
        let witness = p2wpkh.transaction.inputs[0].witness
        let der = Array(witness[0].dropLast())
        let wpkhSighash = SignatureHash.witnessV0(
            transaction: p2wpkh.transaction, inputIndex: 0,
            scriptCode: Address.p2pkh(hash160(witness[1])).scriptPubKey.bytes,
            amount: p2wpkh.spent[0].value, hashType: 1).bytes
        let bareECDSA = Measure.median {
            precondition(baseline_ecdsa_verify(der, der.count, wpkhSighash, witness[1], witness[1].count, Int32(count)) == count)
        } / Double(count)
        let trSignature = p2tr.transaction.inputs[0].witness[0]
        let trSighash = SignatureHash.taproot(
            precomputed: PrecomputedTransactionData(transaction: p2tr.transaction, spentOutputs: p2tr.spent),
            inputIndex: 0, hashType: 0, sigVersion: .taproot, execution: ScriptExecutionData())!.bytes
        let outputKey = Array(p2tr.spent[0].scriptPubKey.bytes[2...])
        let bareSchnorr = Measure.median {
            precondition(baseline_schnorr_verify(trSignature, trSighash, outputKey, Int32(count)) == count)
        } / Double(count)

        let wpkhCold = Measure.median { for _ in 0..<count { verify(p2wpkh, cache: nil) } } / Double(count)
        let trCold = Measure.median { for _ in 0..<count { verify(p2tr, cache: nil) } } / Double(count)
        print("P2WPKH input end to end:     \(Measure.duration(wpkhCold)) vs bare ECDSA verify \(Measure.duration(bareECDSA)) -> \(String(format: "%.3f", wpkhCold / bareECDSA))x")
        print("P2TR key-path end to end:    \(Measure.duration(trCold)) vs bare Schnorr verify \(Measure.duration(bareSchnorr)) -> \(String(format: "%.3f", trCold / bareSchnorr))x")

        let cache = SignatureCache()
        verify(p2wpkh, cache: cache)
        verify(p2tr, cache: cache)
        let warmCount = 200_000
        let wpkhWarm = Measure.median { for _ in 0..<warmCount { verify(p2wpkh, cache: cache) } } / Double(warmCount)
        let trWarm = Measure.median { for _ in 0..<warmCount { verify(p2tr, cache: cache) } } / Double(warmCount)
        print("warm signature cache:        P2WPKH \(Measure.duration(wpkhWarm)), P2TR \(Measure.duration(trWarm)) per input")

        // 2,000 distinct P2WPKH spends, each signed by its own key.
        let spends = (0..<2_000).map { index -> Spend in
            let key = PrivateKey(bytes: SHA256.hash(withUnsafeBytes(of: index) { Array($0) }).bytes)!
            let script = Address.witness(version: 0, program: key.publicKey().hash160).scriptPubKey
            let spent = [TxOut(value: Amount(satoshis: 10_000 + Int64(index))!, scriptPubKey: script)]
            let unsigned = MutableTransaction(
                inputs: [TxIn(prevout: OutPoint(txid: Txid(Hash256(w0: UInt64(index), w1: 7, w2: 7, w3: 7)), index: 0))],
                outputs: [TxOut(value: Amount(satoshis: 9_000)!, scriptPubKey: script)])
            return Spend(transaction: TransactionSigner.sign(unsigned, spentOutputs: spent, keys: [.p2wpkh(key)]), spent: spent)
        }
        let bareInputs = spends.map { spend -> (der: [UInt8], hash: [UInt8], key: [UInt8]) in
            let witness = spend.transaction.inputs[0].witness
            let hash = SignatureHash.witnessV0(transaction: spend.transaction, inputIndex: 0,
                                               scriptCode: Address.p2pkh(hash160(witness[1])).scriptPubKey.bytes,
                                               amount: spend.spent[0].value, hashType: 1)
            return (Array(witness[0].dropLast()), hash.bytes, witness[1])
        }
        let verifier = TransactionVerifier(signatureCache: nil, scriptCache: nil)
        let setTime = Measure.median {
            for spend in spends { try! verifier.verify(spend.transaction, spentOutputs: spend.spent, flags: flags) }
        }
        let bareTime = Measure.median {
            for input in bareInputs { precondition(baseline_ecdsa_verify(input.der, input.der.count, input.hash, input.key, input.key.count, 1) == 1) }
        }
        print("2,000 P2WPKH spends:         \(Measure.duration(setTime)) vs 2,000 bare verifies \(Measure.duration(bareTime)) -> \(String(format: "%.3f", setTime / bareTime))x")
    }
}
