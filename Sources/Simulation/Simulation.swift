import BitcoinCrypto
import Consensus
import Foundation
import Node

/// Why a simulation could not be set up or a command could not be carried out.
public struct SimulationError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A simulated Bitcoin network: real nodes (chain state, mempool, wallets, peer protocol)
/// exchanging real messages over modelled links in virtual time, with miners finding
/// real blocks at the rate their hashpower implies.
///
/// Time is the kernel's: integer microseconds since the start, and every node's clock reads
/// ``SimulationConfiguration/startTime`` plus it. All randomness comes from the
/// configuration's seed, split per node, link and miner, so a run is reproducible and
/// observers (which only read events) never change it.
///
/// With ``SimulationConfiguration/threads`` above 1, the nodes are split into lanes that
/// run side by side in windows no longer than the shortest possible delay between two nodes
/// (see ``parallelWindow``), with the same results as one thread. The simulation's own API is
/// not thread-safe: call it from one thread at a time; run independent simulations in
/// parallel.
public final class Simulation {
    /// The kernels' events: messages, timers and connection closes go to the receiving
    /// node's lane; mining, callbacks and mempool expiry to the global kernel.
    enum Action {
        case deliver(from: Int32, to: Int32, epoch: UInt32, message: NetworkMessage)
        case deliverBytes(from: Int32, to: Int32, epoch: UInt32, bytes: [UInt8])
        case timer(node: Int32, incarnation: Int32, PeerTimer)
        /// `peer` closed its connection `connection` to `node` (which learns it one minimum
        /// delay later, as a TCP peer learns of a close).
        case closeConnection(node: Int32, peer: Int32, connection: UInt32)
        case mine(miner: Int32)
        case callback(Int)
        case expireMempools
    }

    public let configuration: SimulationConfiguration
    /// Global events (mining, callbacks, mempool expiry): they run alone, between windows.
    let kernel = EventKernel<Action>()
    /// The nodes' events, node `i` in lane `i % lanes.count`: one lane, or
    /// ``lanesPerThread`` per thread when they run in parallel windows.
    let lanes: [Lane]
    /// Lanes per thread: enough that a thread done with its share of a window takes on
    /// work left over rather than waiting, few enough that most messages stay cheap to route.
    static let lanesPerThread = 4
    /// The most lanes, whatever the threads asked for: each lane looks at every other's
    /// outbox at each window's start.
    static let maximumLanes = 16
    /// Threads the lanes run on: the configuration's, at most one per processor (threads
    /// beyond that would spin at every window's end waiting to be scheduled). The lanes
    /// follow the threads asked for, so the split of the nodes does not depend on the machine.
    public let workerThreads: Int
    /// The time of the event being handled (or the end of the last run).
    var clock: Int64 = 0
    /// The shortest time between a node sending a message and another receiving it
    /// (latency floor plus processing delay), microseconds: a connection close takes this long.
    let minimumDelay: Int64
    /// The length of a parallel window, microseconds, or `nil` when events run one at a
    /// time: with one thread, a zero minimum delay, or miners that react to other nodes' tips
    /// (selfish, double-spend, retargeting).
    public let parallelWindow: Int64?
    let random: DeterministicRandom
    let verifier = TransactionVerifier()
    /// Every node's header records: each block's header, work and median time past once.
    let headers: HeaderCache
    /// Equal keys and values of the nodes' in-memory stores, kept once (every memory store
    /// interns what it holds; sharing one interner makes the nodes' copies one).
    let interner = ByteInterner()
    var nodes: [SimulatedNode] = []
    /// The blocks the nodes received in a window, gathered from the lanes (kept between
    /// windows for its capacity).
    var windowReceptions: [(hash: BlockHash, time: Int64)] = []
    var edges: [Topology.Edge] = []
    var miners: [MinerState] = []
    /// For each node, the miners whose blocks it builds (first node of each miner).
    var minersByNode: [[Int]] = []
    /// Miners running a double-spend attack.
    var attackers: [Int] = []
    /// Per-node figures the network model reads for every message.
    var uploadBandwidth: [Double] = []
    var downloadBandwidth: [Double] = []
    var regions: [Region] = []
    /// True when the chain retargets (block rates then follow each miner's tip).
    let retargeting: Bool
    /// Total hashpower at the start: the rate that gives one block per target interval.
    var baseHashpower = 1.0
    /// The observers, each with the kinds of event it wants.
    var observers: [(kinds: SimulationEvent.Kind.Mask, observer: (SimulationEvent) -> Void)] = []
    /// The kinds some observer wants: nodes' events of other kinds are not kept for the
    /// window's end.
    var observedKinds: SimulationEvent.Kind.Mask = 0
    var callbacks: [Int: (Simulation) -> Void] = [:]
    /// Peer logic replaced by a restart, kept until the running event ends (emptied when the
    /// next event or window starts): deliveries call a node's peer logic without retaining
    /// it, and an observer told of that node's event (at once, on one thread) may restart it
    /// before the event is over.
    var retiredPeerManagers: [PeerManager] = []
    var nextCallback = 0
    /// Partition groups by node (`nil`: one network).
    var partitionGroup: [Int]?
    /// Every block found in the run, for metrics and for withholding miners adopting a chain.
    var blocks: [BlockHash: Block] = [:]
    var records: [BlockHash: BlockRecord] = [:]
    var foundOrder: [BlockHash] = []
    /// Blocks sent by misbehaving nodes (``misbehave(_:sending:)``), valid or not.
    var misbehaviourBlocks: Set<BlockHash> = []
    /// Blocks that existed before the run (genesis and bootstrap).
    var bootstrapHeight = 0
    /// Watched transactions and the blocks that contain them.
    var watched: [Txid: [BlockHash]] = [:]
    var watchOrder: [Txid] = []
    var watchStart: [Txid: Int64] = [:]
    var reorgDepths: [Int: Int] = [:]
    var messagesDelivered: UInt64 { lanes.reduce(0) { $0 + $1.messagesDelivered } }
    var bytesDelivered: UInt64 { lanes.reduce(0) { $0 + $1.bytesDelivered } }

