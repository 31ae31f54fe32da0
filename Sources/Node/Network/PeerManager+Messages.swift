import BitcoinCrypto
import Consensus

extension PeerManager {
    /// Handles one message from `peer`.
    /// - Parameter now: microseconds since the Unix epoch.
    public func receive(_ message: NetworkMessage, from peer: PeerID, now: Int64, into output: inout PeerOutput) {
        guard peers[peer] != nil else { return }
        switch message {
        case .version:
            guard peers[peer]?.versionReceived == false else { return }
            peers[peer]?.versionReceived = true
            if peers[peer]?.inbound == true { output.actions.append(.send(peer, versionMessage(now: now))) }
            output.actions.append(.send(peer, .verack))
        case .verack:
            guard peers[peer]?.verackReceived == false else { return }
            peers[peer]?.verackReceived = true
            handshakeCompleted(peer, into: &output)
        case .sendHeaders:
            peers[peer]?.preferHeaders = true
        case .sendCompact(let announce, let version):
            if version == 2 { peers[peer]?.compactHighBandwidth = announce }
        case .ping(let nonce):
            output.actions.append(.send(peer, .pong(nonce)))
        case .pong:
            break
        case .inventory(let items):
            handleInventory(items, from: peer, into: &output)
        case .getData(let items):
            handleGetData(items, from: peer, into: &output)
        case .notFound(let items):
            for item in items {
                if item.isBlock { releaseBlockRequest(BlockHash(item.hash)) } else { transactionsInFlight[Txid(item.hash)] = nil }
            }
        case .getHeaders(let locator, let stop):
            output.actions.append(.send(peer, .headers(node.chain.headers(after: locator, stop: stop))))
        case .headers(let headers):
            handleHeaders(headers, from: peer, now: now, into: &output)
        case .block(let block):
            handleBlock(block, from: peer, now: now, into: &output)
        case .compactBlock(let compact):
            handleCompactBlock(compact, from: peer, now: now, into: &output)
        case .getBlockTransactions(let hash, let indexes):
            guard let block = try? node.chain.block(hash) else { return }
            let transactions = indexes.filter { $0 < block.transactions.count }.map { block.transactions[$0] }
            output.actions.append(.send(peer, .blockTransactions(block: hash, transactions: transactions)))
        case .blockTransactions(let hash, let transactions):
            guard let pending = pendingCompact.removeValue(forKey: hash), pending.peer == peer else { return }
            if let block = CompactBlock.fill(header: pending.header, partial: pending.partial, with: transactions) {
                handleBlock(block, from: peer, now: now, into: &output)
            } else {
                // Still incomplete (a bad answer or a short ID collision): fetch the whole block.
                requestBlocks([hash], from: peer, into: &output)
            }
        case .transaction(let transaction):
            handleTransaction(transaction, from: peer, now: now, into: &output)
        }
    }

    /// After `version` and `verack` both ways: say how we want blocks announced, and start
    /// a headers-first sync from the peer.
    func handshakeCompleted(_ peer: PeerID, into output: inout PeerOutput) {
        guard peers[peer]?.handshakeDone == true else { return }
        switch options.blockRelay {
        case .headers: output.actions.append(.send(peer, .sendHeaders))
        case .compact:
            output.actions.append(.send(peer, .sendHeaders))
            output.actions.append(.send(peer, .sendCompact(announce: true, version: 2)))
        case .inv, .push: break
        }
        output.actions.append(.send(peer, .getHeaders(locator: node.chain.locator(), stop: .zero)))
    }

    // MARK: Announcements and requests

    func handleInventory(_ items: [InventoryItem], from peer: PeerID, into output: inout PeerOutput) {
        var wanted = [InventoryItem]()
        for item in items {
            if item.isBlock {
                let hash = BlockHash(item.hash)
                notePeerHas(hash, peer: peer)
                if needsBlock(hash) && blocksInFlight[hash] == nil {
                    blocksInFlight[hash] = peer
                    peers[peer]?.blocksInFlight += 1
                    wanted.append(.block(hash))
                }
            } else if item.isTransaction {
                let txid = Txid(item.hash)
                peers[peer]?.knownTransactions.insert(txid)
                if !knowsTransaction(txid) {
                    transactionsInFlight[txid] = peer
                    wanted.append(.transaction(txid))
                }
            }
        }
        if !wanted.isEmpty { output.actions.append(.send(peer, .getData(wanted))) }
    }

