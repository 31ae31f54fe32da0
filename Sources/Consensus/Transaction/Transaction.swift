import BitcoinCrypto
import Synchronization

/// An immutable Bitcoin transaction (Core's `CTransaction`).
///
/// The txid, wtxid and sizes are computed once, when the value is built or decoded, and
/// kept. The fields live in one shared, immutable storage object, so copying a transaction
/// (into a block, a mempool, a message to a thousand peers) copies a reference.
/// Use ``MutableTransaction`` to build one field by field.
public struct Transaction: Hashable, Sendable, BitcoinCodable, CustomStringConvertible {

    final class Storage: Sendable {
        let version: Int32
        let inputs: [TxIn]
        let outputs: [TxOut]
        let lockTime: UInt32
        let txid: Txid
        let wtxid: Wtxid
        let baseSize: Int
        let totalSize: Int
        /// Signature-hash digests, computed on first use and shared by every copy.
        let digests = Mutex<TransactionDigests?>(nil)

        init(version: Int32, inputs: [TxIn], outputs: [TxOut], lockTime: UInt32,
             txid: Txid, wtxid: Wtxid, baseSize: Int, totalSize: Int) {
            self.version = version
            self.inputs = inputs
            self.outputs = outputs
            self.lockTime = lockTime
            self.txid = txid
            self.wtxid = wtxid
            self.baseSize = baseSize
            self.totalSize = totalSize
        }
    }

    let storage: Storage

    /// Builds a transaction and computes its ids.
    public init(version: Int32 = 2, inputs: [TxIn], outputs: [TxOut], lockTime: UInt32 = 0) {
        let hasWitness = inputs.contains { !$0.witness.isEmpty }
        var base = ByteWriter(capacity: 256)
        Transaction.encode(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime,
                           witness: false, to: &base)
        let txid = Txid(hash256(base.bytes))
        var wtxid = Wtxid(txid.hash)
        var totalSize = base.bytes.count
        if hasWitness {
            var full = ByteWriter(capacity: base.bytes.count * 2)
            Transaction.encode(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime,
                               witness: true, to: &full)
            wtxid = Wtxid(hash256(full.bytes))
            totalSize = full.bytes.count
        }
        storage = Storage(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime,
                          txid: txid, wtxid: wtxid, baseSize: base.bytes.count, totalSize: totalSize)
    }

    public var version: Int32 { storage.version }
    public var inputs: [TxIn] { storage.inputs }
    public var outputs: [TxOut] { storage.outputs }
    public var lockTime: UInt32 { storage.lockTime }
    /// HASH256 of the serialisation without witness.
    public var txid: Txid { storage.txid }
    /// HASH256 of the full serialisation (equal to the txid without witness).
    public var wtxid: Wtxid { storage.wtxid }

    /// Size in bytes without witness data.
    public var baseSize: Int { storage.baseSize }
    /// Size in bytes with witness data.
    public var totalSize: Int { storage.totalSize }
    /// BIP 141 weight: base size × 3 + total size.
    public var weight: Weight { Weight(storage.baseSize * 3 + storage.totalSize) }
    /// Virtual size in vbytes.
    public var virtualSize: Int { weight.virtualSize }

    /// True when any input carries a witness.
    public var hasWitness: Bool { storage.totalSize != storage.baseSize }

    /// True for a coinbase: exactly one input, spending the null outpoint.
    public var isCoinbase: Bool { inputs.count == 1 && inputs[0].prevout.isNull }

    /// The sum of the output values, or `nil` if any value or the sum leaves the money range.
    public var totalOutputValue: Amount? {
        var total = Amount.zero
        for output in outputs {
            guard output.value.isInMoneyRange, let sum = total.adding(output.value) else { return nil }
            total = sum
        }
        return total
    }

    public var description: String { txid.description }

    /// The digests of the transaction's prevouts, sequences and outputs that BIP 143 and
    /// BIP 341 signature hashes share. Computed once per transaction per process, on first
    /// use, however many nodes verify it.
    public var digests: TransactionDigests {
        if let cached = storage.digests.withLock({ $0 }) { return cached }
        let computed = TransactionDigests(self)
        storage.digests.withLock { $0 = computed }
        return computed
    }

    public static func == (lhs: Transaction, rhs: Transaction) -> Bool {
        lhs.storage === rhs.storage || (lhs.wtxid == rhs.wtxid && lhs.txid == rhs.txid)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(wtxid) }

    // MARK: Encoding

    /// Encodes with witness data when the transaction has any (BIP 144).
    public func encode(to writer: inout ByteWriter) {
        encode(to: &writer, witness: true)
    }

    /// Encodes, with or without witness data.
    public func encode(to writer: inout ByteWriter, witness: Bool) {
        Transaction.encode(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime,
                           witness: witness && hasWitness, to: &writer)
    }

    /// The serialisation without witness data (the txid preimage).
    public var serializedWithoutWitness: [UInt8] {
        var writer = ByteWriter(capacity: baseSize)
        encode(to: &writer, witness: false)
        return writer.bytes
    }