    /// Builds the nodes (opening or creating their stores), the topology and the miners.
    /// The run starts with every connection's handshake at time zero.
    public init(configuration: SimulationConfiguration) throws(SimulationError) {
        self.configuration = configuration
        random = DeterministicRandom(seed: configuration.seed)
        retargeting = !configuration.params.noRetargeting
        if case .memoryCopy(let template) = configuration.store { headers = HeaderCache(base: template.headers) } else { headers = HeaderCache() }
        guard !configuration.nodes.isEmpty else { throw SimulationError("a simulation needs at least one node") }
        guard (0...1).contains(configuration.loss) else { throw SimulationError("loss \(configuration.loss) is not a probability") }
        guard configuration.targetBlockInterval > 0 else { throw SimulationError("the target block interval must be positive") }
        guard configuration.threads >= 1 else { throw SimulationError("threads must be at least 1, not \(configuration.threads)") }
        minimumDelay = configuration.latency.minimum + max(0, configuration.processingDelay)
        let reactiveMiners = !configuration.params.noRetargeting
            || configuration.miners.contains { if case .honest = $0.strategy { false } else { true } }
        let parallel = configuration.threads > 1 && configuration.nodes.count > 1 && minimumDelay > 0 && !reactiveMiners
        parallelWindow = parallel ? minimumDelay : nil
        workerThreads = min(configuration.threads, ProcessInfo.processInfo.activeProcessorCount)
        // Bounding the threads before multiplying keeps a huge request from overflowing.
        let lanesAskedFor = min(configuration.threads, Simulation.maximumLanes) * Simulation.lanesPerThread
        let laneCount = parallel ? min(lanesAskedFor, configuration.nodes.count, Simulation.maximumLanes) : 1
        lanes = (0..<laneCount).map { [minimumDelay] in Lane(index: $0, count: laneCount, minimumDelay: minimumDelay) }
        for (index, nodeConfiguration) in configuration.nodes.enumerated() {
            let node = try makeNode(index: index, configuration: nodeConfiguration)
            nodes.append(SimulatedNode(index: index, configuration: nodeConfiguration, node: node,
                                       peers: makePeerManager(node: node, index: index, incarnation: 0)))
        }
        uploadBandwidth = configuration.nodes.map { $0.uploadBitsPerSecond ?? .infinity }
        downloadBandwidth = configuration.nodes.map { $0.downloadBitsPerSecond ?? .infinity }
        regions = configuration.nodes.map(\.region)
        var topologyRandom = random.split("topology")
        do { edges = try configuration.topology.edges(count: nodes.count, random: &topologyRandom) } catch { throw SimulationError("topology: \(error)") }
        for edge in edges {
            nodes[edge.from].neighbours.append((edge.to, true))
            nodes[edge.to].neighbours.append((edge.from, false))
        }
        try setUpMiners()
        for edge in edges { connect(edge.from, edge.to) }
        kernel.schedule(at: SimulationTime.hour, .expireMempools)
    }

