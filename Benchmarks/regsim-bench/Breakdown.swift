import BitcoinCrypto
import Consensus

/// Times the parts of one P2WPKH input verification, to see where time beyond the bare
/// signature check goes.
enum Breakdown {
    static func run() {
        let (spend, _) = ScriptBenchmarks.makeSpend(keySeed: 1, taproot: false)
        let witness = spend.transaction.inputs[0].witness
        let scriptCode = Address.p2pkh(hash160(witness[1])).scriptPubKey.bytes
        let n = 20_000
        let precompute = Measure.median { for _ in 0..<n { _ = PrecomputedTransactionData(transaction: spend.transaction, spentOutputs: spend.spent) } } / Double(n)
        let data = PrecomputedTransactionData(transaction: spend.transaction, spentOutputs: spend.spent)
        var sighash = Hash256.zero
        let sig = Measure.median { for _ in 0..<n { sighash = SignatureHash.witnessV0(transaction: spend.transaction, inputIndex: 0, scriptCode: scriptCode, amount: spend.spent[0].value, hashType: 1, precomputed: data) } } / Double(n)
        let h160 = Measure.median { for _ in 0..<n { _ = hash160(witness[1]) } } / Double(n)
        let der = Array(witness[0].dropLast())
        let verify = Measure.median { for _ in 0..<n { precondition(ECDSA.verify(signature: der, hash: sighash, publicKey: witness[1])) } } / Double(n)
        let full = Measure.median { for _ in 0..<n { ScriptBenchmarks.verify(spend, cache: nil) } } / Double(n)
        print("precompute \(Measure.duration(precompute)), sighash \(Measure.duration(sig)), hash160 \(Measure.duration(h160)), ECDSA.verify \(Measure.duration(verify)), full \(Measure.duration(full))")
    }
}
