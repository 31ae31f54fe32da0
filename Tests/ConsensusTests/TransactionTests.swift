import BitcoinCrypto
import Consensus
import TestSupport
import Testing

@Suite struct TransactionTests {
    func sampleSegwitTransaction() -> Transaction {
        let prevout = OutPoint(txid: Txid(Hash256(w0: 1, w1: 2, w2: 3, w3: 4)), index: 7)
        return Transaction(
            version: 2,
            inputs: [TxIn(prevout: prevout, sequence: 0xffff_fffd, witness: [[0x30, 0x44], [0x02, 0x03]]),
                     TxIn(prevout: OutPoint(txid: prevout.txid, index: 8), scriptSig: Script([0x51]))],
            outputs: [TxOut(value: Amount(satoshis: 5000)!, scriptPubKey: Script([0x00, 0x14] + [UInt8](repeating: 9, count: 20)))],
            lockTime: 101)
    }

    @Test func segwitSerialisationRoundTrips() throws {
        let tx = sampleSegwitTransaction()
        #expect(tx.hasWitness)
        #expect(tx.txid.hash != tx.wtxid.hash)
        let bytes = tx.serialized
        #expect(bytes[4] == 0x00 && bytes[5] == 0x01)  // BIP 144 marker and flag
        let decoded = try Transaction(bytes: bytes)
        #expect(decoded == tx)
        #expect(decoded.txid == tx.txid)
        #expect(decoded.wtxid == tx.wtxid)
        #expect(decoded.baseSize == tx.serializedWithoutWitness.count)
        #expect(decoded.totalSize == bytes.count)
        #expect(decoded.weight.units == decoded.baseSize * 3 + decoded.totalSize)
        #expect(decoded.txid.hash == hash256(tx.serializedWithoutWitness))
        #expect(decoded.wtxid.hash == hash256(bytes))
        #expect(decoded.inputs[0].witness == [[0x30, 0x44], [0x02, 0x03]])
        #expect(decoded.inputs[1].witness.isEmpty)
    }

    @Test func superfluousWitnessAndUnknownFlagsAreRefused() throws {
        var bytes = sampleSegwitTransaction().serialized
        // Empty both witness stacks: "0200 0200" -> the flag says witness but none is present.
        let witnessStart = bytes.count - 4 - (1 + 1 + 2 + 1 + 2) - 1
        bytes.replaceSubrange(witnessStart..<(bytes.count - 4), with: [0x00, 0x00])
        #expect(throws: DecodingError.self) { try Transaction(bytes: bytes) }
        var flagged = sampleSegwitTransaction().serialized
        flagged[5] = 0x03
        #expect(throws: DecodingError.invalidValue(field: "transaction flags", offset: 4, reason: "unknown optional data")) {
            try Transaction(bytes: flagged)
        }
    }

    @Test func legacyTransactionHasEqualIds() throws {
        let tx = Transaction(version: 1, inputs: [TxIn(prevout: .null, scriptSig: Script([0x01, 0x01]))],
                             outputs: [TxOut(value: Amount(satoshis: 1)!, scriptPubKey: .empty)])
        #expect(tx.isCoinbase)
        #expect(tx.txid.hash == tx.wtxid.hash)
        #expect(tx.weight.units == tx.totalSize * 4)
        #expect(try Transaction(bytes: tx.serialized) == tx)
        #expect(MutableTransaction(tx).transaction == tx)
    }

    @Test func totalOutputValueChecksRange() {
        let over = Transaction(inputs: [], outputs: [
            TxOut(value: Amount.maxMoney, scriptPubKey: .empty), TxOut(value: Amount(unchecked: 1), scriptPubKey: .empty)])
        #expect(over.totalOutputValue == nil)
        let negative = Transaction(inputs: [], outputs: [TxOut(value: Amount(unchecked: -1), scriptPubKey: .empty)])
        #expect(negative.totalOutputValue == nil)
    }
}