    /// Releases the nodes on as many threads as the runs used, each thread taking the lanes
    /// it ran (see ``LaneWorkers``), so that most memory goes back to the allocator of the
    /// thread that allocated it and thousands of nodes take less time than on one thread.
    deinit {
        guard lanes.count > 1, workerThreads > 1 else { return }
        final class Nodes { var nodes: [SimulatedNode] = [] }
        let byLane = lanes.map { _ in Nodes() }
        for node in nodes { byLane[laneIndex(of: node.index)].nodes.append(node) }
        nodes.removeAll()
        let workers = LaneWorkers(threads: min(workerThreads, lanes.count))
        workers.run(order: Array(lanes.indices)) { byLane[$0].nodes.removeAll() }
        workers.stop()
    }

    /// The lane that handles node `index`'s events.
    func lane(of index: Int) -> Lane { lanes[laneIndex(of: index)] }

    /// The index of node `index`'s lane.
    func laneIndex(of index: Int) -> Int { lanes.count == 1 ? 0 : index % lanes.count }

    /// Node `index`'s lane, its clock set to the simulation's: for global code reaching into
    /// a node (between windows, never during one).
    func globalLane(of index: Int) -> Lane {
        let lane = lane(of: index)
        lane.now = clock
        return lane
    }

    func makeNode(index: Int, configuration node: NodeConfiguration) throws(SimulationError) -> FullNode {
        let store: any KeyValueStore
        switch configuration.store {
        case .memory:
            store = MemoryStore(label: node.name, interner: interner)
        case .memoryCopy(let template):
            store = template.store.copy(label: node.name, interner: interner)
        case .leveldb(let directory):
            do { store = try LevelDBStore(path: directory + "/" + node.name, options: .init()) } catch {
                throw SimulationError("cannot open the database of \(node.name) in \(directory): \(error)")
            }
        }
        do {
            return try FullNode(name: node.name, store: store, params: configuration.params, chainOptions: chainOptions,
                                mempoolOptions: configuration.mempoolOptions, verifier: verifier, headers: headers)
        } catch {
            throw SimulationError("cannot open the chain state of \(node.name): \(error)")
        }
    }

    /// The chain options of every node: the configuration's, except that a node on an
    /// in-memory store keeps no coins cache (the store is memory already; caching would hold
    /// every coin twice).
    var chainOptions: ChainOptions {
        var options = configuration.chainOptions
        if case .leveldb = configuration.store {} else { options.coinCacheLimit = 0 }
        return options
    }

    func makePeerManager(node: FullNode, index: Int, incarnation: Int) -> PeerManager {
        PeerManager(node: node, options: configuration.peer, random: random.split("peer", index, incarnation))
    }

