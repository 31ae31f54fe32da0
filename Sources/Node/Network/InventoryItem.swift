import BitcoinCrypto
import Consensus

/// An inventory vector (`inv`, `getdata`, `notfound` entries).
public struct InventoryItem: Hashable, Sendable {
    /// The kind of object, with Core's numbers.
    public enum Kind: UInt32, Sendable {
        case transaction = 1
        case block = 2
        case compactBlock = 4
        case witnessTransaction = 0x4000_0001
        case witnessBlock = 0x4000_0002
    }

    public let kind: Kind
    public let hash: Hash256

    public init(_ kind: Kind, _ hash: Hash256) {
        self.kind = kind
        self.hash = hash
    }

    public static func transaction(_ txid: Txid) -> InventoryItem { InventoryItem(.witnessTransaction, txid.hash) }
    public static func block(_ hash: BlockHash) -> InventoryItem { InventoryItem(.witnessBlock, hash.hash) }

    public var isBlock: Bool { kind == .block || kind == .witnessBlock || kind == .compactBlock }
    public var isTransaction: Bool { kind == .transaction || kind == .witnessTransaction }
}
