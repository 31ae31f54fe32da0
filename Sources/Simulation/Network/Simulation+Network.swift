import Consensus
import Node

extension Simulation {
    // MARK: Connections

    /// Opens the connection `dialler` → `acceptor` if both are online, reachable and not banned.
    func connect(_ dialler: Int, _ acceptor: Int) {
        guard nodes[dialler].online, nodes[acceptor].online, canReach(dialler, acceptor),
              !isBanned(dialler, acceptor), !isBanned(acceptor, dialler),
              nodes[dialler].links[acceptor]?.connected != true else { return }
        for (a, b) in [(dialler, acceptor), (acceptor, dialler)] {
            var link = nodes[a].links[b] ?? LinkState()
            link.connected = true
            link.epoch &+= 1
            link.busyUntil = max(link.busyUntil, now)
            nodes[a].links[b] = link
            nodes[a].connected.append(b)
        }
        // Each side knows the connection by the epoch of the link that carries messages to it.
        let fromDialler = nodes[dialler].links[acceptor]?.epoch ?? 0
        act(on: acceptor) { $0.connected(dialler, inbound: true, connection: fromDialler, now: protocolTime, into: &$1) }
        let fromAcceptor = nodes[acceptor].links[dialler]?.epoch ?? 0
        act(on: dialler) { $0.connected(acceptor, inbound: false, connection: fromAcceptor, now: protocolTime, into: &$1) }
    }

    /// Closes the connection between `a` and `b` on both sides; messages in flight are lost.
    func disconnect(_ a: Int, _ b: Int) {
        guard nodes[a].links[b]?.connected == true else { return }
        closeSide(of: a, to: b)
        closeSide(of: b, to: a)
    }

    /// Closes node `index`'s side of its connection to `peer`: the link stops carrying
    /// messages (a new epoch drops those in flight) and the peer logic forgets the peer.
    private func closeSide(of index: Int, to peer: Int) {
        nodes[index].links.modify(peer) { link in
            link.connected = false
            link.epoch &+= 1
        }
        nodes[index].connected.removeAll { $0 == peer }
        nodes[index].peers.disconnected(peer)
    }

    func canReach(_ a: Int, _ b: Int) -> Bool {
        guard let groups = partitionGroup else { return true }
        return groups[a] == groups[b]
    }

    func isBanned(_ node: Int, _ peer: Int) -> Bool { (nodes[node].bans[peer] ?? .min) > now }

    /// Node `index`'s side of a misbehaving peer's connection closes now; the peer learns of
    /// it one minimum delay later (a close cannot reach another lane within a window).
    func closeFromOneSide(_ index: Int, dropping peer: Int, in lane: Lane) {
        guard let link = nodes[index].links[peer], link.connected else { return }
        // The peer knows the connection by the epoch of the link that carries messages to it.
        let connection = link.epoch
        closeSide(of: index, to: peer)
        schedule(.closeConnection(node: Int32(peer), peer: Int32(index), connection: connection),
                 at: lane.now + minimumDelay, key: nodes[index].nextEventKey(), forNode: peer, from: lane)
    }

    /// Schedules `action` on the lane of node `node`, from code running on `lane`: through an
    /// outbox when `lane` runs a window beside others.
    /// `hint` is the low 64 bits of the block hash a message names (see ``blockHint(of:)``).
    func schedule(_ action: consuming Action, at time: Int64, key: UInt64, forNode node: Int, hint: UInt64 = 0, from lane: Lane) {
        let target = laneIndex(of: node)
        if target == lane.index {
            lane.schedule(action, at: time, key: key, forNode: Int32(node), hint: hint)
        } else if lane.windowed {
            lane.send(action, at: time, key: key, forNode: Int32(node), hint: hint, toLane: target)
        } else {
            lanes[target].schedule(action, at: time, key: key, forNode: Int32(node), hint: hint)
        }
    }

    /// The close of `peer`'s connection `connection` reaches `node`.
    func closeConnection(node: Int, peer: Int, connection: UInt32) {
        guard nodes[node].peers.isConnected(peer, connection: connection) else { return }
        closeSide(of: node, to: peer)
    }

