/// Why bytes could not be decoded, and where.
///
/// Offsets count from the start of the buffer the ``ByteReader`` was created over, so a
/// message names the exact byte of a file or wire message that was wrong.
public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended `needed - available` bytes too early.
    case unexpectedEnd(offset: Int, needed: Int, available: Int)
    /// A CompactSize used more bytes than its value needs (Bitcoin requires the shortest form).
    case nonCanonicalCompactSize(offset: Int, value: UInt64)
    /// A length or count asked for more than the input can hold or a rule allows, refused
    /// before anything was allocated.
    case oversizedAllocation(field: String, offset: Int, requested: UInt64, max: UInt64)
    /// A field held a value the format does not allow.
    case invalidValue(field: String, offset: Int, reason: String)
    /// Bytes were left over after a complete value.
    case trailingBytes(offset: Int, count: Int)

    public var description: String {
        switch self {
        case let .unexpectedEnd(offset, needed, available):
            return "unexpected end of data at byte \(offset): needed \(needed) bytes, \(available) left"
        case let .nonCanonicalCompactSize(offset, value):
            return "non-canonical CompactSize for \(value) at byte \(offset)"
        case let .oversizedAllocation(field, offset, requested, max):
            return "\(field) at byte \(offset) asks for \(requested), more than the \(max) allowed"
        case let .invalidValue(field, offset, reason):
            return "invalid \(field) at byte \(offset): \(reason)"
        case let .trailingBytes(offset, count):
            return "\(count) unexpected trailing bytes at byte \(offset)"
        }
    }
}
