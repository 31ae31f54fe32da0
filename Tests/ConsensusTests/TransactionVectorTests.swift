import BitcoinCrypto
import Consensus
import TestSupport
import Testing

/// One row of Core's `tx_valid.json` / `tx_invalid.json`:
/// `[[[prevout hash, prevout index, prevout scriptPubKey, amount?], ...], serializedTransaction, flags]`.
struct TransactionTestVector: Sendable, CustomTestStringConvertible {
    struct Prevout: Sendable {
        let txid: String
        let index: Int
        let scriptPubKey: String
        let amount: Int64?
    }
    let line: Int
    let prevouts: [Prevout]
    let transactionHex: String
    let flags: String
    let note: String
    var testDescription: String { "#\(line) [\(flags)] \(note)" }

    static func load(_ name: String) throws -> [TransactionTestVector] {
        let rows = try #require(try Fixture.json(name) as? [[Any]])
        var vectors = [TransactionTestVector]()
        var note = ""
        for (line, row) in rows.enumerated() {
            guard row.count >= 3, let inputs = row[0] as? [[Any]] else {
                // Comment rows describe the vectors that follow.
                if let text = row.first as? String { note = text }
                continue
            }
            let prevouts = inputs.map { input in
                Prevout(txid: input[0] as? String ?? "", index: input[1] as? Int ?? 0,
                        scriptPubKey: input[2] as? String ?? "",
                        amount: input.count > 3 ? (input[3] as? Int).map(Int64.init) : nil)
            }
            vectors.append(TransactionTestVector(line: line, prevouts: prevouts, transactionHex: row[1] as? String ?? "",
                                                 flags: row[2] as? String ?? "", note: note))
        }
        return vectors
    }
}

enum TransactionTestHarness {
    struct Prepared {
        let transaction: Transaction
        let spentOutputs: [TxOut]
    }

    static func prepare(_ vector: TransactionTestVector) throws -> Prepared {
        var outputs = [OutPoint: TxOut]()
        for prevout in vector.prevouts {
            let txid = try #require(Txid(prevout.txid))
            let outpoint = OutPoint(txid: txid, index: UInt32(truncatingIfNeeded: prevout.index))
            outputs[outpoint] = TxOut(value: Amount(unchecked: prevout.amount ?? 0),
                                      scriptPubKey: try Script(assembly: prevout.scriptPubKey))
        }
        let transaction = try Transaction(bytes: try #require(Hex.decode(vector.transactionHex)))
        let spent = try transaction.inputs.map { input in try unwrap(outputs[input.prevout], "prevout \(input.prevout)") }
        return Prepared(transaction: transaction, spentOutputs: spent)
    }

    /// True when every input verifies under `flags` (no caches, so every check really runs).
    static func verifies(_ prepared: Prepared, flags: ScriptFlags) -> Bool {
        let verifier = TransactionVerifier(signatureCache: nil, scriptCache: nil)
        do {
            try verifier.verify(prepared.transaction, spentOutputs: prepared.spentOutputs, flags: flags)
            return true
        } catch {
            return false
        }
    }

    /// Core's `TrimFlags`: WITNESS needs P2SH, CLEANSTACK needs WITNESS.
    static func trim(_ flags: ScriptFlags) -> ScriptFlags {
        var flags = flags
        if !flags.contains(.p2sh) { flags.remove(.witness) }
        if !flags.contains(.witness) { flags.remove(.cleanStack) }
        return flags
    }

    /// Core's `FillFlags`: CLEANSTACK implies WITNESS implies P2SH.
    static func fill(_ flags: ScriptFlags) -> ScriptFlags {
        var flags = flags
        if flags.contains(.cleanStack) { flags.insert(.witness) }
        if flags.contains(.witness) { flags.insert(.p2sh) }
        return flags
    }

    /// Core's `ExcludeIndividualFlags`: each valid combination with one flag removed.
    static func excludingEach(_ flags: ScriptFlags) -> Set<UInt32> {
        var combinations = Set<UInt32>()
        for (_, flag) in ScriptFlags.names {
            let excluded = trim(flags.subtracting(flag))
            if excluded != flags { combinations.insert(excluded.rawValue) }
        }
        return combinations
    }
}

@Suite struct TransactionVectorTests {
    @Test func vectorFilesLoad() throws {
        #expect(try TransactionTestVector.load("tx_valid.json").count == 121)
        #expect(try TransactionTestVector.load("tx_invalid.json").count == 93)
    }

