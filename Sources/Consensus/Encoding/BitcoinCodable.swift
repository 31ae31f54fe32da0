/// A value with a Bitcoin wire encoding. Encoding never fails.
public protocol BitcoinEncodable {
    /// Appends the encoding of `self` to `writer`.
    func encode(to writer: inout ByteWriter)
}

/// A value that can be decoded from its Bitcoin wire encoding.
public protocol BitcoinDecodable {
    /// Decodes a value from `reader`, leaving it positioned after the value.
    init(from reader: inout ByteReader) throws(DecodingError)
}

/// A value with a Bitcoin wire encoding in both directions.
public typealias BitcoinCodable = BitcoinEncodable & BitcoinDecodable

extension BitcoinEncodable {
    /// The encoded bytes.
    public var serialized: [UInt8] {
        var writer = ByteWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension BitcoinDecodable {
    /// Decodes a value that must span all of `bytes`.
    public init(bytes: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(bytes)
        self = try Self(from: &reader)
        try reader.requireEnd()
    }
}
