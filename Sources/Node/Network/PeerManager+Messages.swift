import BitcoinCrypto
import Consensus

extension PeerManager {
    /// Handles one message from `peer` over `connection` (see
    /// ``connected(_:inbound:connection:now:into:)``); false when there is no such open
    /// connection and the message was dropped.
    /// - Parameter now: microseconds since the Unix epoch.
    @discardableResult
    public func receive(_ message: NetworkMessage, from peer: PeerID, connection: UInt32 = 0, now: Int64, into output: inout PeerOutput) -> Bool {
        guard let position = peers.position(of: peer) else { return false }
        // Not retained: the table holds the record, or ``removedPeers`` once a handler
        // disconnects the peer, until the handling ends.
        let handled = peers.unretainedValue(at: position)._withUnsafeGuaranteedRef { state in
            guard state.connection == connection else { return false }
            handle(message, from: state, now: now, into: &output)
            return true
        }
        if !removedPeers.isEmpty { removedPeers.removeAll() }
        return handled
    }

    func handle(_ message: NetworkMessage, from state: Peer, now: Int64, into output: inout PeerOutput) {
        let peer = state.id
        switch message {
        case .version:
            guard !state.versionReceived else { return }
            state.versionReceived = true
            if state.inbound { output.actions.append(.send(peer, versionMessage(now: now))) }
            output.actions.append(.send(peer, .verack))
        case .verack:
            guard !state.verackReceived else { return }
            state.verackReceived = true
            handshakeCompleted(state, into: &output)
        case .sendHeaders:
            state.preferHeaders = true
        case .sendCompact(let announce, let version):
            if version == 2 { state.compactHighBandwidth = announce }
        case .ping(let nonce):
            output.actions.append(.send(peer, .pong(nonce)))
        case .pong:
            break
        case .inventory(let items):
            handleInventory(items, from: state, into: &output)
        case .getData(let items):
            handleGetData(items, from: state, into: &output)
        case .notFound(let items):
            for item in items {
                if item.isBlock { releaseBlockRequest(BlockHash(item.hash)) } else { transactionsInFlight[Txid(item.hash)] = nil }
            }
        case .getHeaders(let locator, let stop):
            output.actions.append(.send(peer, .headers(chain.headers(after: locator, stop: stop))))
        case .headers(let headers):
            handleHeaders(headers, from: state, now: now, into: &output)
        case .block(let block):
            handleBlock(block, from: state, now: now, into: &output)
        case .compactBlock(let compact):
            handleCompactBlock(compact, from: state, now: now, into: &output)
        case .getBlockTransactions(let hash, let indexes):
            guard let block = try? chain.block(hash) else { return }
            let transactions = indexes.filter { $0 < block.transactions.count }.map { block.transactions[$0] }
            output.actions.append(.send(peer, .blockTransactions(block: hash, transactions: transactions)))
        case .blockTransactions(let hash, let transactions):
            guard let pending = pendingCompact.removeValue(forKey: hash), pending.peer == peer else { return }
            if let block = CompactBlock.fill(header: pending.header, partial: pending.partial, with: transactions) {
                handleBlock(block, from: state, now: now, into: &output)
            } else {
                // Still incomplete (a bad answer or a short ID collision): fetch the whole block.
                requestBlocks([hash], from: state, into: &output)
            }
        case .transaction(let transaction):
            handleTransaction(transaction, from: state, now: now, into: &output)
        }
    }

    /// After `version` and `verack` both ways: say how we want blocks announced, and start
    /// a headers-first sync from the peer.
    func handshakeCompleted(_ state: Peer, into output: inout PeerOutput) {
        guard state.handshakeDone else { return }
        let peer = state.id
        switch options.blockRelay {
        case .headers: output.actions.append(.send(peer, .sendHeaders))
        case .compact:
            output.actions.append(.send(peer, .sendHeaders))
            output.actions.append(.send(peer, .sendCompact(announce: true, version: 2)))
        case .inv, .push: break
        }
        output.actions.append(.send(peer, .getHeaders(locator: chain.locator(), stop: .zero)))
    }

