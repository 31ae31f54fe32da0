import Consensus

/// One simulated Bitcoin node: a chain state, a mempool and any number of wallets, kept
/// consistent with each other. It opens no sockets and reads no clock: the caller hands in
/// blocks, transactions and the time, and reads back what changed.
public final class FullNode {
    public let name: String
    public let chain: ChainState
    public let mempool: Mempool
    /// Wallets in creation order.
    public private(set) var wallets: [Wallet] = []

    /// Opens (or creates) the node's chain state in `store` and an empty mempool.
    /// - Parameters:
    ///   - verifier: script verification whose caches are shared by the nodes of a process.
    ///   - headers: header records shared by the nodes of one thread (one simulation).
    public init(name: String, store: any KeyValueStore, params: ChainParams, chainOptions: ChainOptions = ChainOptions(),
                mempoolOptions: MempoolOptions = MempoolOptions(), verifier: TransactionVerifier = TransactionVerifier(),
                headers: HeaderCache = HeaderCache()) throws(ChainStateError) {
        self.name = name
        chain = try ChainState(store: store, params: params, options: chainOptions, verifier: verifier, headers: headers)
        mempool = Mempool(chain: chain, options: mempoolOptions, verifier: verifier)
    }

    /// Adds a wallet whose keys derive from `seed`. It starts empty and follows every block
    /// and mempool change from now on.
    @discardableResult
    public func addWallet(name: String, seed: [UInt8]) -> Wallet {
        let wallet = Wallet(name: name, seed: seed, node: self)
        wallets.append(wallet)
        return wallet
    }

    /// The wallet called `name`.
    public func wallet(_ name: String) -> Wallet? { wallets.first { $0.name == name } }

    // MARK: Transactions and blocks

    /// Offers a transaction to the mempool and tells the wallets what changed.
    public func submitTransaction(_ transaction: Transaction, now: Int64) throws(ChainStateError) -> MempoolResult {
        let result = try mempool.accept(transaction, now: now)
        for wallet in wallets { wallet.mempoolChanged(result.update) }
        return result
    }

    /// Offers a block to the chain state; the mempool and wallets follow the tip.
    public func submitBlock(_ block: Block, now: Int64) throws(ChainStateError) -> (result: BlockProcessingResult, mempool: MempoolUpdate) {
        let result = try chain.processBlock(block, now: now)
        let mempoolUpdate = try followChain(result.update, now: now)
        return (result, mempoolUpdate)
    }

    /// Brings the mempool and wallets in line with a change of the active chain.
    public func followChain(_ update: ChainUpdate, now: Int64) throws(ChainStateError) -> MempoolUpdate {
        guard !update.isEmpty else { return MempoolUpdate() }
        let (disconnected, connected) = update.net
        for wallet in wallets {
            for block in disconnected { wallet.blockDisconnected(block) }
            for block in connected {
                wallet.blockConnected(block, height: chain.info(for: block.hash)?.height ?? 0)
            }
        }
        let mempoolUpdate = try mempool.update(for: update, now: now)
        for wallet in wallets { wallet.mempoolChanged(mempoolUpdate) }
        return mempoolUpdate
    }

    /// Reloads a `mempool.dat` (``Mempool/load(_:now:)``) and tells the wallets what came back.
    public func loadMempool(_ dump: MempoolDump, now: Int64) throws(ChainStateError) -> MempoolLoadResult {
        let result = try mempool.load(dump, now: now)
        for wallet in wallets { wallet.mempoolChanged(result.update) }
        return result
    }

    /// Drops mempool transactions older than the expiry time.
    public func expireMempool(now: Int64) -> MempoolUpdate {
        let update = mempool.expire(now: now)
        for wallet in wallets { wallet.mempoolChanged(update) }
        return update
    }

    /// `invalidateblock`, with the mempool and wallets following.
    @discardableResult
    public func invalidateBlock(_ hash: BlockHash, now: Int64) throws(ChainStateError) -> ChainUpdate {
        let update = try chain.invalidateBlock(hash)
        _ = try followChain(update, now: now)
        return update
    }

    /// `reconsiderblock`, with the mempool and wallets following.
    @discardableResult
    public func reconsiderBlock(_ hash: BlockHash, now: Int64) throws(ChainStateError) -> ChainUpdate {
        let update = try chain.reconsiderBlock(hash)
        _ = try followChain(update, now: now)
        return update
    }

    /// `preciousblock`, with the mempool and wallets following.
    @discardableResult
    public func preciousBlock(_ hash: BlockHash, now: Int64) throws(ChainStateError) -> (update: ChainUpdate, mempool: MempoolUpdate) {
        let update = try chain.preciousBlock(hash)
        return (update, try followChain(update, now: now))
    }

    // MARK: Mining

    /// A new block on the tip with the mempool's best transactions, paying `script`
    /// (not submitted).
    /// - Parameters:
    ///   - extraNonce: makes blocks of different miners distinct.
    ///   - tag: bytes in the coinbase scriptSig (a miner's name).
    public func mineBlock(to script: Script, now: Int64, extraNonce: UInt64 = 0, tag: [UInt8] = []) -> (block: Block, hashes: UInt64) {
        let template = BlockAssembler.template(chain: chain, mempool: mempool, now: now)
        let built = BlockBuilder.makeBlock(parent: template.parent, height: template.height, time: template.time, bits: template.bits,
                                           transactions: template.transactions, coinbaseScript: script,
                                           coinbaseValue: template.coinbaseValue, extraNonce: extraNonce, tag: tag)
        return (built.block, built.hashes)
    }

    /// Core's `generatetoaddress`: mines and submits `count` blocks paying `script`.
    @discardableResult
    public func generate(_ count: Int, to script: Script, now: Int64) throws(ChainStateError) -> [Block] {
        var blocks = [Block]()
        for _ in 0..<count {
            let block = mineBlock(to: script, now: now).block
            _ = try submitBlock(block, now: now)
            blocks.append(block)
        }
        return blocks
    }

    /// Core's `generateblock`: mines a block on the tip with exactly `transactions` (which
    /// need not be in the mempool, for scripted attacks) and submits it.
    public func generateBlock(transactions: [Transaction], to script: Script, now: Int64) throws(ChainStateError) -> (block: Block, result: BlockProcessingResult) {
        let tip = chain.tip
        let time = UInt32(clamping: max(chain.medianTimePast + 1, now))
        // Claim the fees: inputs come from the chain or from earlier transactions of the list.
        var fees: Int64 = 0
        var created = [OutPoint: Amount]()
        for transaction in transactions {
            var inputs: Int64 = 0
            for input in transaction.inputs {
                if let value = created[input.prevout] {
                    inputs += value.satoshis
                } else if let coin = try chain.coin(input.prevout) {
                    inputs += coin.output.value.satoshis
                }
            }
            fees += max(0, inputs - (transaction.totalOutputValue?.satoshis ?? 0))
            for (index, output) in transaction.outputs.enumerated() {
                created[OutPoint(txid: transaction.txid, index: UInt32(index))] = output.value
            }
        }
        let height = tip.height + 1
        let block = BlockBuilder.makeBlock(parent: tip.hash, height: height, time: time, bits: chain.nextBits(blockTime: time),
                                           transactions: transactions, coinbaseScript: script,
                                           coinbaseValue: Amount(unchecked: chain.params.blockSubsidy(height: height).satoshis + fees)).block
        return (block, try submitBlock(block, now: now).result)
    }
}
