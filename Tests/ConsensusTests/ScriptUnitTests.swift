import BitcoinCrypto
import Consensus
import TestSupport
import Testing

@Suite struct ScriptUnitTests {
    @Test(arguments: [
        (Int64(0), ""), (1, "01"), (-1, "81"), (127, "7f"), (128, "8000"), (-128, "8080"),
        (255, "ff00"), (-255, "ff80"), (256, "0001"), (2_147_483_647, "ffffff7f"), (-2_147_483_647, "ffffffff"),
        (2_147_483_648, "0000008000"),
    ])
    func scriptNumbers(value: Int64, hex: String) throws {
        #expect(Hex.encode(ScriptNum.encode(value)) == hex)
        #expect(try ScriptNum.decode(bytes(hex), requireMinimal: true, maxSize: 5) == value)
    }

    @Test func nonMinimalAndOversizedNumbersAreRefused() throws {
        #expect(throws: ScriptError.scriptNum) { try ScriptNum.decode([0x00], requireMinimal: true) }
        #expect(throws: ScriptError.scriptNum) { try ScriptNum.decode([0x80], requireMinimal: true) }  // negative zero
        #expect(throws: ScriptError.scriptNum) { try ScriptNum.decode([0x01, 0x00], requireMinimal: true) }
        #expect(throws: ScriptError.scriptNum) { try ScriptNum.decode([1, 2, 3, 4, 5], requireMinimal: false) }
        #expect(try ScriptNum.decode([0x01, 0x00], requireMinimal: false) == 1)
        #expect(!ScriptNum.castToBool([0x00, 0x80]))
        #expect(ScriptNum.castToBool([0x80, 0x00]))
        #expect(ScriptNum.clampedInt(Int64(Int32.max) + 10) == Int(Int32.max))
    }

    @Test func assemblyRoundTrips() throws {
        let script = try Script(assembly: "DUP HASH160 0x14 0x751e76e8199196d454941c45d1b3a323f1433bd6 EQUALVERIFY CHECKSIG")
        #expect(Hex.encode(script.bytes) == "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac")
        #expect(script.assembly == "OP_DUP OP_HASH160 751e76e8199196d454941c45d1b3a323f1433bd6 OP_EQUALVERIFY OP_CHECKSIG")
        #expect(try Script(assembly: "0 -1 16 17 'ab'").bytes == [0x00, 0x4f, 0x60, 0x01, 0x11, 0x02, 0x61, 0x62])
        #expect(throws: Script.AssemblyError.self) { try Script(assembly: "NOTANOPCODE") }
        #expect(throws: Script.AssemblyError.self) { try Script(assembly: "99999999999") }
        #expect(Script([0x4c]).assembly == "[error]")
        #expect(Script([0xfe]).assembly == "OP_UNKNOWN")
    }

    @Test func templatesAreRecognised() throws {
        let key = try #require(PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])).publicKey().bytes
        let hash = hash160(key)
        #expect(ScriptTemplate(Script(Script.push(key) + [0xac])) == .payToPublicKey(key))
        #expect(ScriptTemplate(Address.p2pkh(hash).scriptPubKey) == .payToPublicKeyHash(hash))
        #expect(ScriptTemplate(Address.p2sh(hash).scriptPubKey) == .payToScriptHash(hash))
        #expect(ScriptTemplate(Address.witness(version: 0, program: hash).scriptPubKey) == .witnessV0KeyHash(hash))
        let program32 = [UInt8](repeating: 3, count: 32)
        #expect(ScriptTemplate(Address.witness(version: 0, program: program32).scriptPubKey) == .witnessV0ScriptHash(program32))
        #expect(ScriptTemplate(Address.witness(version: 1, program: program32).scriptPubKey) == .witnessV1Taproot(program32))
        #expect(ScriptTemplate(Address.witness(version: 2, program: [1, 2]).scriptPubKey) == .witnessUnknown(version: 2, program: [1, 2]))
        #expect(ScriptTemplate(Script([0x6a] + Script.push([1, 2, 3]))) == .nullData)
        let multisig = try Script(assembly: "1 0x21 0x\(Hex.encode(key)) 0x21 0x\(Hex.encode(key)) 2 CHECKMULTISIG")
        #expect(ScriptTemplate(multisig) == .multisig(required: 1, publicKeys: [key, key]))
        #expect(ScriptTemplate(try Script(assembly: "1 2 ADD")) == .nonStandard)
    }