    func setUpMiners() throws(SimulationError) {
        for (index, miner) in configuration.miners.enumerated() {
            guard !miner.nodes.isEmpty, miner.nodes.allSatisfy({ nodes.indices.contains($0) }) else {
                throw SimulationError("miner \(miner.name) names a node that does not exist")
            }
            guard miner.hashpower >= 0, miner.hashpower.isFinite else { throw SimulationError("miner \(miner.name) has hashpower \(miner.hashpower)") }
            var state = MinerState(configuration: miner, hashpower: miner.hashpower, random: random.split("miner \(index)"),
                                   payout: Script.minerPayout(index: index))
            switch miner.strategy {
            case .honest: break
            case .selfish(let gamma):
                if let gamma, !(0...1).contains(gamma) { throw SimulationError("miner \(miner.name): gamma \(gamma) is not between 0 and 1") }
                state.selfish = SelfishMiner(gamma: gamma)
                // Its node keeps its own chain: peers' blocks only tell it how far the public chain is.
                nodes[miner.nodes[0]].peers.options.acceptBlocksFromPeers = false
            case .doubleSpend(let attack):
                guard nodes.indices.contains(attack.merchantNode) else { throw SimulationError("miner \(miner.name): merchant node \(attack.merchantNode) does not exist") }
                guard attack.confirmations >= 0, attack.premine >= 0, attack.giveUpDeficit >= 1 else {
                    throw SimulationError("miner \(miner.name): confirmations and premine must be ≥ 0, the give-up deficit ≥ 1")
                }
                state.attack = DoubleSpendAttacker(attack: attack)
            }
            miners.append(state)
        }
        minersByNode = [[Int]](repeating: [], count: nodes.count)
        for (index, miner) in miners.enumerated() {
            minersByNode[miner.configuration.nodes[0]].append(index)
            if miner.attack != nil { attackers.append(index) }
        }
        let total = miners.reduce(0) { $0 + $1.hashpower }
        baseHashpower = total > 0 ? total : 1
        for index in miners.indices { scheduleNextBlock(index) }
        for (index, miner) in miners.enumerated() {
            if case .doubleSpend(let attack) = miner.configuration.strategy {
                schedule(at: attack.start) { $0.startDoubleSpend(miner: index) }
            }
        }
    }

    // MARK: Running

    /// The current simulation time, microseconds.
    public var now: Int64 { clock }

    /// Every node's clock: Unix seconds.
    var unixTime: Int64 { configuration.startTime + clock / SimulationTime.second }

    /// Microseconds since the Unix epoch, as the peer protocol takes it.
    var protocolTime: Int64 { protocolTime(at: clock) }

    func protocolTime(at time: Int64) -> Int64 { configuration.startTime * SimulationTime.second + time }

    /// Events run so far.
    public var eventsRun: UInt64 { lanes.reduce(kernel.eventsRun) { $0 + $1.kernel.eventsRun } }

    /// Runs events until simulation time `end` (microseconds).
    public func run(until end: Int64) { run(until: end) { true } }

    /// Runs for `duration` microseconds from now.
    public func run(for duration: Int64) { run(until: now + duration) }

    /// The next event of all kernels: its time, key, and lane index (-1: the global kernel).
    /// An index rather than the lane, which would be retained and released for every event.
    func nextEvent() -> (time: Int64, key: UInt64, lane: Int)? {
        var best = kernel.next.map { (time: $0.time, key: $0.key, lane: -1) }
        for index in lanes.indices {
            // The lane table holds every lane for the simulation's life: none is retained.
            guard let next = lanes.unretained(at: index)._withUnsafeGuaranteedRef({ $0.kernel.next }) else { continue }
            if let current = best, (current.time, current.key) <= (next.time, next.key) { continue }
            best = (next.time, next.key, index)
        }
        return best
    }

    /// Runs one event; false when none is left.
    @discardableResult
    public func step() -> Bool {
        if !retiredPeerManagers.isEmpty { retiredPeerManagers.removeAll() }
        guard let next = nextEvent() else { return false }
        clock = next.time
        guard next.lane >= 0 else {
            if let event = kernel.step() { handleGlobal(event.payload) }
            return true
        }
        return lanes.unretained(at: next.lane)._withUnsafeGuaranteedRef { lane in
            guard let (time, payload) = lane.kernel.step() else { return false }
            run(payload, at: time, key: next.key, in: lane)
            return true
        }
    }

