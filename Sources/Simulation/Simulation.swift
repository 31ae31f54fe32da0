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
/// observers (which only read events) never change it. Not thread-safe: one simulation
/// runs on one thread; run independent simulations in parallel.
public final class Simulation {
    /// The kernel's events.
    enum Action {
        case deliver(from: Int32, to: Int32, epoch: UInt32, message: NetworkMessage)
        case deliverBytes(from: Int32, to: Int32, epoch: UInt32, bytes: [UInt8])
        case timer(node: Int32, incarnation: Int32, PeerTimer)
        case mine(miner: Int32)
        case callback(Int)
        case expireMempools
    }

    public let configuration: SimulationConfiguration
    let kernel = EventKernel<Action>()
    let random: DeterministicRandom
    let verifier = TransactionVerifier()
    /// Every node's header records: each block's header, work and median time past once.
    let headers: HeaderCache
    /// Equal keys and values of the nodes' in-memory stores, kept once: worth its hashing
    /// from a few nodes up (a two-node trial gains nothing from it).
    let interner: ByteInterner?
    var nodes: [SimulatedNode] = []
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
    var observers: [(SimulationEvent) -> Void] = []
    var callbacks: [Int: (Simulation) -> Void] = [:]
    var nextCallback = 0
    var output = PeerOutput()
    /// Partition groups by node (`nil`: one network).
    var partitionGroup: [Int]?
    /// Banned pairs (node, peer) until a time, microseconds.
    var bans: [UInt64: Int64] = [:]
    /// Every block found in the run, for metrics and for withholding miners adopting a chain.
    var blocks: [BlockHash: Block] = [:]
    var records: [BlockHash: BlockRecord] = [:]
    var foundOrder: [BlockHash] = []
    /// Blocks that existed before the run (genesis and bootstrap).
    var bootstrapHeight = 0
    /// Watched transactions and the blocks that contain them.
    var watched: [Txid: [BlockHash]] = [:]
    var watchOrder: [Txid] = []
    var watchStart: [Txid: Int64] = [:]
    var reorgDepths: [Int: Int] = [:]
    var messagesDelivered: UInt64 = 0
    var bytesDelivered: UInt64 = 0

    /// Builds the nodes (opening or creating their stores), the topology and the miners.
    /// The run starts with every connection's handshake at time zero.
    public init(configuration: SimulationConfiguration) throws(SimulationError) {
        self.configuration = configuration
        random = DeterministicRandom(seed: configuration.seed)
        retargeting = !configuration.params.noRetargeting
        interner = configuration.nodes.count >= 8 ? ByteInterner() : nil
        if case .memoryCopy(let template) = configuration.store { headers = HeaderCache(base: template.headers) } else { headers = HeaderCache() }
        guard !configuration.nodes.isEmpty else { throw SimulationError("a simulation needs at least one node") }
        guard (0...1).contains(configuration.loss) else { throw SimulationError("loss \(configuration.loss) is not a probability") }
        guard configuration.targetBlockInterval > 0 else { throw SimulationError("the target block interval must be positive") }
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
        PeerManager(node: node, options: configuration.peer, random: random.split("peer \(index) \(incarnation)"))
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
    public var now: Int64 { kernel.now }

    /// Every node's clock: Unix seconds.
    var unixTime: Int64 { configuration.startTime + kernel.now / SimulationTime.second }

    /// Microseconds since the Unix epoch, as the peer protocol takes it.
    var protocolTime: Int64 { configuration.startTime * SimulationTime.second + kernel.now }

    /// Events the kernel has run.
    public var eventsRun: UInt64 { kernel.eventsRun }

    /// Runs events until simulation time `end` (microseconds).
    public func run(until end: Int64) {
        kernel.run(until: end) { _, action in
            prefetchNextReceiver()
            handle(action)
        }
    }

    /// Runs for `duration` microseconds from now.
    public func run(for duration: Int64) { run(until: now + duration) }

    /// Runs one event; false when none is left.
    @discardableResult
    public func step() -> Bool {
        guard let event = kernel.step() else { return false }
        prefetchNextReceiver()
        handle(event.payload)
        return true
    }

    /// Warms the node that the next message goes to while this event runs: with thousands
    /// of nodes, each delivery otherwise starts with cache misses on the receiver.
    func prefetchNextReceiver() {
        guard let next = kernel.upcomingPayload, case .deliver(_, let to, _, _) = next.pointee else { return }
        let receiver = nodes[Int(to)]
        CacheHint.prefetch(receiver)
    }

    /// Runs until `condition` holds (checked after each event) or time `limit`; true when
    /// the condition was met.
    @discardableResult
    public func run(until limit: Int64, while condition: () -> Bool) -> Bool {
        while condition() {
            guard let next = kernel.nextTime, next <= limit else {
                kernel.advance(to: max(limit, now))
                return false
            }
            step()
        }
        return true
    }

    func handle(_ action: Action) {
        switch action {
        case let .deliver(from, to, epoch, message):
            deliver(message, from: Int(from), to: Int(to), epoch: epoch)
        case let .deliverBytes(from, to, epoch, bytes):
            deliver(bytes: bytes, from: Int(from), to: Int(to), epoch: epoch)
        case let .timer(node, incarnation, timer):
            let target = nodes[Int(node)]
            guard target.online, target.incarnation == Int(incarnation) else { return }
            output.removeAll()
            target.peers.timerFired(timer, now: protocolTime, into: &output)
            process(node: Int(node))
        case .mine(let miner):
            blockFound(miner: Int(miner))
        case .callback(let id):
            callbacks.removeValue(forKey: id)?(self)
        case .expireMempools:
            for node in nodes where node.online && node.node.mempool.count > 0 {
                let update = node.node.expireMempool(now: unixTime)
                if !update.removed.isEmpty {
                    output.removeAll()
                    node.peers.relayLocalTransactions(update, now: protocolTime, into: &output)
                    process(node: node.index)
                }
            }
            kernel.schedule(after: SimulationTime.hour, .expireMempools)
        }
    }

    /// Runs `action` at simulation time `time` (for scenario timelines).
    @discardableResult
    public func schedule(at time: Int64, _ action: @escaping (Simulation) -> Void) -> EventID {
        let id = nextCallback
        nextCallback += 1
        callbacks[id] = action
        return kernel.schedule(at: max(time, now), .callback(id))
    }

    // MARK: Observation

    /// Calls `observer` with every event from now on, in order.
    public func subscribe(_ observer: @escaping (SimulationEvent) -> Void) {
        observers.append(observer)
    }

    func emit(_ event: SimulationEvent) {
        for observer in observers { observer(event) }
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
