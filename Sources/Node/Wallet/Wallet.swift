import BitcoinCrypto
import Consensus

/// A deterministic wallet: keys derived from a seed (so a scenario's addresses are the same
/// every run), the transactions that pay or spend them, and their fate on the node's chain.
///
/// The wallet learns about blocks and mempool changes from its ``FullNode`` and keeps each
/// transaction's state (confirmed, in the mempool, conflicted, inactive), so balances and
/// confirmations follow reorgs. It builds, funds, signs and submits payments, and can make
/// deliberate double-spends for demonstrations.
public final class Wallet {
    /// The kind of output a key receives on.
    public enum AddressKind: String, Sendable, CaseIterable {
        /// Native segwit v0 key hash (`bcrt1q…`), the default.
        case p2wpkh
        /// Legacy key hash (`m…`/`n…`).
        case p2pkh
        /// Taproot, key path only (`bcrt1p…`).
        case p2tr
    }

    /// Where a wallet transaction stands.
    public enum State: Sendable, Equatable {
        /// In a block of the active chain.
        case confirmed(block: BlockHash, height: Int)
        /// In the node's mempool.
        case inMempool
        /// A transaction in the active chain spends one of the same coins.
        case conflicted(by: Txid, block: BlockHash)
        /// Neither confirmed nor in the mempool (replaced, evicted, or back from a reorg).
        case inactive
    }

    /// A transaction the wallet knows, with its state.
    public struct Record: Sendable {
        public let transaction: Transaction
        public internal(set) var state: State
        /// When the wallet first saw it (order of arrival, for listings).
        public let order: Int
    }

    /// An unspent output the wallet can sign for (Core's `listunspent` entry).
    public struct Unspent: Sendable, Equatable {
        public let outpoint: OutPoint
        public let output: TxOut
        /// 0 while in the mempool.
        public let confirmations: Int
        public let isCoinbase: Bool
        /// False for an immature coinbase.
        public let spendable: Bool

        public init(outpoint: OutPoint, output: TxOut, confirmations: Int, isCoinbase: Bool, spendable: Bool) {
            self.outpoint = outpoint
            self.output = output
            self.confirmations = confirmations
            self.isCoinbase = isCoinbase
            self.spendable = spendable
        }
    }

    /// Balances in Core's three parts (`getbalances`).
    public struct Balances: Sendable, Equatable {
        /// Outputs of transactions in the active chain (mature).
        public let confirmed: Amount
        /// Outputs of transactions in the mempool, change included.
        public let unconfirmed: Amount
        /// Coinbase outputs not yet spendable.
        public let immature: Amount

        public init(confirmed: Amount, unconfirmed: Amount, immature: Amount) {
            self.confirmed = confirmed
            self.unconfirmed = unconfirmed
            self.immature = immature
        }
    }

    struct Key {
        let privateKey: PrivateKey
        let kind: AddressKind
    }

    public let name: String
    let seed: [UInt8]
    /// The chain the wallet's transactions are confirmed on (held strongly: it does not
    /// know the wallet, so there is no cycle).
    let chain: ChainState
    /// The node the wallet submits through; weak, since the node holds its wallets.
    weak var node: FullNode?
    var keys: [Script: Key] = [:]
    var nextKeyIndex: UInt32 = 0
    public internal(set) var records: [Txid: Record] = [:]
    /// Which known, active (confirmed or mempool) wallet transaction spends each outpoint.
    var spends: [OutPoint: Txid] = [:]
    var nextOrder = 0

    var params: ChainParams { chain.params }

    init(name: String, seed: [UInt8], node: FullNode) {
        self.name = name
        self.seed = seed
        self.node = node
        chain = node.chain
    }

    // MARK: Keys and addresses

    /// The next key of the wallet's deterministic sequence: key *i* is SHA-256 of the seed,
    /// a label and *i*, so the same seed always yields the same addresses.
    func nextKey() -> PrivateKey {
        while true {
            var material = seed + Array("regsim wallet key".utf8)
            withUnsafeBytes(of: nextKeyIndex.littleEndian) { material.append(contentsOf: $0) }
            nextKeyIndex += 1
            if let key = PrivateKey(bytes: SHA256.hash(material).bytes) { return key }
        }
    }

    /// A new receiving address of `kind`.
    public func newAddress(_ kind: AddressKind = .p2wpkh) -> Address {
        let key = nextKey()
        let address: Address
        switch kind {
        case .p2wpkh: address = .witness(version: 0, program: key.publicKey().hash160)
        case .p2pkh: address = .p2pkh(key.publicKey().hash160)
        case .p2tr:
            // BIP 86-style: a key-only taproot output (no script tree).
            let output = key.xOnlyPublicKey.taprootOutputKey(merkleRoot: nil)!.key
            address = .witness(version: 1, program: output.bytes)
        }
        keys[address.scriptPubKey] = Key(privateKey: key, kind: kind)
        return address
    }

    /// The address as a regtest (or the node's chain's) string.
    public func string(_ address: Address) -> String { address.encoded(for: params) }

    /// True when the wallet holds the key for `script`.
    public func isMine(_ script: Script) -> Bool { keys[script] != nil }

    // MARK: Chain and mempool events