    // MARK: Announcements and requests

    func handleInventory(_ items: InventoryList, from state: Peer, into output: inout PeerOutput) {
        var wanted = InventoryList()
        for item in items {
            if item.isBlock {
                let hash = BlockHash(item.hash)
                let entry = notePeerHas(hash, peer: state)
                if needsBlock(entry) && blocksInFlight[hash] == nil {
                    blocksInFlight.insert(hash, from: state.id)
                    state.blocksInFlight += 1
                    wanted.append(.block(hash))
                }
            } else if item.isTransaction {
                let txid = Txid(item.hash)
                state.knownTransactions.insert(txid)
                if !knowsTransaction(txid) {
                    transactionsInFlight[txid] = state.id
                    wanted.append(.transaction(txid))
                }
            }
        }
        if !wanted.isEmpty { output.actions.append(.send(state.id, .getData(wanted))) }
    }

    func handleGetData(_ items: InventoryList, from state: Peer, into output: inout PeerOutput) {
        let peer = state.id
        var missing = [InventoryItem]()
        for item in items {
            if item.isTransaction, let transaction = node.mempool.transaction(Txid(item.hash)) {
                output.actions.append(.send(peer, .transaction(transaction)))
            } else if item.isBlock, let block = try? chain.block(BlockHash(item.hash)) {
                if item.kind == .compactBlock {
                    output.actions.append(.send(peer, .compactBlock(CompactBlock(block: block, nonce: random.next()))))
                } else {
                    output.actions.append(.send(peer, .block(block)))
                }
                notePeerHas(block.hash, peer: state)
            } else {
                missing.append(item)
            }
        }
        if !missing.isEmpty { output.actions.append(.send(peer, .notFound(InventoryList(missing)))) }
    }

    /// True when the node has no data for `hash` (and it is not known to be invalid).
    func needsBlock(_ hash: BlockHash) -> Bool { needsBlock(chain.index[hash]) }

    /// True when the node has no data for the block of `entry` (`nil`: an unknown block).
    func needsBlock(_ entry: BlockIndex?) -> Bool {
        guard let entry else { return true }
        return !entry.status.contains(.haveData) && !entry.status.isInvalid
    }

    func knowsTransaction(_ txid: Txid) -> Bool {
        node.mempool.contains(txid) || recentRejects.contains(txid) || transactionsInFlight[txid] != nil
    }

    /// Records that `peer` has `hash` (Core's `UpdateBlockAvailability`): its best known
    /// block moves to it if it has at least as much work, so we do not announce it back.
    /// Returns the block's index entry when the header is known.
    @discardableResult
    func notePeerHas(_ hash: BlockHash, peer state: Peer) -> BlockIndex? {
        resolveLastUnknownBlock(of: state)
        guard let entry = chain.index[hash] else {
            state.lastUnknownBlock = hash
            return nil
        }
        if state.knowsMoreWork(than: entry) { return entry }
        state.bestKnownBlock = entry
        return entry
    }

    /// Core's `ProcessBlockAvailability`: a block the peer announced before we had its
    /// header counts once the header is known.
    func resolveLastUnknownBlock(of state: Peer) {
        guard let hash = state.lastUnknownBlock, let entry = chain.index[hash] else { return }
        state.lastUnknownBlock = nil
        if state.knowsMoreWork(than: entry) { return }
        state.bestKnownBlock = entry
    }

    /// True when the peer is known to have `entry`'s block (its best known block descends
    /// from it; Core's `PeerHasHeader`).
    func peerHas(_ entry: BlockIndex, peer state: Peer) -> Bool {
        resolveLastUnknownBlock(of: state)
        return state.bestKnownLink?._withUnsafeGuaranteedRef { $0.descends(from: entry) } ?? false
    }

    func requestBlocks(_ hashes: [BlockHash], from state: Peer, into output: inout PeerOutput) {
        guard !hashes.isEmpty else { return }
        for hash in hashes { blocksInFlight.insert(hash, from: state.id) }
        state.blocksInFlight += hashes.count
        output.actions.append(.send(state.id, .getData(.blocks(hashes))))
    }