    /// Valid with every flag except the listed ones; removing any flag keeps it valid, and
    /// adding back any excluded flag makes it invalid (the listed set is exact).
    @Test(arguments: try TransactionTestVector.load("tx_valid.json"))
    func valid(vector: TransactionTestVector) throws {
        let prepared = try TransactionTestHarness.prepare(vector)
        #expect(throws: Never.self) { try TransactionCheck.check(prepared.transaction) }
        let excluded = try #require(ScriptFlags(coreNames: vector.flags))
        let flags = ScriptFlags.all.subtracting(excluded)
        #expect(flags == TransactionTestHarness.fill(flags), "bad test flags")
        #expect(TransactionTestHarness.verifies(prepared, flags: flags))
        for (name, flag) in ScriptFlags.names {
            let fewer = TransactionTestHarness.trim(flags.subtracting(flag))
            #expect(TransactionTestHarness.verifies(prepared, flags: fewer), "invalid without \(name)")
        }
        for combination in TransactionTestHarness.excludingEach(excluded) {
            let more = ScriptFlags.all.subtracting(ScriptFlags(rawValue: combination))
            #expect(!TransactionTestHarness.verifies(prepared, flags: more), "flags not maximal: \(combination)")
        }
    }

    /// Invalid with the listed flags (or by CheckTransaction for BADTX); adding any flag
    /// keeps it invalid, and removing any listed flag makes it valid (the set is minimal).
    @Test(arguments: try TransactionTestVector.load("tx_invalid.json"))
    func invalid(vector: TransactionTestVector) throws {
        let prepared = try TransactionTestHarness.prepare(vector)
        do {
            try TransactionCheck.check(prepared.transaction)
        } catch {
            #expect(vector.flags == "BADTX", "CheckTransaction failed: \(error)")
            return
        }
        #expect(vector.flags != "BADTX", "expected CheckTransaction to fail")
        let flags = try #require(ScriptFlags(coreNames: vector.flags))
        #expect(flags == TransactionTestHarness.fill(flags), "bad test flags")
        #expect(!TransactionTestHarness.verifies(prepared, flags: flags))
        for (name, flag) in ScriptFlags.names {
            let more = TransactionTestHarness.fill(flags.union(flag))
            #expect(!TransactionTestHarness.verifies(prepared, flags: more), "valid with \(name) added")
        }
        for combination in TransactionTestHarness.excludingEach(flags) {
            #expect(TransactionTestHarness.verifies(prepared, flags: ScriptFlags(rawValue: combination)),
                    "flags not minimal: \(combination)")
        }
    }
}

/// One row of Core's `sighash.json`: `[raw_transaction, script, input_index, hashType, signature_hash]`.
struct SighashVector: Sendable, CustomTestStringConvertible {
    let line: Int
    let transactionHex: String
    let scriptHex: String
    let inputIndex: Int
    let hashType: Int32
    let expected: String
    var testDescription: String { "#\(line) hashType \(hashType)" }

    static func all() throws -> [SighashVector] {
        let rows = try #require(try Fixture.json("sighash.json") as? [[Any]])
        return rows.enumerated().compactMap { line, row in
            guard row.count == 5 else { return nil }
            return SighashVector(line: line, transactionHex: row[0] as? String ?? "", scriptHex: row[1] as? String ?? "",
                                 inputIndex: row[2] as? Int ?? 0, hashType: Int32(truncatingIfNeeded: row[3] as? Int ?? 0),
                                 expected: row[4] as? String ?? "")
        }
    }
}

@Suite struct SighashVectorTests {
    @Test func allRowsLoad() throws {
        #expect(try SighashVector.all().count == 500)
    }

    @Test(arguments: try SighashVector.all())
    func legacySignatureHash(vector: SighashVector) throws {
        let transaction = try Transaction(bytes: bytes(vector.transactionHex))
        #expect(throws: Never.self) { try TransactionCheck.check(transaction) }
        let hash = SignatureHash.legacy(transaction: transaction, inputIndex: vector.inputIndex,
                                        scriptCode: bytes(vector.scriptHex), hashType: vector.hashType)
        #expect(hash.displayHex == vector.expected)
    }
}
