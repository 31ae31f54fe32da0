import BitcoinCrypto
import Consensus
import Foundation
import TestSupport
import Testing

/// One row of Bitcoin Core's `script_tests.json`:
/// `[[witness..., amount]?, scriptSig, scriptPubKey, flags, expected_scripterror, comment...]`.
struct ScriptTestVector: Sendable, CustomTestStringConvertible {
    let line: Int
    let witness: [String]
    let amount: Double
    let scriptSig: String
    let scriptPubKey: String
    let flags: String
    let expected: String
    let comment: String
    var testDescription: String { "#\(line) [\(expected)] \(comment.isEmpty ? scriptPubKey : comment)" }

    static func all() throws -> [ScriptTestVector] {
        let rows = try #require(try Fixture.json("script_tests.json") as? [[Any]])
        return rows.enumerated().compactMap { index, row in
            guard row.count > 1 else { return nil }
            var fields = row
            var witness = [String]()
            var amount = 0.0
            if let array = row[0] as? [Any] {
                witness = array.dropLast().compactMap { $0 as? String }
                amount = (array.last as? Double) ?? Double((array.last as? Int) ?? 0)
                fields.removeFirst()
            }
            let strings = fields.map { $0 as? String ?? "" }
            return ScriptTestVector(line: index, witness: witness, amount: amount, scriptSig: strings[0],
                                    scriptPubKey: strings[1], flags: strings[2], expected: strings[3],
                                    comment: strings.count > 4 ? strings[4] : "")
        }
    }
}

/// Builds the crediting and spending transactions of Core's script tests and runs
/// `ScriptVerification.verify` on them.
enum ScriptTestHarness {
    /// The BIP 341 "nothing up my sleeve" point, the internal key of generated taproot outputs.
    static let numsPoint = XOnlyPublicKey(bytes: bytes("50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0"))!

    struct Prepared {
        let scriptSig: Script
        let scriptPubKey: Script
        let witness: [[UInt8]]
        let flags: ScriptFlags
        let expected: ScriptError
        let credit: Transaction
        let spend: Transaction
    }

    static func prepare(_ vector: ScriptTestVector) throws -> Prepared {
        var witness = [[UInt8]]()
        var outputKey: XOnlyPublicKey?
        for element in vector.witness {
            if element.hasPrefix("#SCRIPT#") {
                witness.append(try Script(assembly: String(element.dropFirst("#SCRIPT#".count))).bytes)
            } else if element == "#CONTROLBLOCK#" {
                let leaf = try #require(witness.last)
                let generated = try #require(Taproot.singleLeafControlBlock(internalKey: numsPoint, script: leaf))
                witness.append(generated.control)
                outputKey = generated.outputKey
            } else {
                witness.append(try #require(Hex.decode(element), "witness is not hex: \(element)"))
            }
        }
        let scriptPubKey: Script
        if vector.scriptPubKey == "0x51 0x20 #TAPROOTOUTPUT#" {
            scriptPubKey = Script([0x51, 0x20] + (try #require(outputKey)).bytes)
        } else {
            scriptPubKey = try Script(assembly: vector.scriptPubKey)
        }
        let scriptSig = try Script(assembly: vector.scriptSig)
        var flags = try #require(ScriptFlags(coreNames: vector.flags), "unknown flags \(vector.flags)")
        if flags.contains(.cleanStack) { flags.formUnion([.p2sh, .witness]) }
        let expected = try #require(ScriptError(rawValue: vector.expected), "unknown error \(vector.expected)")
        let value = Amount(unchecked: Int64((vector.amount * 1e8).rounded()))
        let credit = Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: Script([0x00, 0x00]))],
                                 outputs: [TxOut(value: value, scriptPubKey: scriptPubKey)])
        let spend = Transaction(version: 1,
                                inputs: [TxIn(prevout: OutPoint(txid: credit.txid, index: 0), scriptSig: scriptSig, witness: witness)],
                                outputs: [TxOut(value: value, scriptPubKey: .empty)])
        return Prepared(scriptSig: scriptSig, scriptPubKey: scriptPubKey, witness: witness, flags: flags,
                        expected: expected, credit: credit, spend: spend)
    }

    static func run(_ prepared: Prepared, flags: ScriptFlags) -> ScriptError {
        let precomputed = PrecomputedTransactionData(transaction: prepared.spend, spentOutputs: prepared.credit.outputs)
        let checker = TransactionSignatureChecker(precomputed: precomputed, inputIndex: 0, amount: prepared.credit.outputs[0].value)
        do {
            try ScriptVerification.verify(scriptSig: prepared.scriptSig, scriptPubKey: prepared.scriptPubKey,
                                          witness: prepared.witness, flags: flags, checker: checker)
            return .ok
        } catch {
            return error
        }
    }
}

@Suite struct ScriptVectorTests {
    @Test func allRowsLoad() throws {
        #expect(try ScriptTestVector.all().count == 1222)
    }

    @Test(arguments: try ScriptTestVector.all())
    func scriptTest(vector: ScriptTestVector) throws {
        let prepared = try ScriptTestHarness.prepare(vector)
        #expect(ScriptTestHarness.run(prepared, flags: prepared.flags) == prepared.expected)

        // As in Core: removing flags from a passing test, or adding flags to a failing one,
        // never changes the outcome.
        var generator = SplitMix64(seed: UInt64(vector.line))
        let passes = prepared.expected == .ok
        for _ in 0..<16 {
            let extra = ScriptFlags(rawValue: UInt32(truncatingIfNeeded: generator.next()) & 0xffff)
            let combined = passes ? prepared.flags.subtracting(extra) : prepared.flags.union(extra)
            if combined.contains(.cleanStack) && !combined.isSuperset(of: [.p2sh, .witness]) { continue }
            if combined.contains(.witness) && !combined.contains(.p2sh) { continue }
            #expect((ScriptTestHarness.run(prepared, flags: combined) == .ok) == passes, "with flags \(combined.rawValue)")
        }
    }
}
