extension SimulationEvent {
    /// What an event reports, without its details: what an observer subscribes to (see
    /// ``Simulation/subscribe(to:_:)``), and the `"type"` of its JSON line.
    public enum Kind: Int, CaseIterable, Sendable {
        case blockFound, blockReceived, transactionReceived, tipChanged, reorg, confirmations, blockRejected,
             transactionRejected, misbehaviour, misbehaving, partition, heal, nodeOffline, nodeOnline, nodeRestarted,
             hashpowerChanged, blocksPublished, attack, storageFailure, note

        /// The name in the events file (`"type"` of ``SimulationEvent/jsonLine``).
        public var name: String {
            switch self {
            case .blockFound: "block-found"
            case .blockReceived: "block-received"
            case .transactionReceived: "tx-received"
            case .tipChanged: "tip-changed"
            case .reorg: "reorg"
            case .confirmations: "confirmations"
            case .blockRejected: "block-rejected"
            case .transactionRejected: "tx-rejected"
            case .misbehaviour: "misbehaviour"
            case .misbehaving: "misbehaving"
            case .partition: "partition"
            case .heal: "heal"
            case .nodeOffline: "node-offline"
            case .nodeOnline: "node-online"
            case .nodeRestarted: "node-restarted"
            case .hashpowerChanged: "hashpower"
            case .blocksPublished: "blocks-published"
            case .attack: "attack"
            case .storageFailure: "storage-failure"
            case .note: "note"
            }
        }

        /// The kind's bit in a ``Mask``.
        var bit: Mask { Mask(1) << Mask(rawValue) }

        /// A set of kinds as bits, checked for every event a node raises.
        typealias Mask = UInt32

        /// The mask of `kinds`.
        static func mask(_ kinds: some Sequence<Kind>) -> Mask { kinds.reduce(0) { $0 | $1.bit } }

        /// Every kind.
        static let all = mask(allCases)
    }

    /// What the event reports.
    public var kind: Kind {
        switch self {
        case .blockFound: .blockFound
        case .blockReceived: .blockReceived
        case .transactionReceived: .transactionReceived
        case .tipChanged: .tipChanged
        case .reorg: .reorg
        case .confirmations: .confirmations
        case .blockRejected: .blockRejected
        case .transactionRejected: .transactionRejected
        case .misbehaviour: .misbehaviour
        case .misbehaving: .misbehaving
        case .partition: .partition
        case .heal: .heal
        case .nodeOffline: .nodeOffline
        case .nodeOnline: .nodeOnline
        case .nodeRestarted: .nodeRestarted
        case .hashpowerChanged: .hashpowerChanged
        case .blocksPublished: .blocksPublished
        case .attack: .attack
        case .storageFailure: .storageFailure
        case .note: .note
        }
    }
}