    static func encode(version: Int32, inputs: [TxIn], outputs: [TxOut], lockTime: UInt32,
                       witness: Bool, to writer: inout ByteWriter) {
        writer.write(version)
        if witness {
            writer.write(UInt8(0))  // marker
            writer.write(UInt8(1))  // flag
        }
        writer.writeCompactSize(inputs.count)
        for input in inputs { input.encodeWithoutWitness(to: &writer) }
        writer.writeCompactSize(outputs.count)
        for output in outputs { output.encode(to: &writer) }
        if witness {
            for input in inputs {
                writer.writeCompactSize(input.witness.count)
                for item in input.witness { writer.writeVarBytes(item) }
            }
        }
        writer.write(lockTime)
    }

    // MARK: Decoding

    /// Decodes a transaction in legacy or BIP 144 form, following Core's
    /// `UnserializeTransaction`: an empty input list followed by a non-zero flag byte marks
    /// the extended form; a witness section whose stacks are all empty is refused
    /// ("superfluous witness record"), and unknown flags are refused.
    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        let version = try reader.readInt32()
        var inputsStart = reader.offset
        var inputs = try Transaction.readInputs(&reader)
        var outputs: [TxOut] = []
        var flags: UInt8 = 0
        if inputs.isEmpty {
            let flagOffset = reader.offset
            flags = try reader.readUInt8()
            if flags != 0 {
                inputsStart = reader.offset
                inputs = try Transaction.readInputs(&reader)
                outputs = try Transaction.readOutputs(&reader)
            } else {
                // Core reads nothing more here: the zero byte was the (empty) output count.
                _ = flagOffset
            }
        } else {
            outputs = try Transaction.readOutputs(&reader)
        }
        let outputsEnd = reader.offset
        if flags & 1 != 0 {
            flags ^= 1
            for index in inputs.indices {
                let count = try reader.readCount("witness item count", minimumElementSize: 1)
                var stack = [[UInt8]]()
                stack.reserveCapacity(count)
                for _ in 0..<count { stack.append(try reader.readVarBytes("witness item length")) }
                inputs[index].witness = stack
            }
            guard inputs.contains(where: { !$0.witness.isEmpty }) else {
                throw .invalidValue(field: "witness", offset: outputsEnd, reason: "superfluous witness record")
            }
        }
        guard flags == 0 else {
            throw .invalidValue(field: "transaction flags", offset: start + 4, reason: "unknown optional data")
        }
        let lockTime = try reader.readUInt32()
        let end = reader.offset

        let bytes = reader.bytes
        let totalSize = end - start
        let wtxidHash = bytes.withUnsafeBytes { hash256(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        let txid: Txid
        let baseSize: Int
        if inputs.contains(where: { !$0.witness.isEmpty }) {
            // The txid covers version, inputs, outputs and lock time: hash those ranges
            // directly instead of re-encoding.
            baseSize = 4 + (outputsEnd - inputsStart) + 4
            var inner = SHA256()
            bytes.withUnsafeBytes { raw in
                inner.update(UnsafeRawBufferPointer(rebasing: raw[start..<start + 4]))
                inner.update(UnsafeRawBufferPointer(rebasing: raw[inputsStart..<outputsEnd]))
                inner.update(UnsafeRawBufferPointer(rebasing: raw[end - 4..<end]))
            }
            txid = Txid(inner.finalize().sha256)
        } else {
            baseSize = totalSize
            txid = Txid(wtxidHash)
        }
        storage = Storage(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime,
                          txid: txid, wtxid: Wtxid(wtxidHash), baseSize: baseSize, totalSize: totalSize)
    }

    private static func readInputs(_ reader: inout ByteReader) throws(DecodingError) -> [TxIn] {
        let count = try reader.readCount("input count", minimumElementSize: TxIn.minimumEncodedSize)
        var inputs = [TxIn]()
        inputs.reserveCapacity(count)
        for _ in 0..<count { inputs.append(try TxIn(fromWithoutWitness: &reader)) }
        return inputs
    }

    private static func readOutputs(_ reader: inout ByteReader) throws(DecodingError) -> [TxOut] {
        let count = try reader.readCount("output count", minimumElementSize: TxOut.minimumEncodedSize)
        var outputs = [TxOut]()
        outputs.reserveCapacity(count)
        for _ in 0..<count { outputs.append(try TxOut(from: &reader)) }
        return outputs
    }
}

/// A transaction under construction (Core's `CMutableTransaction`). Freeze it with
/// ``transaction`` to compute its ids.
public struct MutableTransaction: Hashable, Sendable {
    public var version: Int32
    public var inputs: [TxIn]
    public var outputs: [TxOut]
    public var lockTime: UInt32

    public init(version: Int32 = 2, inputs: [TxIn] = [], outputs: [TxOut] = [], lockTime: UInt32 = 0) {
        self.version = version
        self.inputs = inputs
        self.outputs = outputs
        self.lockTime = lockTime
    }

    /// A mutable copy of `transaction`.
    public init(_ transaction: Transaction) {
        self.init(version: transaction.version, inputs: transaction.inputs,
                  outputs: transaction.outputs, lockTime: transaction.lockTime)
    }

    /// The immutable transaction, with its ids computed.
    public var transaction: Transaction {
        Transaction(version: version, inputs: inputs, outputs: outputs, lockTime: lockTime)
    }
}