    @Test func sigOpCounting() throws {
        let multisig = try Script(assembly: "2 0x21 0x\(String(repeating: "02", count: 33)) 0x21 0x\(String(repeating: "03", count: 33)) 2 CHECKMULTISIG")
        #expect(multisig.sigOpCount(accurate: false) == 20)
        #expect(multisig.sigOpCount(accurate: true) == 2)
        let p2sh = Address.p2sh(hash160(multisig.bytes)).scriptPubKey
        let scriptSig = Script([0x00] + Script.push(multisig.bytes))
        #expect(p2sh.p2shSigOpCount(scriptSig: scriptSig) == 2)
        let p2wpkh = Address.witness(version: 0, program: [UInt8](repeating: 1, count: 20)).scriptPubKey
        #expect(p2wpkh.witnessSigOpCount(scriptSig: .empty, witness: [[1], [2]], flags: [.p2sh, .witness]) == 1)
        let p2wsh = Address.witness(version: 0, program: SHA256.hash(multisig.bytes).bytes).scriptPubKey
        #expect(p2wsh.witnessSigOpCount(scriptSig: .empty, witness: [[], multisig.bytes], flags: [.p2sh, .witness]) == 2)
        #expect(p2wsh.witnessSigOpCount(scriptSig: .empty, witness: [[], multisig.bytes], flags: [.p2sh]) == 0)
    }

    @Test func finalityAndSequenceLocks() {
        let prevout = OutPoint(txid: Txid(Hash256(w0: 1, w1: 0, w2: 0, w3: 0)), index: 0)
        func tx(lockTime: UInt32, sequence: UInt32, version: Int32 = 2) -> Transaction {
            Transaction(version: version, inputs: [TxIn(prevout: prevout, sequence: sequence)],
                        outputs: [TxOut(value: .zero, scriptPubKey: .empty)], lockTime: lockTime)
        }
        // Height lock: final once the block height exceeds it, or when every input is final.
        #expect(!LockTime.isFinal(tx(lockTime: 100, sequence: 0), height: 100, time: 0))
        #expect(LockTime.isFinal(tx(lockTime: 100, sequence: 0), height: 101, time: 0))
        #expect(LockTime.isFinal(tx(lockTime: 100, sequence: TxIn.sequenceFinal), height: 50, time: 0))
        // Time lock: compared with the lock-time clock (median time past).
        #expect(!LockTime.isFinal(tx(lockTime: 600_000_000, sequence: 0), height: 1_000_000, time: 600_000_000))
        #expect(LockTime.isFinal(tx(lockTime: 600_000_000, sequence: 0), height: 1, time: 600_000_001))

        // BIP 68: 10 blocks after a coin mined at height 100.
        let relative = tx(lockTime: 0, sequence: 10)
        let locks = LockTime.sequenceLocks(relative, enforce: true, previousHeights: [100]) { _ in 0 }
        #expect(locks.height == 109)
        #expect(!LockTime.sequenceLocksSatisfied(locks, height: 109, previousMedianTimePast: 0))
        #expect(LockTime.sequenceLocksSatisfied(locks, height: 110, previousMedianTimePast: 0))
        // Version 1, the disable flag, or an inactive soft fork: no lock.
        #expect(LockTime.sequenceLocks(tx(lockTime: 0, sequence: 10, version: 1), enforce: true, previousHeights: [100]) { _ in 0 }.height == -1)
        #expect(LockTime.sequenceLocks(tx(lockTime: 0, sequence: 10 | TxIn.sequenceLocktimeDisableFlag), enforce: true, previousHeights: [100]) { _ in 0 }.height == -1)
        #expect(LockTime.sequenceLocks(relative, enforce: false, previousHeights: [100]) { _ in 0 }.height == -1)
        // Time-based: 2 units of 512 s after the median time past before the coin's block.
        let timed = tx(lockTime: 0, sequence: TxIn.sequenceLocktimeTypeFlag | 2)
        let timeLocks = LockTime.sequenceLocks(timed, enforce: true, previousHeights: [100]) { height in height == 99 ? 5_000 : -1 }
        #expect(timeLocks.time == 5_000 + 1024 - 1)
        #expect(!LockTime.sequenceLocksSatisfied(timeLocks, height: 200, previousMedianTimePast: 6_023))
        #expect(LockTime.sequenceLocksSatisfied(timeLocks, height: 200, previousMedianTimePast: 6_024))
    }
}
