import BitcoinCrypto
import Consensus

extension PeerManager {
    /// Announces the new tip to every peer that does not have it, in the configured relay
    /// mode. Each kind of message is built once and shared by all peers.
    func announceTip(_ update: ChainUpdate, into output: inout PeerOutput) {
        let connected = update.net.connected
        guard let tipBlock = connected.last, let tip = chain.index[tipBlock.hash], chain.isActive(tip) else { return }
        // A slice: usually of one block, for which an array of its own would be allocated.
        let newBlocks = connected.suffix(8)
        switch options.blockRelay {
        case .push:
            // The new blocks are on the active chain, below the tip.
            let newEntries = (0..<newBlocks.count).compactMap { tip.ancestor(at: tip.height - (newBlocks.count - 1 - $0)) }
            forEachPeerLacking(tip) { state in
                for (block, entry) in zip(newBlocks, newEntries) where !peerHas(entry, peer: state) {
                    output.actions.append(.send(state.id, .block(block)))
                }
            }
        case .inv:
            // The common case gets one message and no optionals (whose destruction is not
            // inlined for an enum this large).
            let inventory = NetworkMessage.inventory(.blocks(newBlocks.lazy.map { $0.hash }))
            forEachPeerLacking(tip) { output.actions.append(.send($0.id, inventory)) }
        case .headers, .compact:
            var headersMessage: NetworkMessage?
            var inventoryMessage: NetworkMessage?
            var compactMessage: NetworkMessage?
            forEachPeerLacking(tip) { state in
                let message: NetworkMessage
                if options.blockRelay == .compact && state.compactHighBandwidth {
                    message = compactMessage ?? .compactBlock(CompactBlock(block: tipBlock, nonce: random.next()))
                    compactMessage = message
                } else if state.preferHeaders {
                    message = headersMessage ?? .headers(newBlocks.map(\.header))
                    headersMessage = message
                } else {
                    message = inventoryMessage ?? .inventory(.blocks(newBlocks.lazy.map { $0.hash }))
                    inventoryMessage = message
                }
                output.actions.append(.send(state.id, message))
            }
        }
    }

    /// Calls `body` for each connected peer not known to have `tip`, then records that the
    /// peer has it (it is about to be told).
    @inline(__always) private func forEachPeerLacking(_ tip: BlockIndex, _ body: (Peer) -> Void) {
        let tipLink = Unmanaged.passUnretained(tip)
        for position in 0..<peers.count {
            // The peer table holds each peer throughout: no retain needed.
            peers.unretainedValue(at: position)._withUnsafeGuaranteedRef { state in
                guard state.handshakeDone && !peerHas(tip, peer: state) else { return }
                body(state)
                state.bestKnownLink = tipLink
            }
        }
    }

    /// Queues announcements of `transactions` to every peer but `except`; with trickling
    /// they leave after a Poisson delay per peer, batched.
    func queueTransactions(_ transactions: [Transaction], except source: PeerID?, now: Int64, into output: inout PeerOutput) {
        guard !transactions.isEmpty else { return }
        for state in peers.values where state.id != source {
            guard state.handshakeDone else { continue }
            let peer = state.id
            var queued = false
            for transaction in transactions where !state.knownTransactions.contains(transaction.txid) {
                state.transactionQueue.append(transaction.txid)
                queued = true
            }
            guard queued else { continue }
            if !options.trickle {
                flushTransactions(to: state, into: &output)
                continue
            }
            if !state.trickleScheduled {
                state.trickleScheduled = true
                let mean = Double(state.inbound ? options.trickleMeanInbound : options.trickleMeanOutbound)
                output.actions.append(.setTimer(afterMicroseconds: Int64(random.nextExponential(mean: mean)), .trickle(peer)))
            }
        }
    }

    /// Sends the queued announcements to `peer` as one `inv`.
    func flushTransactions(to state: Peer, into output: inout PeerOutput) {
        let items = state.transactionQueue.filter { node.mempool.contains($0) && !state.knownTransactions.contains($0) }
        state.transactionQueue.removeAll()
        state.trickleScheduled = false
        for txid in items { state.knownTransactions.insert(txid) }
        if state.knownTransactions.count > 50_000 { state.knownTransactions.removeAll() }
        if !items.isEmpty { output.actions.append(.send(state.id, .inventory(.transactions(items)))) }
    }