    // MARK: Messages

    /// Sends `message` over the link `from` → `to` from global code (a scripted node).
    func send(_ message: NetworkMessage, from: Int, to: Int, wire: [UInt8]? = nil) {
        send(message, from: from, to: to, in: globalLane(of: from), wire: wire)
    }

    /// Sends `message` over the link `from` → `to`: queued behind earlier messages for
    /// transmission at the link's bandwidth, then delayed by the latency model; lost with
    /// the configured probability. `lane` is the sender's. `wire`, when given, is sent as the
    /// message's bytes (a misbehaving node's corrupt copy).
    func send(_ message: NetworkMessage, from: Int, to: Int, in lane: Lane, wire: [UInt8]? = nil) {
        var bytes = wire
        if bytes == nil && configuration.wireFidelity {
            bytes = MessageCodec.encode(message, magic: configuration.params.messageStart)
        }
        var size = bytes?.count ?? message.wireSize
        if case .block = message, let modelled = configuration.modelledBlockSize { size = max(size, modelled) }
        var arrival: Int64?
        var epoch: UInt32 = 0
        // The node table holds every node for the simulation's life.
        let sender = nodes.unretained(at: from)
        sender._withUnsafeGuaranteedRef { sender in
            // Updated in place: the link is found once and not copied back.
            _ = sender.links.modify(to) { link in
                guard link.connected else { return }
                arrival = transmit(size: size, over: &link, from: from, to: to, now: lane.now)
                epoch = link.epoch
            }
        }
        guard let arrival else { return }
        lane.bytesDelivered &+= UInt64(size)
        let action: Action = if let bytes {
            .deliverBytes(from: Int32(from), to: Int32(to), epoch: epoch, bytes: bytes)
        } else {
            .deliver(from: Int32(from), to: Int32(to), epoch: epoch, message: message)
        }
        let key = sender._withUnsafeGuaranteedRef { $0.nextEventKey() }
        schedule(action, at: arrival, key: key, forNode: to, hint: Self.blockHint(of: message), from: lane)
    }

    /// The low 64 bits of the block hash `message` names first (0: none): where the
    /// receiver's block index will look first (see ``prefetchNextReceiver(_:)``).
    static func blockHint(of message: NetworkMessage) -> UInt64 {
        switch message {
        case .inventory(let items), .getData(let items):
            guard let item = items.first, item.isBlock else { return 0 }
            return item.hash.w0
        case .block(let block):
            return block.hash.hash.w0
        default:
            return 0
        }
    }

    /// Queues `size` bytes on `link`: the arrival time, or `nil` when the message is lost.
    private func transmit(size: Int, over link: inout LinkState, from: Int, to: Int, now: Int64) -> Int64? {
        var needsRandom = configuration.loss > 0
        if case .constant = configuration.latency {} else { needsRandom = true }
        var linkRandom = needsRandom ? (link.random ?? random.split("link", from, to)) : DeterministicRandom(seed: 0)
        defer { if needsRandom { link.random = linkRandom } }
        if configuration.loss > 0 && linkRandom.nextUnit() < configuration.loss { return nil }
        let start = max(now + configuration.processingDelay, link.busyUntil)
        let transmitted = start + transmissionTime(bytes: size, from: from, to: to)
        let latency = configuration.latency.sample(from: regions[from], to: regions[to], random: &linkRandom)
        let arrival = max(link.lastArrival, transmitted + latency)
        link.busyUntil = transmitted
        link.lastArrival = arrival
        return arrival
    }

    /// Time on the wire for `bytes` over `from` → `to`: the slower of the sender's upload
    /// and the receiver's download, as SimBlock models it.
    func transmissionTime(bytes: Int, from: Int, to: Int) -> Int64 {
        let bandwidth = min(uploadBandwidth[from], downloadBandwidth[to])
        guard bandwidth.isFinite, bandwidth > 0 else { return 0 }
        return Int64((Double(bytes * 8) / bandwidth * 1e6).rounded(.up))
    }

