import Consensus
import Node

extension Simulation {
    // MARK: Wallets and funding

    /// Adds a wallet to node `index`; its keys derive from the simulation seed and `name`,
    /// so its addresses are the same in every run.
    @discardableResult
    public func addWallet(_ name: String, on index: Int) -> Wallet {
        var seed = Array("regsim \(configuration.seed) \(name)".utf8)
        seed += Array(nodes[index].configuration.name.utf8)
        return nodes[index].node.addWallet(name: name, seed: seed)
    }

    /// Funds wallets before the run with real, mature coins: for each entry, `blocks`
    /// coinbases paying the wallet, then 100 blocks so the first of them mature. Every node
    /// receives the blocks directly (as if all had synced this chain before time zero), and
    /// their timestamps end just before the start, one target interval apart.
    public func bootstrap(funding: [(wallet: Wallet, blocks: Int)]) throws(SimulationError) {
        let payouts = funding.flatMap { entry in (0..<max(0, entry.blocks)).map { _ in entry.wallet.newAddress().scriptPubKey } }
        guard !payouts.isEmpty else { return }
        let burn = Script([0x51])
        let count = payouts.count + configuration.params.coinbaseMaturity
        let builder = nodes[0].node
        var mined = [Block]()
        for offset in 0..<count {
            // Spaced by the target interval, so a retargeting chain keeps its difficulty.
            let time = configuration.startTime - Int64(count - offset) * configuration.params.targetSpacing
            let script = offset < payouts.count ? payouts[offset] : burn
            let block = builder.mineBlock(to: script, now: time, extraNonce: UInt64(offset), tag: Array("bootstrap".utf8)).block
            do { _ = try builder.submitBlock(block, now: time) } catch { throw SimulationError("bootstrap: \(error)") }
            mined.append(block)
        }
        for node in nodes.dropFirst() {
            for block in mined {
                do { _ = try node.node.submitBlock(block, now: configuration.startTime) } catch { throw SimulationError("bootstrap: \(error)") }
            }
        }
        for block in mined { blocks[block.hash] = block }
        bootstrapHeight = nodes[0].node.chain.height
        for miner in miners.indices { miners[miner].selfish?.adopted(height: bootstrapHeight) }
        for miner in miners.indices where retargeting { scheduleNextBlock(miner) }
    }

    // MARK: Transactions

    /// Submits `transaction` at node `index` and relays it as the node would relay its own.
    @discardableResult
    public func submitTransaction(_ transaction: Transaction, at index: Int) -> MempoolAcceptance {
        let result: MempoolResult
        do { result = try nodes[index].node.submitTransaction(transaction, now: unixTime) } catch {
            emit(.storageFailure(time: now, node: index, message: "\(error)"))
            return .rejected(ValidationError(.consensus, "storage-failure"))
        }
        if case .rejected(let error) = result.acceptance {
            emit(.transactionRejected(time: now, node: index, txid: transaction.txid, reason: error.reason, from: nil))
        }
        relay(result.update, from: index)
        return result.acceptance
    }

    /// Pays `amount` from `wallet` (on node `index`) to `address`, relays the payment and
    /// watches its confirmations.
    public func send(_ amount: Amount, from wallet: Wallet, at index: Int, to address: Address, feeRate: FeeRate = Wallet.defaultFeeRate) throws(WalletError) -> Transaction {
        let transaction = try wallet.createTransaction(paying: [(address, amount)], feeRate: feeRate)
        watch(transaction.txid)
        if case .rejected(let error) = submitTransaction(transaction, at: index) { throw .rejected(transaction.txid, error) }
        return transaction
    }

    /// Announces mempool additions made outside the peer logic (wallet sends).
    func relay(_ update: MempoolUpdate, from index: Int) {
        act(on: index) { $0.relayLocalTransactions(update, now: protocolTime, into: &$1) }
    }

    // MARK: Blocks

    /// Mines `count` blocks on node `index` now (like `generatetoaddress`), credited to
    /// `miner` if given, and relays them.
    @discardableResult
    public func mine(_ count: Int, on index: Int, miner: Int? = nil, to script: Script? = nil) -> [Block] {
        var found = [Block]()
        for _ in 0..<max(0, count) {
            let payout = script ?? miner.map { miners[$0].payout } ?? Script([0x51])
            let block = nodes[index].node.mineBlock(to: payout, now: unixTime, extraNonce: UInt64(foundOrder.count), tag: Array("scripted".utf8)).block
            submitMinedBlock(block, miner: miner ?? -1, node: index, publish: true)
            found.append(block)
        }
        return found
    }

    /// Core's `invalidateblock` on node `index`.
    public func invalidateBlock(_ hash: BlockHash, on index: Int) throws(SimulationError) {
        let update: ChainUpdate
        do { update = try nodes[index].node.invalidateBlock(hash, now: unixTime) } catch { throw SimulationError("invalidateblock on \(nodes[index].configuration.name): \(error)") }
        if !update.isEmpty { chainUpdated(update, at: index, in: globalLane(of: index)) }
    }

    /// Core's `reconsiderblock` on node `index`.
    public func reconsiderBlock(_ hash: BlockHash, on index: Int) throws(SimulationError) {
        let update: ChainUpdate
        do { update = try nodes[index].node.reconsiderBlock(hash, now: unixTime) } catch { throw SimulationError("reconsiderblock on \(nodes[index].configuration.name): \(error)") }
        if !update.isEmpty { chainUpdated(update, at: index, in: globalLane(of: index)) }
        act(on: index) { $0.requestSync(into: &$1) }
    }
}