    /// Runs a node's event taken off `lane`'s kernel (consumed: passed on without a copy).
    func run(_ payload: consuming Action, at time: Int64, key: UInt64, in lane: Lane) {
        lane.now = time
        lane.currentKey = key
        prefetchNextReceiver(lane)
        handle(payload, in: lane)
    }

    /// Warms the nodes of the lane's next two events while this one runs, in two steps: with
    /// thousands of nodes, each delivery otherwise starts with a chain of cache misses (node,
    /// peer logic, peer table, chain state, block index slot). The node of the event after
    /// next is asked for now; the next event's node, asked for one event ago, is in cache, so
    /// the addresses of its peer logic's state can be read from it and asked for in turn,
    /// with the block index slot of the hash the message names (the event's hint). Nodes and
    /// hashes come from the kernel's tags and hints: matching on the payloads would copy them.
    func prefetchNextReceiver(_ lane: Lane) {
        if let node = lane.kernel.upcomingTag {
            let lines = nodes[Int(node)].cacheLines
            lines.prefetch()
            if let hint = lane.kernel.upcomingHint, hint != 0 { lines.prefetchSlot(for: hint) }
        }
        if let node = lane.kernel.secondUpcomingTag {
            CacheHint.prefetch(lines: 2, at: CacheHint.address(of: nodes[Int(node)]))
        }
    }

    /// Runs until `condition` holds (checked after each event, or after each window when
    /// lanes run in parallel) or time `limit`; true when the condition was met.
    @discardableResult
    public func run(until limit: Int64, while condition: () -> Bool) -> Bool {
        if let window = parallelWindow { return runWindows(until: limit, window: window, while: condition) }
        while condition() {
            guard let next = nextEvent(), next.time <= limit else {
                clock = max(limit, clock)
                return false
            }
            step()
        }
        return true
    }

    /// Runs lanes side by side in windows of at most `window` microseconds, each ending
    /// before the next global event: a message sent in a window arrives after it ends, so
    /// no lane can affect another within one. Global events run alone between windows.
    func runWindows(until limit: Int64, window: Int64, while condition: () -> Bool) -> Bool {
        let workers = LaneWorkers(threads: min(workerThreads, lanes.count))
        defer { workers.stop() }
        // The parity of the last window, whose outboxes are not collected yet.
        var parity = 0
        defer { deliverOutboxes(parity: parity) }
        while condition() {
            let outgoing = lanes.reduce(Int64.max) { min($0, $1.earliestOutgoing[parity]) }
            let laneNext = lanes.reduce(outgoing) { min($0, $1.kernel.nextTime ?? .max) }
            let globalNext = kernel.nextTime ?? .max
            guard min(laneNext, globalNext) <= limit else {
                clock = max(limit, clock)
                return false
            }
            guard laneNext < globalNext else {
                deliverOutboxes(parity: parity)
                step()
                continue
            }
            let end = min(laneNext + window, globalNext, limit == .max ? .max : limit + 1)
            if !retiredPeerManagers.isEmpty { retiredPeerManagers.removeAll() }
            parity = 1 - parity
            let order = busiestFirst()
            workers.run(order: order) { [lanes, parity] lane in
                self.runLane(lanes[lane], parity: parity, before: end)
                // The next window most often follows at once: its work is guessed here, on
                // the lane's thread, rather than between windows on the main one.
                lanes[lane].expectedWork = lanes[lane].approximateWork(before: end + window)
            }
            finishWindow()
        }
        return true
    }

    /// The lanes by the work they expect in the window (``Lane/expectedWork``), most first:
    /// threads take their own and then others' in this order, so the lanes left for the
    /// window's end, when a thread may wait for the other, are short ones. (Which thread runs
    /// a lane never changes its results; a stale guess only costs balance.)
    func busiestFirst() -> [Int] {
        lanes.indices.sorted { lanes[$0].expectedWork > lanes[$1].expectedWork }
    }