    /// Hands `message` to the receiving node's peer logic, which drops it unless it came over
    /// the connection still open (checked on the receiver, whose state is about to be used).
    func deliver(_ message: NetworkMessage, from: Int, to: Int, epoch: UInt32, in lane: Lane) {
        if case .block = message { lane.blockDelivered() }
        // The node table holds every node for the simulation's life.
        let delivered = nodes.unretained(at: to)._withUnsafeGuaranteedRef { receiver in
            guard receiver.online else { return false }
            // A block is followed by announcements on most of the node's links; connecting it
            // first gives their out-of-cache states time to arrive.
            if case .block = message { receiver.links.prefetchStorage() }
            lane.output.removeAll()
            let now = protocolTime(at: lane.now)
            // Not retained: a restart keeps the logic it replaces until this event ends.
            return Unmanaged.passUnretained(receiver.peers)._withUnsafeGuaranteedRef { peers in
                guard peers.receive(message, from: from, connection: epoch, now: now, into: &lane.output) else { return false }
                receiver.cacheLines = peers.cacheLines
                return true
            }
        }
        guard delivered else { return }
        lane.messagesDelivered &+= 1
        process(node: to, in: lane)
    }

    func deliver(bytes: [UInt8], from: Int, to: Int, epoch: UInt32, in lane: Lane) {
        let receiver = nodes[to]
        guard receiver.online, receiver.peers.isConnected(from, connection: epoch) else { return }
        lane.messagesDelivered &+= 1
        lane.output.removeAll()
        let now = protocolTime(at: lane.now)
        do {
            let message = try MessageCodec.decode(bytes, magic: configuration.params.messageStart)
            receiver.peers.receive(message, from: from, connection: epoch, now: now, into: &lane.output)
        } catch {
            receiver.peers.receivedMalformed(from: from, error: error, now: now, into: &lane.output)
        }
        process(node: to, in: lane)
    }

    /// Lets node `index`'s peer logic act from global code (a mined block, a scripted
    /// transaction, a connection opening) and carries out what it asks for.
    func act(on index: Int, _ body: (PeerManager, inout PeerOutput) -> Void) {
        var result = PeerOutput()
        body(nodes[index].peers, &result)
        carryOut(&result, node: index, in: globalLane(of: index))
    }

    /// Carries out what a node's peer logic put in its lane's output buffer.
    func process(node index: Int, in lane: Lane) {
        var result = PeerOutput()
        swap(&result, &lane.output)
        carryOut(&result, node: index, in: lane)
        if lane.output.actions.capacity == 0 && lane.output.events.capacity == 0 { lane.output = result }
    }

    /// Sends, closes and sets timers as the node asked, reports what happened in it, and
    /// empties `result` for reuse. Takes the buffer rather than sharing it: handlers may
    /// reenter and fill a buffer of their own.
    private func carryOut(_ result: inout PeerOutput, node index: Int, in lane: Lane) {
        for action in result.actions {
            switch action {
            case .send(let peer, let message):
                send(message, from: index, to: peer, in: lane)
            case .disconnect(let peer, let banSeconds, _):
                nodes[index].bans[peer] = lane.now + banSeconds * SimulationTime.second
                closeFromOneSide(index, dropping: peer, in: lane)
            case .setTimer(let delay, let timer):
                let node = nodes[index]
                lane.kernel.schedule(at: lane.now + max(0, delay), key: node.nextEventKey(), tag: Int32(index),
                                     .timer(node: Int32(index), incarnation: Int32(node.incarnation), timer))
            }
        }
        for event in result.events { nodeEvent(event, at: index, in: lane) }
        result.removeAll()
    }

    /// Sends raw bytes from `from` to `to` as if `from` wrote them to its connection (for
    /// demonstrations of malformed data and misbehaving peers).
    public func injectBytes(_ bytes: [UInt8], from: Int, to: Int) {
        guard let link = nodes[from].links[to], link.connected else { return }
        lane(of: to).kernel.schedule(at: clock, key: nodes[from].nextEventKey(), tag: Int32(to),
                                     .deliverBytes(from: Int32(from), to: Int32(to), epoch: link.epoch, bytes: bytes))
    }

