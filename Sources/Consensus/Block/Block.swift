import BitcoinCrypto
import Synchronization

/// An immutable block (Core's `CBlock`): a header and its transactions.
///
/// Everything that is a pure function of the block is computed once, when it is built or
/// decoded, and shared by every copy: its hash, serialised bytes and sizes, and the merkle
/// root of its transactions with the mutation flag. A block gossiped to ten thousand
/// simulated nodes exists once in memory and is hashed once.
public struct Block: Hashable, Sendable, BitcoinCodable, CustomStringConvertible {
    final class Storage: Sendable {
        let header: BlockHeader
        let transactions: [Transaction]
        let serialized: [UInt8]
        let strippedSize: Int
        let computedMerkleRoot: Hash256
        let merkleMutated: Bool
        /// The witness merkle root, computed on first use.
        let witnessRoot = Mutex<(root: Hash256, mutated: Bool)?>(nil)
        /// The context-free check's outcome, by proof-of-work limit (``BlockCheck/check(_:params:)``).
        let contextFreeCheck = Mutex<(powLimit: UInt256, error: ValidationError?)?>(nil)

        init(header: BlockHeader, transactions: [Transaction], serialized: [UInt8]) {
            self.header = header
            self.transactions = transactions
            self.serialized = serialized
            strippedSize = BlockHeader.encodedSize + ByteWriter.compactSizeLength(transactions.count)
                + transactions.reduce(0) { $0 + $1.baseSize }
            (computedMerkleRoot, merkleMutated) = MerkleTree.root(of: transactions.map(\.txid.hash))
        }
    }

    let storage: Storage

    /// Builds a block from a header and transactions; the header's merkle root is taken as
    /// given (validation compares it with ``computedMerkleRoot``).
    public init(header: BlockHeader, transactions: [Transaction]) {
        var writer = ByteWriter(capacity: BlockHeader.encodedSize + transactions.reduce(9) { $0 + $1.totalSize })
        header.encode(to: &writer)
        writer.writeCompactSize(transactions.count)
        for transaction in transactions { transaction.encode(to: &writer) }
        storage = Storage(header: header, transactions: transactions, serialized: writer.bytes)
    }

    public var header: BlockHeader { storage.header }
    public var hash: BlockHash { storage.header.hash }
    public var transactions: [Transaction] { storage.transactions }

    /// The full serialisation, witness data included.
    public var serialized: [UInt8] { storage.serialized }
    /// Size in bytes with witness data.
    public var size: Int { storage.serialized.count }
    /// Size in bytes without witness data.
    public var strippedSize: Int { storage.strippedSize }
    /// BIP 141 block weight.
    public var weight: Weight { Weight(storage.strippedSize * 3 + storage.serialized.count) }

    /// The merkle root of the transactions' txids, computed from the transactions.
    public var computedMerkleRoot: Hash256 { storage.computedMerkleRoot }
    /// True when the transaction list has identical sibling hashes (CVE-2012-2459).
    public var isMerkleMutated: Bool { storage.merkleMutated }

    /// The BIP 141 witness merkle root: wtxids, with the coinbase's taken as zero. Computed
    /// once per block per process, however many nodes check it.
    public func computeWitnessMerkleRoot() -> (root: Hash256, mutated: Bool) {
        if let cached = storage.witnessRoot.withLock({ $0 }) { return cached }
        var leaves = transactions.map(\.wtxid.hash)
        if !leaves.isEmpty { leaves[0] = .zero }
        let computed = MerkleTree.root(of: leaves)
        storage.witnessRoot.withLock { $0 = computed }
        return computed
    }

    public func encode(to writer: inout ByteWriter) {
        writer.write(storage.serialized)
    }

    /// The remembered context-free check for this proof-of-work limit: `nil` when not yet
    /// checked, `.some(nil)` when it passed.
    func cachedContextFreeCheck(powLimit: UInt256) -> ValidationError?? {
        storage.contextFreeCheck.withLock { cached in
            guard let cached, cached.powLimit == powLimit else { return nil }
            return .some(cached.error)
        }
    }

    func rememberContextFreeCheck(_ error: ValidationError?, powLimit: UInt256) {
        storage.contextFreeCheck.withLock { $0 = (powLimit, error) }
    }

    /// The smallest a transaction can be encoded (version, two counts, lock time).
    static let minimumTransactionSize = 10

    public init(from reader: inout ByteReader) throws(DecodingError) {
        let start = reader.offset
        let header = try BlockHeader(from: &reader)
        let count = try reader.readCount("transaction count", minimumElementSize: Block.minimumTransactionSize)
        var transactions = [Transaction]()
        transactions.reserveCapacity(count)
        for _ in 0..<count { transactions.append(try Transaction(from: &reader)) }
        storage = Storage(header: header, transactions: transactions,
                          serialized: Array(reader.bytes[start..<reader.offset]))
    }

    public static func == (lhs: Block, rhs: Block) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.serialized == rhs.storage.serialized
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    public var description: String { hash.description }
}