    func isRelevant(_ transaction: Transaction) -> Bool {
        records[transaction.txid] != nil
            || transaction.outputs.contains { keys[$0.scriptPubKey] != nil }
            || transaction.inputs.contains { input in
                records[input.prevout.txid].map { Int(input.prevout.index) < $0.transaction.outputs.count
                    && keys[$0.transaction.outputs[Int(input.prevout.index)].scriptPubKey] != nil } ?? false
            }
    }

    func setState(_ transaction: Transaction, _ state: State) {
        if var record = records[transaction.txid] {
            record.state = state
            records[transaction.txid] = record
        } else {
            records[transaction.txid] = Record(transaction: transaction, state: state, order: nextOrder)
            nextOrder += 1
        }
        let active: Bool
        switch state {
        case .confirmed, .inMempool: active = true
        default: active = false
        }
        for input in transaction.inputs {
            if active {
                spends[input.prevout] = transaction.txid
            } else if spends[input.prevout] == transaction.txid {
                spends[input.prevout] = nil
            }
        }
    }

    /// A block joined the active chain: its wallet transactions are confirmed, and wallet
    /// transactions spending the same coins (and their descendants) are conflicted.
    func blockConnected(_ block: Block, height: Int) {
        for transaction in block.transactions where isRelevant(transaction) {
            setState(transaction, .confirmed(block: block.hash, height: height))
        }
        for transaction in block.transactions.dropFirst() {
            for input in transaction.inputs {
                for (txid, record) in records where txid != transaction.txid && record.isUnconfirmed
                    && record.transaction.inputs.contains(where: { $0.prevout == input.prevout }) {
                    markConflicted(txid, by: transaction.txid, block: block.hash)
                }
            }
        }
    }

    func markConflicted(_ txid: Txid, by conflict: Txid, block: BlockHash) {
        guard let record = records[txid] else { return }
        setState(record.transaction, .conflicted(by: conflict, block: block))
        // Wallet transactions spending its outputs cannot confirm either.
        for (child, childRecord) in records where childRecord.isUnconfirmed
            && childRecord.transaction.inputs.contains(where: { $0.prevout.txid == txid }) {
            markConflicted(child, by: conflict, block: block)
        }
    }

    /// A block left the active chain: its transactions, and those it conflicted, become
    /// inactive until the mempool or another block says otherwise.
    func blockDisconnected(_ block: Block) {
        for (_, record) in records {
            switch record.state {
            case .confirmed(let hash, _) where hash == block.hash, .conflicted(_, let hash) where hash == block.hash:
                setState(record.transaction, .inactive)
            default:
                break
            }
        }
    }

    func mempoolChanged(_ update: MempoolUpdate) {
        for transaction in update.added where isRelevant(transaction) {
            if case .confirmed = records[transaction.txid]?.state { continue }
            setState(transaction, .inMempool)
        }
        for (transaction, _) in update.removed {
            // Removal for a block is followed by the block's own event; conflicts are found
            // from the block too. Anything else leaves the transaction inactive.
            if records[transaction.txid]?.state == .inMempool { setState(transaction, .inactive) }
        }
    }

    // MARK: Queries

    /// Core's `gettransaction` confirmations: the depth of its block, 0 in the mempool or
    /// inactive, and minus the depth of the conflicting block when conflicted.
    public func confirmations(_ txid: Txid) -> Int? {
        guard let record = records[txid] else { return nil }
        switch record.state {
        case .confirmed(let block, _): return chain.confirmations(of: block)
        case .conflicted(_, let block): return -chain.confirmations(of: block)
        case .inMempool, .inactive: return 0
        }
    }

    /// The wallet's unspent outputs (confirmed and in the mempool), oldest first.
    public func listUnspent() -> [Unspent] {
        var result = [Unspent]()
        for record in records.values.sorted(by: { $0.order < $1.order }) {
            let confirmations: Int
            switch record.state {
            case .confirmed(let block, _): confirmations = chain.confirmations(of: block)
            case .inMempool: confirmations = 0
            default: continue
            }
            let transaction = record.transaction
            for (index, output) in transaction.outputs.enumerated() where keys[output.scriptPubKey] != nil {
                let outpoint = OutPoint(txid: transaction.txid, index: UInt32(index))
                guard spends[outpoint] == nil else { continue }
                // Core's wallet waits one block past consensus maturity (COINBASE_MATURITY + 1).
                let mature = !transaction.isCoinbase || confirmations > params.coinbaseMaturity
                result.append(Unspent(outpoint: outpoint, output: output, confirmations: confirmations,
                                      isCoinbase: transaction.isCoinbase, spendable: mature))
            }
        }
        return result
    }

    /// Confirmed, unconfirmed and immature balances.
    public var balances: Balances {
        var confirmed: Int64 = 0
        var unconfirmed: Int64 = 0
        var immature: Int64 = 0
        for coin in listUnspent() {
            if !coin.spendable {
                immature += coin.output.value.satoshis
            } else if coin.confirmations > 0 {
                confirmed += coin.output.value.satoshis
            } else {
                unconfirmed += coin.output.value.satoshis
            }
        }
        return Balances(confirmed: Amount(unchecked: confirmed), unconfirmed: Amount(unchecked: unconfirmed),
                        immature: Amount(unchecked: immature))
    }
}

extension Wallet.Record {
    var isUnconfirmed: Bool {
        switch state {
        case .inMempool, .inactive: return true
        default: return false
        }
    }
}
