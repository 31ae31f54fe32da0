/// A transaction output (Core's `CTxOut`): an amount and the script that locks it.
public struct TxOut: Hashable, Sendable, BitcoinCodable {
    public var value: Amount
    public var scriptPubKey: Script

    public init(value: Amount, scriptPubKey: Script) {
        self.value = value
        self.scriptPubKey = scriptPubKey
    }

    /// The minimum encoded size: 8-byte value and an empty script.
    static let minimumEncodedSize = 9

    public init(from reader: inout ByteReader) throws(DecodingError) {
        value = Amount(unchecked: try reader.readInt64())
        scriptPubKey = Script(try reader.readVarBytes("scriptPubKey length"))
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(value.satoshis)
        writer.writeVarBytes(scriptPubKey.bytes)
    }
}