    func handleGetData(_ items: [InventoryItem], from peer: PeerID, into output: inout PeerOutput) {
        var missing = [InventoryItem]()
        for item in items {
            if item.isTransaction, let transaction = node.mempool.transaction(Txid(item.hash)) {
                output.actions.append(.send(peer, .transaction(transaction)))
            } else if item.isBlock, let block = try? node.chain.block(BlockHash(item.hash)) {
                if item.kind == .compactBlock {
                    output.actions.append(.send(peer, .compactBlock(CompactBlock(block: block, nonce: random.next()))))
                } else {
                    output.actions.append(.send(peer, .block(block)))
                }
                notePeerHas(block.hash, peer: peer)
            } else {
                missing.append(item)
            }
        }
        if !missing.isEmpty { output.actions.append(.send(peer, .notFound(missing))) }
    }

    /// True when the node has no data for `hash` (and it is not known to be invalid).
    func needsBlock(_ hash: BlockHash) -> Bool {
        guard let entry = node.chain.index[hash] else { return true }
        return !entry.status.contains(.haveData) && !entry.status.isInvalid
    }

    func knowsTransaction(_ txid: Txid) -> Bool {
        node.mempool.contains(txid) || recentRejects.contains(txid) || transactionsInFlight[txid] != nil
    }

    /// Records that `peer` has `hash`: its best known block moves forward if this one has
    /// more work (so we do not announce the block back to it).
    func notePeerHas(_ hash: BlockHash, peer: PeerID) {
        guard let entry = node.chain.index[hash] else {
            if peers[peer]?.bestKnownBlock == nil { peers[peer]?.bestKnownBlock = hash }
            return
        }
        if let known = peers[peer]?.bestKnownBlock, let knownEntry = node.chain.index[known], knownEntry.chainWork >= entry.chainWork {
            return
        }
        peers[peer]?.bestKnownBlock = hash
    }

    /// True when `peer` is known to have `hash` (its best known block descends from it).
    func peerHas(_ hash: BlockHash, peer: PeerID) -> Bool {
        guard let known = peers[peer]?.bestKnownBlock else { return false }
        return known == hash || node.chain.isAncestor(hash, of: known)
    }

    func requestBlocks(_ hashes: [BlockHash], from peer: PeerID, into output: inout PeerOutput) {
        guard !hashes.isEmpty else { return }
        for hash in hashes {
            blocksInFlight[hash] = peer
            peers[peer]?.blocksInFlight += 1
        }
        output.actions.append(.send(peer, .getData(hashes.map { .block($0) })))
    }

    func releaseBlockRequest(_ hash: BlockHash) {
        if let peer = blocksInFlight.removeValue(forKey: hash) { peers[peer]?.blocksInFlight -= 1 }
    }

    // MARK: Headers

    func handleHeaders(_ headers: [BlockHeader], from peer: PeerID, now: Int64, into output: inout PeerOutput) {
        var wanted = [BlockHash]()
        for header in headers {
            let result: HeaderAcceptance
            do { result = try node.chain.processHeader(header, now: PeerManager.seconds(now)) } catch {
                output.events.append(.storageFailure(error))
                return
            }
            switch result {
            case .invalid(let error) where error.kind == .missingPrevious:
                // The headers do not connect to our tree: ask for the path from our chain.
                output.actions.append(.send(peer, .getHeaders(locator: node.chain.locator(), stop: .zero)))
                return
            case .invalid(let error):
                if error.isPeerFault { misbehaving(peer, reason: "invalid header: \(error)", now: now, into: &output) }
                return
            case .accepted, .duplicate:
                notePeerHas(header.hash, peer: peer)
                if case .accepted = result, !options.acceptBlocksFromPeers {
                    output.events.append(.blockHeaderTracked(header, from: peer))
                }
                if options.acceptBlocksFromPeers && needsBlock(header.hash) && blocksInFlight[header.hash] == nil {
                    wanted.append(header.hash)
                }
            }
        }
        let room = max(0, options.maxBlocksInFlightPerPeer - (peers[peer]?.blocksInFlight ?? 0))
        requestBlocks(Array(wanted.prefix(room)), from: peer, into: &output)
        if headers.count == 2000, let last = headers.last {
            // More to come: continue from the last header we have.
            output.actions.append(.send(peer, .getHeaders(locator: [last.hash] + node.chain.locator(), stop: .zero)))
        }
    }