    /// Sends `message` from `from` to `to` outside the peer logic (a misbehaving node).
    public func injectMessage(_ message: NetworkMessage, from: Int, to: Int) {
        send(message, from: from, to: to)
    }

    // MARK: Partitions, churn, restarts

    /// Splits the network into `groups` (node indexes; nodes left out form one more group):
    /// connections across groups close, as TCP connections time out.
    public func partition(_ groups: [[Int]]) throws(SimulationError) {
        var assignment = [Int](repeating: groups.count, count: nodes.count)
        for (number, group) in groups.enumerated() {
            for node in group {
                guard nodes.indices.contains(node) else { throw SimulationError("partition names node \(node), which does not exist") }
                assignment[node] = number
            }
        }
        partitionGroup = assignment
        for edge in edges where assignment[edge.from] != assignment[edge.to] { disconnect(edge.from, edge.to) }
        var listed = groups
        let rest = nodes.indices.filter { assignment[$0] == groups.count }
        if !rest.isEmpty { listed.append(rest) }
        emit(.partition(time: now, groups: listed))
    }

    /// Ends a partition: every topology connection between online nodes reopens, and the
    /// handshakes start a headers-first sync both ways.
    public func heal() {
        partitionGroup = nil
        emit(.heal(time: now))
        for edge in edges { connect(edge.from, edge.to) }
    }

    /// Takes a node off the network (its connections close; it keeps its chain).
    public func setOffline(_ index: Int) {
        guard nodes[index].online else { return }
        for peer in nodes[index].connected { disconnect(index, peer) }
        nodes[index].online = false
        emit(.nodeOffline(time: now, node: index))
    }

    /// Brings a node back: it reconnects to its topology neighbours and syncs.
    public func setOnline(_ index: Int) {
        guard !nodes[index].online else { return }
        nodes[index].online = true
        emit(.nodeOnline(time: now, node: index))
        reconnect(index)
    }

    func reconnect(_ index: Int) {
        for (peer, outbound) in nodes[index].neighbours {
            if outbound { connect(index, peer) } else { connect(peer, index) }
        }
    }

    /// Restarts a node (online or not): closes its chain state (flushing it), reopens it
    /// from its store (from disk with LevelDB), and brings it online. Its wallets are
    /// recreated from their seeds and rescan the chain; its mempool is written and reloaded
    /// as Core's `mempool.dat` (``SimulationConfiguration/persistMempool``), or starts empty.
    public func restart(_ index: Int) throws(SimulationError) {
        setOffline(index)
        let old = nodes[index].node
        if configuration.persistMempool { saveMempool(of: index) }
        do { try old.chain.close() } catch { throw SimulationError("closing \(old.name): \(error)") }
        let reopened: FullNode
        if let memory = old.chain.database as? MemoryStore {
            // A memory store outlives its handle, as files on disk do.
            memory.reopen()
            do {
                reopened = try FullNode(name: old.name, store: memory, params: configuration.params, chainOptions: chainOptions,
                                        mempoolOptions: configuration.mempoolOptions, verifier: verifier, headers: headers)
            } catch { throw SimulationError("reopening \(old.name): \(error)") }
        } else {
            reopened = try makeNode(index: index, configuration: nodes[index].configuration)
        }
        for wallet in old.wallets {
            do { try wallet.restore(on: reopened) } catch { throw SimulationError("rescanning wallet \(wallet.name) on \(old.name): \(error)") }
        }
        nodes[index].incarnation += 1
        nodes[index].node = reopened
        let acceptsBlocks = nodes[index].peers.options.acceptBlocksFromPeers
        retiredPeerManagers.append(nodes[index].peers)
        nodes[index].peers = makePeerManager(node: reopened, index: index, incarnation: nodes[index].incarnation)
        nodes[index].peers.options.acceptBlocksFromPeers = acceptsBlocks
        nodes[index].reportedConfirmations = [:]
        let reloaded = configuration.persistMempool ? try reloadMempool(of: index) : 0
        emit(.nodeRestarted(time: now, node: index, height: reopened.chain.height, mempool: reloaded))
        setOnline(index)
    }
}
