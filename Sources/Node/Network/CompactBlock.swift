import BitcoinCrypto
import Consensus

/// A BIP 152 compact block (`cmpctblock`, version 2): the header, a nonce, 6-byte short IDs
/// of the transactions the receiver probably has, and the rest prefilled.
public struct CompactBlock: Sendable, Equatable {
    public let header: BlockHeader
    public let nonce: UInt64
    /// Short IDs of the non-prefilled transactions, in block order.
    public let shortIDs: [UInt64]
    /// Transactions sent in full, with their index in the block.
    public let prefilled: [(index: Int, transaction: Transaction)]

    public init(header: BlockHeader, nonce: UInt64, shortIDs: [UInt64], prefilled: [(index: Int, transaction: Transaction)]) {
        self.header = header
        self.nonce = nonce
        self.shortIDs = shortIDs
        self.prefilled = prefilled
    }

    /// The compact form of `block`, prefilling only the coinbase (as Core does).
    public init(block: Block, nonce: UInt64) {
        header = block.header
        self.nonce = nonce
        prefilled = [(0, block.transactions[0])]
        let keys = CompactBlock.keys(header: block.header, nonce: nonce)
        shortIDs = block.transactions.dropFirst().map { CompactBlock.shortID($0.wtxid, keys: keys) }
    }

    /// The SipHash keys: the first two little-endian words of SHA256(header || nonce).
    public static func keys(header: BlockHeader, nonce: UInt64) -> (UInt64, UInt64) {
        var writer = ByteWriter(capacity: 88)
        header.encode(to: &writer)
        writer.write(nonce)
        let hash = SHA256.hash(writer.bytes)
        return (hash.w0, hash.w1)
    }

    /// A transaction's short ID: SipHash-2-4 of its wtxid, the low 6 bytes.
    public static func shortID(_ wtxid: Wtxid, keys: (UInt64, UInt64)) -> UInt64 {
        SipHash.hash(k0: keys.0, k1: keys.1, wtxid.hash.bytes) & 0xffff_ffff_ffff
    }

    /// The number of transactions in the block.
    public var transactionCount: Int { shortIDs.count + prefilled.count }

    /// Rebuilds the block from `available` transactions (a mempool), returning the block or
    /// the indexes of the transactions still missing (for `getblocktxn`).
    public func reconstruct(from available: [Transaction]) -> (block: Block?, missing: [Int], partial: [Transaction?]) {
        var slots = [Transaction?](repeating: nil, count: transactionCount)
        for (index, transaction) in prefilled where index < slots.count { slots[index] = transaction }
        let keys = CompactBlock.keys(header: header, nonce: nonce)
        var byShortID = [UInt64: Transaction]()
        for transaction in available { byShortID[CompactBlock.shortID(transaction.wtxid, keys: keys)] = transaction }
        var next = shortIDs.makeIterator()
        for index in slots.indices where slots[index] == nil {
            guard let shortID = next.next() else { break }
            slots[index] = byShortID[shortID]
        }
        return CompactBlock.complete(header: header, slots)
    }

    /// The block when every slot is filled, else the missing indexes.
    static func complete(header: BlockHeader, _ slots: [Transaction?]) -> (block: Block?, missing: [Int], partial: [Transaction?]) {
        let missing = slots.indices.filter { slots[$0] == nil }
        guard missing.isEmpty else { return (nil, missing, slots) }
        return (Block(header: header, transactions: slots.map { $0! }), [], slots)
    }

    /// Fills the missing slots with `transactions` (a `blocktxn` answer), in order.
    public static func fill(header: BlockHeader, partial: [Transaction?], with transactions: [Transaction]) -> Block? {
        var slots = partial
        var next = transactions.makeIterator()
        for index in slots.indices where slots[index] == nil { slots[index] = next.next() }
        return complete(header: header, slots).block
    }

    public static func == (lhs: CompactBlock, rhs: CompactBlock) -> Bool {
        lhs.header == rhs.header && lhs.nonce == rhs.nonce && lhs.shortIDs == rhs.shortIDs
            && lhs.prefilled.map(\.index) == rhs.prefilled.map(\.index)
            && lhs.prefilled.map(\.transaction) == rhs.prefilled.map(\.transaction)
    }
}