    /// Fills `peer`'s download window with the blocks we lack on the way to its best known
    /// block, so a long sync keeps going as blocks arrive.
    func requestNextBlocks(from peer: PeerID, into output: inout PeerOutput) {
        guard options.acceptBlocksFromPeers, let state = peers[peer], let best = state.bestKnownBlock else { return }
        let room = options.maxBlocksInFlightPerPeer - state.blocksInFlight
        guard room > 0, let info = node.chain.info(for: best), info.chainWork > node.chain.tip.chainWork else { return }
        let wanted = node.chain.blocksToDownload(toward: best, limit: room + blocksInFlight.count).filter { blocksInFlight[$0] == nil }
        requestBlocks(Array(wanted.prefix(room)), from: peer, into: &output)
    }

    // MARK: Blocks

    func handleCompactBlock(_ compact: CompactBlock, from peer: PeerID, now: Int64, into output: inout PeerOutput) {
        let hash = compact.header.hash
        switch (try? node.chain.processHeader(compact.header, now: PeerManager.seconds(now))) ?? .duplicate {
        case .invalid(let error) where error.kind == .missingPrevious:
            output.actions.append(.send(peer, .getHeaders(locator: node.chain.locator(), stop: hash)))
            return
        case .invalid(let error):
            if error.isPeerFault { misbehaving(peer, reason: "invalid compact block header: \(error)", now: now, into: &output) }
            return
        default:
            break
        }
        notePeerHas(hash, peer: peer)
        guard options.acceptBlocksFromPeers else {
            output.events.append(.blockHeaderTracked(compact.header, from: peer))
            return
        }
        guard needsBlock(hash), pendingCompact[hash] == nil else { return }
        let (block, missing, partial) = compact.reconstruct(from: node.mempool.transactions)
        if let block {
            handleBlock(block, from: peer, now: now, into: &output)
        } else {
            pendingCompact[hash] = (peer, compact.header, partial)
            output.actions.append(.send(peer, .getBlockTransactions(block: hash, indexes: missing)))
        }
    }

    func handleBlock(_ block: Block, from peer: PeerID?, now: Int64, into output: inout PeerOutput) {
        let hash = block.hash
        releaseBlockRequest(hash)
        pendingCompact[hash] = nil
        if let peer {
            notePeerHas(hash, peer: peer)
            guard options.acceptBlocksFromPeers else {
                _ = try? node.chain.processHeader(block.header, now: PeerManager.seconds(now))
                output.events.append(.blockHeaderTracked(block.header, from: peer))
                return
            }
        }
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
            if let peer, error.isPeerFault { misbehaving(peer, reason: "invalid block \(hash): \(error.reason)", now: now, into: &output) }
        case .orphan:
            if let peer { output.actions.append(.send(peer, .getHeaders(locator: node.chain.locator(), stop: hash))) }
        case .duplicate:
            break
        }
        for (invalidHash, error) in submitted.result.update.invalidated {
            output.events.append(.blockRejected(invalidHash, error, from: peer))
            // A block that only failed when connected still came from this peer.
            if let peer, invalidHash == hash, error.isPeerFault {
                misbehaving(peer, reason: "invalid block \(hash): \(error.reason)", now: now, into: &output)
            }
        }
        chainChanged(submitted.result.update, mempool: submitted.mempool, now: now, into: &output)
        if let peer { requestNextBlocks(from: peer, into: &output) }
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

    func handleTransaction(_ transaction: Transaction, from peer: PeerID, now: Int64, into output: inout PeerOutput) {
        let txid = transaction.txid
        transactionsInFlight[txid] = nil
        peers[peer]?.knownTransactions.insert(txid)
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
            if !parents.isEmpty { output.actions.append(.send(peer, .getData(parents.map { .transaction($0) }))) }
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