    func releaseBlockRequest(_ hash: BlockHash) {
        guard let peer = blocksInFlight.removeValue(forKey: hash) else { return }
        peers[peer]?.blocksInFlight -= 1
    }

    // MARK: Headers

    func handleHeaders(_ headers: [BlockHeader], from state: Peer, now: Int64, into output: inout PeerOutput) {
        let peer = state.id
        var wanted = [BlockHash]()
        for header in headers {
            let result: HeaderAcceptance
            do { result = try chain.processHeader(header, now: PeerManager.seconds(now)) } catch {
                output.events.append(.storageFailure(error))
                return
            }
            switch result {
            case .invalid(let error) where error.kind == .missingPrevious:
                // The headers do not connect to our tree: ask for the path from our chain.
                output.actions.append(.send(peer, .getHeaders(locator: chain.locator(), stop: .zero)))
                return
            case .invalid(let error):
                if error.isPeerFault { misbehaving(peer, reason: "invalid header: \(error)", now: now, into: &output) }
                return
            case .accepted, .duplicate:
                let entry = notePeerHas(header.hash, peer: state)
                if case .accepted = result, !options.acceptBlocksFromPeers {
                    output.events.append(.blockHeaderTracked(header, from: peer))
                }
                if options.acceptBlocksFromPeers && needsBlock(entry) && blocksInFlight[header.hash] == nil {
                    wanted.append(header.hash)
                }
            }
        }
        let room = max(0, options.maxBlocksInFlightPerPeer - state.blocksInFlight)
        requestBlocks(Array(wanted.prefix(room)), from: state, into: &output)
        if headers.count == 2000, let last = headers.last {
            // More to come: continue from the last header we have.
            output.actions.append(.send(peer, .getHeaders(locator: [last.hash] + chain.locator(), stop: .zero)))
        }
    }

    /// Fills `peer`'s download window with the blocks we lack on the way to its best known
    /// block, so a long sync keeps going as blocks arrive.
    func requestNextBlocks(from state: Peer, into output: inout PeerOutput) {
        guard options.acceptBlocksFromPeers else { return }
        resolveLastUnknownBlock(of: state)
        let room = options.maxBlocksInFlightPerPeer - state.blocksInFlight
        guard room > 0, let best = state.bestKnownBlock, best.chainWork > chain.tipIndex.chainWork else { return }
        let wanted = chain.blocksToDownload(toward: best.hash, limit: room + blocksInFlight.count).filter { blocksInFlight[$0] == nil }
        requestBlocks(Array(wanted.prefix(room)), from: state, into: &output)
    }

    // MARK: Blocks

    func handleCompactBlock(_ compact: CompactBlock, from state: Peer, now: Int64, into output: inout PeerOutput) {
        let peer = state.id
        let hash = compact.header.hash
        switch (try? chain.processHeader(compact.header, now: PeerManager.seconds(now))) ?? .duplicate {
        case .invalid(let error) where error.kind == .missingPrevious:
            output.actions.append(.send(peer, .getHeaders(locator: chain.locator(), stop: hash)))
            return
        case .invalid(let error):
            if error.isPeerFault { misbehaving(peer, reason: "invalid compact block header: \(error)", now: now, into: &output) }
            return
        default:
            break
        }
        notePeerHas(hash, peer: state)
        guard options.acceptBlocksFromPeers else {
            output.events.append(.blockHeaderTracked(compact.header, from: peer))
            return
        }
        guard needsBlock(hash), pendingCompact[hash] == nil else { return }
        let (block, missing, partial) = compact.reconstruct(from: node.mempool.transactions)
        if let block {
            handleBlock(block, from: state, now: now, into: &output)
        } else {
            pendingCompact[hash] = (peer, compact.header, partial)
            output.actions.append(.send(peer, .getBlockTransactions(block: hash, indexes: missing)))
        }
    }

