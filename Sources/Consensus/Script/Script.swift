import BitcoinCrypto

/// A Bitcoin script: the raw bytes of a scriptSig, scriptPubKey, redeem script or
/// tapscript. Parsing into operations and running it live in the interpreter; the bytes
/// are kept exactly as received, since signature hashes commit to them.
public struct Script: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The serialised script.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(arrayLiteral elements: UInt8...) { bytes = elements }

    /// The empty script.
    public static let empty = Script([])

    /// The number of bytes.
    public var count: Int { bytes.count }
    /// True for the empty script.
    public var isEmpty: Bool { bytes.isEmpty }

    public var description: String { Hex.encode(bytes) }
}
