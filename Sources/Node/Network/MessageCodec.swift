import BitcoinCrypto
import Consensus

/// Bitcoin's wire format: a 24-byte header (network magic, 12-byte command, payload length,
/// checksum = the first four bytes of HASH256 of the payload) and the payload.
public enum MessageCodec {
    public static let headerSize = 24
    /// Where the header's four checksum bytes start (after magic, command and length).
    public static let checksumOffset = 20
    /// Core's `MAX_PROTOCOL_MESSAGE_LENGTH`, 4 MB; blocks may use the 4 MB weight limit in bytes.
    public static let maxPayloadSize = 4_000_000 + 1_000

    /// Why bytes were not a valid message.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        case wrongMagic([UInt8])
        case badCommand
        case unknownCommand(String)
        case oversized(Int)
        case badChecksum
        case malformed(command: String, DecodingError)

        public var description: String {
            switch self {
            case .wrongMagic(let magic): return "wrong network magic \(Hex.encode(magic))"
            case .badCommand: return "command is not NUL-padded ASCII"
            case .unknownCommand(let command): return "unknown command \(command)"
            case .oversized(let size): return "payload of \(size) bytes exceeds the limit"
            case .badChecksum: return "checksum mismatch"
            case let .malformed(command, error): return "malformed \(command): \(error)"
            }
        }
    }

    /// The message's bytes for a network with message start `magic`.
    public static func encode(_ message: NetworkMessage, magic: [UInt8]) -> [UInt8] {
        var payload = ByteWriter(capacity: message.payloadSize)
        encodePayload(message, to: &payload)
        var writer = ByteWriter(capacity: headerSize + payload.bytes.count)
        writer.write(magic)
        var command = Array(message.command.utf8)
        command += [UInt8](repeating: 0, count: 12 - command.count)
        writer.write(command)
        writer.write(UInt32(payload.bytes.count))
        writer.write(Array(hash256(payload.bytes).bytes[0..<4]))
        writer.write(payload.bytes)
        return writer.bytes
    }

    /// Decodes one complete message; refuses anything malformed with the reason.
    public static func decode(_ bytes: [UInt8], magic: [UInt8]) throws(Error) -> NetworkMessage {
        guard bytes.count >= headerSize else { throw .malformed(command: "?", .unexpectedEnd(offset: 0, needed: headerSize, available: bytes.count)) }
        guard Array(bytes[0..<4]) == magic else { throw .wrongMagic(Array(bytes[0..<4])) }
        let commandBytes = bytes[4..<16]
        let name = commandBytes.prefix { $0 != 0 }
        guard commandBytes.dropFirst(name.count).allSatisfy({ $0 == 0 }), name.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
            throw .badCommand
        }
        let command = String(decoding: name, as: UTF8.self)
        let length = Int(UInt32(bytes[16]) | UInt32(bytes[17]) << 8 | UInt32(bytes[18]) << 16 | UInt32(bytes[19]) << 24)
        guard length <= maxPayloadSize else { throw .oversized(length) }
        guard bytes.count - headerSize == length else {
            throw .malformed(command: command, .unexpectedEnd(offset: headerSize, needed: length, available: bytes.count - headerSize))
        }
        let payload = Array(bytes[headerSize...])
        guard hash256(payload).bytes[0..<4].elementsEqual(bytes[20..<24]) else { throw .badChecksum }
        var reader = ByteReader(payload)
        do {
            let message = try decodePayload(command: command, from: &reader)
            try reader.requireEnd()
            return message
        } catch let error as Error {
            throw error
        } catch let error as DecodingError {
            throw .malformed(command: command, error)
        } catch {
            throw .badCommand
        }
    }

    static func encodePayload(_ message: NetworkMessage, to writer: inout ByteWriter) {
        switch message {
        case .version(let version):
            writer.write(version.protocolVersion)
            writer.write(version.services)
            writer.write(version.timestamp)
            for _ in 0..<2 {  // receiver and sender addresses: services, IPv6 ::, port 0
                writer.write(version.services)
                writer.write([UInt8](repeating: 0, count: 16))
                writer.writeBigEndian(UInt16(0))
            }
            writer.write(version.nonce)
            writer.writeVarBytes(Array(version.userAgent.utf8))
            writer.write(version.startHeight)
            writer.write(UInt8(version.relay ? 1 : 0))
        case .verack, .sendHeaders:
            break
        case .sendCompact(let announce, let version):
            writer.write(UInt8(announce ? 1 : 0))
            writer.write(version)
        case .inventory(let items), .getData(let items), .notFound(let items):
            writer.writeCompactSize(items.count)
            for item in items {
                writer.write(item.kind.rawValue)
                writer.write(item.hash)
            }
        case .transaction(let transaction):
            transaction.encode(to: &writer)
        case .block(let block):
            block.encode(to: &writer)
        case .headers(let headers):
            writer.writeCompactSize(headers.count)
            for header in headers {
                header.encode(to: &writer)
                writer.writeCompactSize(0)
            }
        case .getHeaders(let locator, let stop):
            writer.write(Int32(70016))
            writer.writeCompactSize(locator.count)
            for hash in locator { writer.write(hash.hash) }
            writer.write(stop.hash)
        case .compactBlock(let block):
            block.header.encode(to: &writer)
            writer.write(block.nonce)
            writer.writeCompactSize(block.shortIDs.count)
            for id in block.shortIDs {
                for shift in stride(from: 0, to: 48, by: 8) { writer.write(UInt8(truncatingIfNeeded: id >> UInt64(shift))) }
            }
            writer.writeCompactSize(block.prefilled.count)
            var last = -1
            for (index, transaction) in block.prefilled {
                writer.writeCompactSize(index - last - 1)  // differentially encoded
                transaction.encode(to: &writer)
                last = index
            }
        case .getBlockTransactions(let block, let indexes):
            writer.write(block.hash)
            writer.writeCompactSize(indexes.count)
            var last = -1
            for index in indexes {
                writer.writeCompactSize(index - last - 1)
                last = index
            }
        case .blockTransactions(let block, let transactions):
            writer.write(block.hash)
            writer.writeCompactSize(transactions.count)
            for transaction in transactions { transaction.encode(to: &writer) }
        case .ping(let nonce), .pong(let nonce):
            writer.write(nonce)
        }
    }

    static func decodePayload(command: String, from reader: inout ByteReader) throws -> NetworkMessage {
        switch command {
        case "version":
            let protocolVersion = try reader.readInt32()
            let services = try reader.readUInt64()
            let timestamp = try reader.readInt64()
            try reader.skip(52)  // two network addresses
            let nonce = try reader.readUInt64()
            let userAgent = try reader.readVarBytes("user agent", limit: 256)
            let startHeight = try reader.readInt32()
            let relay = reader.isAtEnd ? true : try reader.readUInt8() != 0
            var version = VersionMessage(timestamp: timestamp, nonce: nonce, startHeight: startHeight)
            version.protocolVersion = protocolVersion
            version.services = services
            version.userAgent = String(decoding: userAgent, as: UTF8.self)
            version.relay = relay
            return .version(version)
        case "verack": return .verack
        case "sendheaders": return .sendHeaders
        case "sendcmpct": return .sendCompact(announce: try reader.readUInt8() != 0, version: try reader.readUInt64())
        case "inv": return .inventory(try readInventory(&reader))
        case "getdata": return .getData(try readInventory(&reader))
        case "notfound": return .notFound(try readInventory(&reader))
        case "tx": return .transaction(try Transaction(from: &reader))
        case "block": return .block(try Block(from: &reader))
        case "headers":
            let count = try reader.readCount("headers", minimumElementSize: 81, limit: 2000)
            var headers = [BlockHeader]()
            for _ in 0..<count {
                headers.append(try BlockHeader(from: &reader))
                guard try reader.readCompactSize() == 0 else {
                    throw DecodingError.invalidValue(field: "headers", offset: reader.offset, reason: "transactions in a headers message")
                }
            }
            return .headers(headers)
        case "getheaders":
            _ = try reader.readInt32()
            let count = try reader.readCount("locator", minimumElementSize: 32, limit: 101)
            var locator = [BlockHash]()
            for _ in 0..<count { locator.append(BlockHash(try reader.readHash256())) }
            return .getHeaders(locator: locator, stop: BlockHash(try reader.readHash256()))
        case "cmpctblock":
            let header = try BlockHeader(from: &reader)
            let nonce = try reader.readUInt64()
            let idCount = try reader.readCount("short ids", minimumElementSize: 6)
            var ids = [UInt64]()
            ids.reserveCapacity(idCount)
            for _ in 0..<idCount {
                let bytes = try reader.readBytes(6)
                ids.append(bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) })
            }
            let prefilledCount = try reader.readCount("prefilled transactions", minimumElementSize: 11)
            var prefilled = [(index: Int, transaction: Transaction)]()
            var last = -1
            for _ in 0..<prefilledCount {
                let delta = try reader.readCompactSize()
                guard delta < 100_000 else { throw DecodingError.invalidValue(field: "prefilled index", offset: reader.offset, reason: "too large") }
                last += Int(delta) + 1
                prefilled.append((last, try Transaction(from: &reader)))
            }
            return .compactBlock(CompactBlock(header: header, nonce: nonce, shortIDs: ids, prefilled: prefilled))
        case "getblocktxn":
            let block = BlockHash(try reader.readHash256())
            let count = try reader.readCount("indexes", minimumElementSize: 1, limit: 100_000)
            var indexes = [Int]()
            var last = -1
            for _ in 0..<count {
                let delta = try reader.readCompactSize()
                guard delta < 100_000 else { throw DecodingError.invalidValue(field: "index", offset: reader.offset, reason: "too large") }
                last += Int(delta) + 1
                indexes.append(last)
            }
            return .getBlockTransactions(block: block, indexes: indexes)
        case "blocktxn":
            let block = BlockHash(try reader.readHash256())
            let count = try reader.readCount("transactions", minimumElementSize: 10)
            var transactions = [Transaction]()
            for _ in 0..<count { transactions.append(try Transaction(from: &reader)) }
            return .blockTransactions(block: block, transactions: transactions)
        case "ping": return .ping(try reader.readUInt64())
        case "pong": return .pong(try reader.readUInt64())
        default: throw Error.unknownCommand(command)
        }
    }

    static func readInventory(_ reader: inout ByteReader) throws -> InventoryList {
        let count = try reader.readCount("inventory", minimumElementSize: 36, limit: 50_000)
        var items = [InventoryItem]()
        items.reserveCapacity(count)
        for _ in 0..<count {
            let offset = reader.offset
            let raw = try reader.readUInt32()
            guard let kind = InventoryItem.Kind(rawValue: raw) else {
                throw DecodingError.invalidValue(field: "inventory type", offset: offset, reason: "unknown type \(raw)")
            }
            items.append(InventoryItem(kind, try reader.readHash256()))
        }
        return InventoryList(items)
    }
}
