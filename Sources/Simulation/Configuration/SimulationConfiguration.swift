import Consensus
import Node

/// Where nodes keep their chain state.
public enum StoreKind: Sendable, Equatable {
    /// LevelDB, one database per node under `directory/<node name>` (Regsim's default).
    case leveldb(directory: String)
    /// In memory, for very large networks and fast experiments (nodes keep no coins cache
    /// on top of it).
    case memory
    /// In memory, every node starting from its own copy of `template` (copy-on-write):
    /// many short trials share one prepared chain instead of mining it each time.
    case memoryCopy(StoreTemplate)
}

/// A prepared in-memory chain database that simulations copy for their nodes. It must not
/// be written once shared; copying it from several threads at once is safe.
public final class StoreTemplate: @unchecked Sendable, Equatable {
    public let store: MemoryStore
    /// The header records of the chain in `store`, so copies need not rebuild them.
    public let headers: HeaderSnapshot?

    /// A template of `store`; `headers`, when given, are the records of the chain state that
    /// wrote it (``HeaderCache/snapshot()``).
    public init(_ store: MemoryStore, headers: HeaderSnapshot? = nil) {
        self.store = store
        self.headers = headers
        store.compact()
    }

    public static func == (lhs: StoreTemplate, rhs: StoreTemplate) -> Bool { lhs === rhs }
}

/// Everything that defines a simulation run. The same configuration gives the same run.
public struct SimulationConfiguration: Sendable {
    /// The seed of every random draw (latencies, losses, block times, topology).
    public var seed: UInt64 = 1
    /// The chain's consensus rules.
    public var params: ChainParams = .regtest
    /// The Unix time (seconds) at simulation time zero: every node's clock is this plus the
    /// simulation clock.
    public var startTime: Int64 = 1_700_000_000
    public var nodes: [NodeConfiguration]
    public var topology: Topology = .fullMesh
    public var latency: LatencyModel = .constant(100 * SimulationTime.millisecond)
    /// Probability that a message is lost.
    public var loss: Double = 0
    /// Time a node spends on each message before its reply leaves, microseconds.
    public var processingDelay: Int64 = 0
    /// The peer protocol (block relay mode, trickle).
    public var peer = PeerOptions()
    /// A size, bytes, that `block` messages count as for bandwidth (SimBlock's modelled
    /// 535 kB blocks) while their real content stays small; `nil` uses real sizes.
    public var modelledBlockSize: Int?
    /// Send every message through the wire codec (encode at the sender, decode at the
    /// receiver). Slower; proves that everything exchanged is valid Bitcoin wire data.
    public var wireFidelity = false
    public var store: StoreKind = .memory
    public var miners: [MinerConfiguration] = []
    /// Mean time between blocks at the starting difficulty and hashpower, microseconds.
    public var targetBlockInterval: Int64 = 10 * SimulationTime.minute
    public var chainOptions = ChainOptions()
    public var mempoolOptions = MempoolOptions()
    /// A restarted node writes its mempool on the way down and reloads it on the way up
    /// (Core's `-persistmempool`, on by default): as Core's `mempool.dat`, to
    /// `<directory>/<node name>.mempool.dat` with LevelDB stores, kept beside the store in
    /// memory otherwise. Off, a restarted node starts with an empty mempool.
    public var persistMempool = true
    /// Threads to run the nodes on (at least 1). Results do not depend on it. More than one
    /// helps when the latency model has a positive floor (the nodes then run side by side in
    /// windows that long) and no miner reacts to other nodes' tips (no selfish or double-spend
    /// miners, no retargeting); otherwise events run one at a time as with one thread. At
    /// most one thread per processor is used.
    public var threads = 1

    public init(nodes: [NodeConfiguration]) {
        self.nodes = nodes
    }
}
