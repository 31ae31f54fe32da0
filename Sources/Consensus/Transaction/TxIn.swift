/// A transaction input (Core's `CTxIn`): the outpoint it spends, its scriptSig, its
/// sequence number and its witness stack (BIP 141).
public struct TxIn: Hashable, Sendable {
    public var prevout: OutPoint
    public var scriptSig: Script
    public var sequence: UInt32
    /// The witness stack, bottom first; empty when the input has no witness.
    public var witness: [[UInt8]]

    /// `SEQUENCE_FINAL`: the input does not block lock time and opts out of BIP 68.
    public static let sequenceFinal: UInt32 = 0xffff_ffff
    /// The highest sequence that still allows lock time and opts out of BIP 125 signalling.
    public static let maxSequenceNonFinal: UInt32 = 0xffff_fffe
    /// BIP 68: when set, the sequence has no relative lock-time meaning.
    public static let sequenceLocktimeDisableFlag: UInt32 = 1 << 31
    /// BIP 68: when set, the relative lock time is in units of 512 seconds, else blocks.
    public static let sequenceLocktimeTypeFlag: UInt32 = 1 << 22
    /// BIP 68: the bits holding the relative lock-time value.
    public static let sequenceLocktimeMask: UInt32 = 0x0000_ffff
    /// BIP 68: time-based relative lock times count in units of 2^9 seconds.
    public static let sequenceLocktimeGranularity = 9

    public init(prevout: OutPoint, scriptSig: Script = .empty, sequence: UInt32 = TxIn.sequenceFinal, witness: [[UInt8]] = []) {
        self.prevout = prevout
        self.scriptSig = scriptSig
        self.sequence = sequence
        self.witness = witness
    }

    /// The minimum encoded size of an input without witness: outpoint, empty script, sequence.
    static let minimumEncodedSize = 41

    init(fromWithoutWitness reader: inout ByteReader) throws(DecodingError) {
        prevout = try OutPoint(from: &reader)
        scriptSig = Script(try reader.readVarBytes("scriptSig length"))
        sequence = try reader.readUInt32()
        witness = []
    }

    func encodeWithoutWitness(to writer: inout ByteWriter) {
        prevout.encode(to: &writer)
        writer.writeVarBytes(scriptSig.bytes)
        writer.write(sequence)
    }
}
