/// A miner: a hashpower and a strategy, on one node or (a pool) several.
public struct MinerConfiguration: Sendable, Equatable {
    public var name: String
    /// Indexes of the nodes it mines on; a pool's blocks come from each node in turn at random.
    public var nodes: [Int]
    /// Relative hashpower. The network's total at the start makes blocks arrive every
    /// ``SimulationConfiguration/targetBlockInterval`` on average; shares summing to 1 read
    /// as fractions of the network.
    public var hashpower: Double
    public var strategy: MiningStrategy

    public init(name: String, nodes: [Int], hashpower: Double, strategy: MiningStrategy = .honest) {
        self.name = name
        self.nodes = nodes
        self.hashpower = hashpower
        self.strategy = strategy
    }

    public init(name: String, node: Int, hashpower: Double, strategy: MiningStrategy = .honest) {
        self.init(name: name, nodes: [node], hashpower: hashpower, strategy: strategy)
    }
}