    /// A timer the manager asked for has expired.
    public func timerFired(_ timer: PeerTimer, now: Int64, into output: inout PeerOutput) {
        switch timer {
        case .trickle(let peer):
            if let state = peers[peer] { flushTransactions(to: state, into: &output) }
        }
    }

    // MARK: Local events

    /// A block this node mined: submitted to its own chain and, when `relay` is true,
    /// announced like any new tip. Withheld blocks (`relay: false`) can be sent later with
    /// ``publish(_:now:into:)``.
    public func submitLocalBlock(_ block: Block, relay: Bool, now: Int64, into output: inout PeerOutput) {
        let submitted: (result: BlockProcessingResult, mempool: MempoolUpdate)
        do { submitted = try node.submitBlock(block, now: PeerManager.seconds(now)) } catch {
            output.events.append(.storageFailure(error))
            return
        }
        switch submitted.result.acceptance {
        case .accepted: output.events.append(.blockAccepted(block, from: nil))
        case .invalid(let error): output.events.append(.blockRejected(block.hash, error, from: nil))
        default: break
        }
        for (hash, error) in submitted.result.update.invalidated { output.events.append(.blockRejected(hash, error, from: nil)) }
        if !submitted.result.update.isEmpty { output.events.append(.chainUpdated(submitted.result.update)) }
        if relay { announceTip(submitted.result.update, into: &output) }
        if !submitted.mempool.added.isEmpty || !submitted.mempool.removed.isEmpty {
            output.events.append(.mempoolUpdated(submitted.mempool))
            queueTransactions(submitted.mempool.added, except: nil, now: now, into: &output)
        }
    }

    /// Sends `blocks` (withheld until now, parents first) to every peer: pushed in full in
    /// `push` mode, otherwise announced so peers fetch them.
    public func publish(_ blocks: [Block], now: Int64, into output: inout PeerOutput) {
        guard let last = blocks.last else { return }
        let entries = blocks.map { chain.index[$0.hash] }
        for state in peers.values {
            guard state.handshakeDone else { continue }
            let peer = state.id
            let unknown = zip(blocks, entries).filter { block, entry in entry.map { !peerHas($0, peer: state) } ?? true }.map(\.0)
            guard !unknown.isEmpty else { continue }
            switch options.blockRelay {
            case .push:
                for block in unknown { output.actions.append(.send(peer, .block(block))) }
            case .compact where state.compactHighBandwidth && unknown.count == 1:
                output.actions.append(.send(peer, .compactBlock(CompactBlock(block: last, nonce: random.next()))))
            case .headers where state.preferHeaders, .compact where state.preferHeaders:
                output.actions.append(.send(peer, .headers(unknown.map(\.header))))
            default:
                output.actions.append(.send(peer, .inventory(.blocks(unknown.lazy.map { $0.hash }))))
            }
            if let entry = entries.last ?? nil { state.bestKnownBlock = entry }
        }
    }

    /// Announces transactions the node's own wallets submitted (already in the mempool).
    public func relayLocalTransactions(_ update: MempoolUpdate, now: Int64, into output: inout PeerOutput) {
        if !update.added.isEmpty || !update.removed.isEmpty { output.events.append(.mempoolUpdated(update)) }
        queueTransactions(update.added, except: nil, now: now, into: &output)
    }

    /// Sends a transaction to one peer directly (an attacker feeding different nodes
    /// different versions), without accepting it locally.
    public func sendTransaction(_ transaction: Transaction, to peer: PeerID, into output: inout PeerOutput) {
        guard peers[peer]?.handshakeDone == true else { return }
        peers[peer]?.knownTransactions.insert(transaction.txid)
        output.actions.append(.send(peer, .transaction(transaction)))
    }

    /// Asks every peer for headers beyond our tip (after a partition heals or on restart).
    public func requestSync(into output: inout PeerOutput) {
        for state in peers.values where state.handshakeDone {
            output.actions.append(.send(state.id, .getHeaders(locator: chain.locator(), stop: .zero)))
        }
    }
}