    func handleBlock(_ block: Block, from state: Peer, now: Int64, into output: inout PeerOutput) {
        let hash = block.hash
        let peer = state.id
        releaseBlockRequest(hash)
        pendingCompact[hash] = nil
        notePeerHas(hash, peer: state)
        guard options.acceptBlocksFromPeers else {
            _ = try? chain.processHeader(block.header, now: PeerManager.seconds(now))
            output.events.append(.blockHeaderTracked(block.header, from: peer))
            return
        }
        // The announcement after the block is connected visits every peer; their records
        // are out of cache in a large network, and connecting gives them time to arrive.
        peers.prefetchValues()
        chain.prefetchForBlock()
        let submitted: (result: BlockProcessingResult, mempool: MempoolUpdate)
        do { submitted = try node.submitBlock(block, now: PeerManager.seconds(now)) } catch {
            output.events.append(.storageFailure(error))
            return
        }
        switch submitted.result.acceptance {
        case .accepted:
            output.events.append(.blockAccepted(block, from: peer))
        case .invalid(let error):
            output.events.append(.blockRejected(hash, error, from: peer))
            if error.isPeerFault { misbehaving(peer, reason: "invalid block \(hash): \(error.reason)", now: now, into: &output) }
        case .orphan:
            output.actions.append(.send(peer, .getHeaders(locator: chain.locator(), stop: hash)))
        case .duplicate:
            break
        }
        for (invalidHash, error) in submitted.result.update.invalidated {
            output.events.append(.blockRejected(invalidHash, error, from: peer))
            // A block that only failed when connected still came from this peer.
            if invalidHash == hash, error.isPeerFault {
                misbehaving(peer, reason: "invalid block \(hash): \(error.reason)", now: now, into: &output)
            }
        }
        chainChanged(submitted.result.update, mempool: submitted.mempool, now: now, into: &output)
        // Unless it was just disconnected for misbehaving.
        if peers[peer] != nil { requestNextBlocks(from: state, into: &output) }
    }

    /// Reports a tip change, announces the new tip and relays transactions that came back
    /// to the mempool.
    func chainChanged(_ update: ChainUpdate, mempool: MempoolUpdate, now: Int64, into output: inout PeerOutput) {
        if !update.isEmpty {
            output.events.append(.chainUpdated(update))
            announceTip(update, into: &output)
        }
        if !mempool.added.isEmpty || !mempool.removed.isEmpty {
            output.events.append(.mempoolUpdated(mempool))
            queueTransactions(mempool.added, except: nil, now: now, into: &output)
        }
    }

    // MARK: Transactions

    func handleTransaction(_ transaction: Transaction, from state: Peer, now: Int64, into output: inout PeerOutput) {
        let txid = transaction.txid
        let peer = state.id
        transactionsInFlight[txid] = nil
        state.knownTransactions.insert(txid)
        guard !node.mempool.contains(txid), !recentRejects.contains(txid) else { return }
        let result: MempoolResult
        do { result = try node.submitTransaction(transaction, now: PeerManager.seconds(now)) } catch {
            output.events.append(.storageFailure(error))
            return
        }
        switch result.acceptance {
        case .accepted:
            break
        case .orphan:
            // Ask the sender for the parents we lack.
            let parents = Set(transaction.inputs.map(\.prevout.txid)).filter { !knowsTransaction($0) }.sorted()
            for parent in parents { transactionsInFlight[parent] = peer }
            if !parents.isEmpty { output.actions.append(.send(peer, .getData(.transactions(parents)))) }
        case .rejected(let error):
            rememberRejected(txid)
            output.events.append(.transactionRejected(txid, error, from: peer))
        }
        if !result.update.added.isEmpty || !result.update.removed.isEmpty {
            output.events.append(.mempoolUpdated(result.update))
            queueTransactions(result.update.added, except: peer, now: now, into: &output)
        }
    }

    func rememberRejected(_ txid: Txid) {
        if recentRejects.count >= 10_000 { recentRejects.removeAll() }  // Core resets its filter per block
        recentRejects.insert(txid)
    }
}