    /// Runs the lane's events before time `end` (on the lane's thread).
    func runLane(_ lane: Lane, parity: Int, before end: Int64) {
        lane.startWindow(parity: parity, lanes: lanes)
        defer { lane.windowed = false }
        while let next = lane.kernel.next, next.time < end, let (time, payload) = lane.kernel.step() {
            run(payload, at: time, key: next.key, in: lane)
        }
    }

    /// Schedules every message still in the outboxes of `parity` (before a global event, or
    /// when a run ends).
    func deliverOutboxes(parity: Int) {
        for lane in lanes {
            lane.collect(from: lanes, parity: parity)
            lane.earliestOutgoing[parity] = .max
        }
    }

    /// Reports the window's events in the order one thread would have produced them (by the
    /// time and key of the event that raised them), after counting them in the metrics.
    func finishWindow() {
        recordWindowMetrics()
        var positions = [Int](repeating: 0, count: lanes.count)
        while true {
            var pick = -1
            var earliest = (time: Int64(0), key: UInt64(0))
            for (index, lane) in lanes.enumerated() where positions[index] < lane.logOrder.count {
                let order = lane.logOrder[positions[index]]
                if pick < 0 || order < earliest {
                    earliest = order
                    pick = index
                }
            }
            guard pick >= 0 else { break }
            notify(lanes[pick].log[positions[pick]])
            positions[pick] += 1
        }
        for lane in lanes { clock = max(clock, lane.now) }
    }

    /// Counts the blocks the lanes' nodes received in the window and their reorgs. Receptions
    /// are counted in order of time, as one thread counts them (which of equal times comes
    /// first does not change when a block reached a share of the nodes).
    func recordWindowMetrics() {
        var receptions = windowReceptions
        windowReceptions = []
        receptions.removeAll(keepingCapacity: true)
        for lane in lanes {
            receptions.append(contentsOf: lane.receptions)
            for depth in lane.reorgDepths { reorgDepths[depth, default: 0] += 1 }
        }
        receptions.sort { $0.time < $1.time }
        for reception in receptions { noteReceived(reception.hash, at: reception.time) }
        windowReceptions = receptions
    }

    /// Handles a global event.
    func handleGlobal(_ action: Action) {
        switch action {
        case .mine(let miner):
            blockFound(miner: Int(miner))
        case .callback(let id):
            callbacks.removeValue(forKey: id)?(self)
        case .expireMempools:
            for node in nodes where node.online && node.node.mempool.count > 0 {
                let update = node.node.expireMempool(now: unixTime)
                if !update.removed.isEmpty { relay(update, from: node.index) }
            }
            kernel.schedule(at: clock + SimulationTime.hour, .expireMempools)
        case .deliver, .deliverBytes, .timer, .closeConnection:
            break  // scheduled on lanes only
        }
    }

    /// Handles a node's event on its lane.
    func handle(_ action: consuming Action, in lane: Lane) {
        switch consume action {
        case let .deliver(from, to, epoch, message):
            deliver(message, from: Int(from), to: Int(to), epoch: epoch, in: lane)
        case let .deliverBytes(from, to, epoch, bytes):
            deliver(bytes: bytes, from: Int(from), to: Int(to), epoch: epoch, in: lane)
        case let .timer(node, incarnation, timer):
            let target = nodes[Int(node)]
            guard target.online, target.incarnation == Int(incarnation) else { return }
            lane.output.removeAll()
            target.peers.timerFired(timer, now: protocolTime(at: lane.now), into: &lane.output)
            process(node: Int(node), in: lane)
        case let .closeConnection(node, peer, connection):
            closeConnection(node: Int(node), peer: Int(peer), connection: connection)
        case .mine, .callback, .expireMempools:
            break  // global events
        }
    }

    /// Runs `action` at simulation time `time` (for scenario timelines).
    @discardableResult
    public func schedule(at time: Int64, _ action: @escaping (Simulation) -> Void) -> EventID {
        let id = nextCallback
        nextCallback += 1
        callbacks[id] = action
        return kernel.schedule(at: max(time, clock), .callback(id))
    }

    // MARK: Observation

