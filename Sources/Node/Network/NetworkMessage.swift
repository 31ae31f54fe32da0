import BitcoinCrypto
import Consensus

/// The `version` message's fields that matter to a simulated node.
public struct VersionMessage: Sendable, Equatable {
    public var protocolVersion: Int32 = 70016
    /// NODE_NETWORK | NODE_WITNESS.
    public var services: UInt64 = 1 | 8
    public var timestamp: Int64
    public var nonce: UInt64
    public var userAgent = "/Regsim:0.1.0/"
    public var startHeight: Int32
    public var relay = true

    public init(timestamp: Int64, nonce: UInt64, startHeight: Int32) {
        self.timestamp = timestamp
        self.nonce = nonce
        self.startHeight = startHeight
    }
}

/// A Bitcoin P2P message (the subset a simulated node speaks).
///
/// The rare large payloads are boxed (`indirect`) and a one-item inventory is held inline
/// (``InventoryList``), so a message is 41 bytes, moving one through queues stays cheap, and
/// the commonest messages point to nothing.
public enum NetworkMessage: Sendable, Equatable {
    indirect case version(VersionMessage)
    case verack
    case sendHeaders
    case sendCompact(announce: Bool, version: UInt64)
    case inventory(InventoryList)
    case getData(InventoryList)
    case notFound(InventoryList)
    case transaction(Transaction)
    case block(Block)
    case headers([BlockHeader])
    case getHeaders(locator: [BlockHash], stop: BlockHash)
    indirect case compactBlock(CompactBlock)
    case getBlockTransactions(block: BlockHash, indexes: [Int])
    case blockTransactions(block: BlockHash, transactions: [Transaction])
    case ping(UInt64)
    case pong(UInt64)

    /// The command string of the message header.
    public var command: String {
        switch self {
        case .version: return "version"
        case .verack: return "verack"
        case .sendHeaders: return "sendheaders"
        case .sendCompact: return "sendcmpct"
        case .inventory: return "inv"
        case .getData: return "getdata"
        case .notFound: return "notfound"
        case .transaction: return "tx"
        case .block: return "block"
        case .headers: return "headers"
        case .getHeaders: return "getheaders"
        case .compactBlock: return "cmpctblock"
        case .getBlockTransactions: return "getblocktxn"
        case .blockTransactions: return "blocktxn"
        case .ping: return "ping"
        case .pong: return "pong"
        }
    }

    /// The size on the wire, header included, computed without encoding (it equals
    /// ``MessageCodec/encode(_:magic:)``'s length; bandwidth models use it).
    public var wireSize: Int { MessageCodec.headerSize + payloadSize }

    var payloadSize: Int {
        func compact(_ count: Int) -> Int { ByteWriter.compactSizeLength(count) }
        switch self {
        case .version(let version):
            return 4 + 8 + 8 + 26 + 26 + 8 + compact(version.userAgent.utf8.count) + version.userAgent.utf8.count + 4 + 1
        case .verack, .sendHeaders: return 0
        case .sendCompact: return 9
        case .inventory(let items), .getData(let items), .notFound(let items): return compact(items.count) + 36 * items.count
        case .transaction(let transaction): return transaction.totalSize
        case .block(let block): return block.size
        case .headers(let headers): return compact(headers.count) + 81 * headers.count
        case .getHeaders(let locator, _): return 4 + compact(locator.count) + 32 * locator.count + 32
        case .compactBlock(let block):
            var size = 80 + 8 + compact(block.shortIDs.count) + 6 * block.shortIDs.count + compact(block.prefilled.count)
            var last = -1
            for (index, transaction) in block.prefilled {
                size += compact(index - last - 1) + transaction.totalSize
                last = index
            }
            return size
        case .getBlockTransactions(_, let indexes):
            var size = 32 + compact(indexes.count)
            var last = -1
            for index in indexes {
                size += compact(index - last - 1)
                last = index
            }
            return size
        case .blockTransactions(_, let transactions):
            return 32 + compact(transactions.count) + transactions.reduce(0) { $0 + $1.totalSize }
        case .ping, .pong: return 8
        }
    }
}
