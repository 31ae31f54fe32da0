import BitcoinCrypto

/// Blocks in Bitcoin Core's `blk*.dat` layout: each record is the chain's 4 message-start
/// bytes, a 4-byte little-endian length, and the serialised block.
///
/// This type only parses and produces bytes; reading and writing files belongs to callers.
public enum BlockFile {
    /// Why a `blk*.dat` buffer could not be parsed, with the byte offset of the record.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        case wrongMagic(offset: Int, found: [UInt8])
        case truncatedRecord(offset: Int, declared: Int, available: Int)
        case invalidBlock(offset: Int, DecodingError)

        public var description: String {
            switch self {
            case let .wrongMagic(offset, found):
                return "record at byte \(offset) starts with \(Hex.encode(found)), not the chain's message start"
            case let .truncatedRecord(offset, declared, available):
                return "record at byte \(offset) declares \(declared) bytes but only \(available) follow"
            case let .invalidBlock(offset, error):
                return "block in record at byte \(offset) does not decode: \(error)"
            }
        }
    }

    /// Parses every record of `bytes`. Parsing stops at the end or at zero padding (Core
    /// preallocates its files with zeros).
    public static func parse(_ bytes: [UInt8], messageStart: [UInt8]) throws(Error) -> [Block] {
        let (blocks, error) = parseRecords(bytes, messageStart: messageStart)
        if let error { throw error }
        return blocks
    }

    /// The blocks of every complete record before the first damaged one, and what is wrong
    /// with that one (`nil` when the buffer is whole): a file cut short by a crash still
    /// gives the blocks written before the cut, as Core's `-loadblock` keeps them.
    public static func parseRecords(_ bytes: [UInt8], messageStart: [UInt8]) -> (blocks: [Block], error: Error?) {
        var blocks = [Block]()
        var offset = 0
        while offset + 8 <= bytes.count {
            let magic = Array(bytes[offset..<offset + 4])
            if magic == [0, 0, 0, 0] { break }
            guard magic == messageStart else { return (blocks, .wrongMagic(offset: offset, found: magic)) }
            let length = Int(UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8
                             | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 24)
            let start = offset + 8
            guard length <= bytes.count - start else {
                return (blocks, .truncatedRecord(offset: offset, declared: length, available: bytes.count - start))
            }
            do {
                blocks.append(try Block(bytes: Array(bytes[start..<start + length])))
            } catch {
                return (blocks, .invalidBlock(offset: offset, error))
            }
            offset = start + length
        }
        return (blocks, nil)
    }

    /// The `blk*.dat` bytes of `blocks`, in order.
    public static func serialize(_ blocks: [Block], messageStart: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: blocks.reduce(0) { $0 + $1.size + 8 })
        for block in blocks {
            writer.write(messageStart)
            writer.write(UInt32(block.size))
            writer.write(block.serialized)
        }
        return writer.bytes
    }
}