    /// Calls `observer` with every event from now on, in order. When lanes run in parallel,
    /// a window's events reach observers at the window's end (in the same order): an
    /// observer should then use what the event says rather than read nodes' state.
    public func subscribe(_ observer: @escaping (SimulationEvent) -> Void) {
        addObserver(SimulationEvent.Kind.all, observer)
    }

    /// Calls `observer` with the events of `kinds` from now on, in order, as
    /// ``subscribe(_:)`` does. Events of a kind no observer wants are not kept for a
    /// window's end, so a run watched for a few kinds (blocks found, say) runs faster than
    /// one watched for all; the metrics count every event either way.
    public func subscribe(to kinds: Set<SimulationEvent.Kind>, _ observer: @escaping (SimulationEvent) -> Void) {
        addObserver(SimulationEvent.Kind.mask(kinds), observer)
    }

    private func addObserver(_ kinds: SimulationEvent.Kind.Mask, _ observer: @escaping (SimulationEvent) -> Void) {
        observers.append((kinds, observer))
        observedKinds |= kinds
    }

    /// Reports an event raised by global code.
    func emit(_ event: SimulationEvent) { publish(event) }

    /// Reports an event raised on `lane`: at once, or at the window's end when the lane
    /// runs beside others (what the metrics need of it noted in the lane meanwhile).
    func emit(_ event: SimulationEvent, in lane: Lane) {
        guard lane.windowed else { return publish(event) }
        lane.noteForMetrics(event)
        guard observedKinds & event.kind.bit != 0 else { return }
        lane.log.append(event)
        lane.logOrder.append((lane.now, lane.currentKey))
    }

    /// Keeps the figures the metrics need, then tells the observers.
    func publish(_ event: SimulationEvent) {
        switch event {
        case let .blockReceived(time, _, hash, _): noteReceived(hash, at: time)
        case let .reorg(_, _, depth, _, _, _): reorgDepths[depth, default: 0] += 1
        default: break
        }
        notify(event)
    }

    /// Tells the observers that want it.
    func notify(_ event: SimulationEvent) {
        let bit = event.kind.bit
        for (kinds, observer) in observers where kinds & bit != 0 { observer(event) }
    }

    /// Counts block `hash` as having reached one more node at `time`.
    func noteReceived(_ hash: BlockHash, at time: Int64) {
        // In place through the values (the optional subscript moves the record out and back).
        if let index = records.index(forKey: hash) { records.values[index].noteReceived(at: time) }
    }

    /// Adds a line of narration to the event stream.
    public func note(_ text: String) { emit(.note(time: now, text: text)) }

    // MARK: Access

    public var nodeCount: Int { nodes.count }

    /// The full node at `index`.
    public func node(_ index: Int) -> FullNode { nodes[index].node }

    /// The index of the node called `name`.
    public func nodeIndex(named name: String) -> Int? { nodes.firstIndex { $0.configuration.name == name } }

    /// True when `index` is online.
    public func isOnline(_ index: Int) -> Bool { nodes[index].online }

    /// Peers `index` has an open connection with.
    public func connectedPeers(_ index: Int) -> [Int] { nodes[index].connected }

    /// The nodes whose ban of node `index` (for misbehaving) is still in force, in order.
    public func nodesBanning(_ index: Int) -> [Int] { nodes.indices.filter { isBanned($0, index) } }

    /// The miner's current hashpower.
    public func hashpower(ofMiner index: Int) -> Double { miners[index].hashpower }

    /// A block found during the run (or bootstrap), by hash.
    public func block(_ hash: BlockHash) -> Block? { blocks[hash] }
}

extension Script {
    /// A miner's payout script: P2WSH of `OP_TRUE` with a per-miner push, so each miner's
    /// coinbases are distinct yet spendable in tests.
    static func minerPayout(index: Int) -> Script {
        var witnessScript = [UInt8]()
        withUnsafeBytes(of: UInt32(index).littleEndian) { witnessScript = [0x04] + Array($0) + [0x75, 0x51] }  // <index> DROP TRUE
        return Script([0x00, 0x20] + SHA256.hash(witnessScript).bytes)
    }
}
