import Consensus
import Node
import Simulation
import Testing

@Suite struct MisbehaviourTests {
    static let invalidSends: [(Misbehaviour, String)] = [
        (.inflatedCoinbase, "bad-cb-amount"), (.badProofOfWork, "high-hash"), (.corruptMessage, "checksum mismatch"),
    ]

    /// Whatever the relay mode, every peer of a node sending a rule-breaking block or message
    /// disconnects and bans it, no node takes the block, and the run's block figures ignore it.
    @Test(arguments: [BlockRelayMode.inv, .headers, .compact, .push], 0..<3)
    func rejectedAndBannedEverywhere(relay: BlockRelayMode, kind: Int) throws {
        let (misbehaviour, reason) = MisbehaviourTests.invalidSends[kind]
        var configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        configuration.peer.blockRelay = relay
        configuration.miners = [MinerConfiguration(name: "honest", node: 1, hashpower: 1)]
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        simulation.run(until: SimulationTime.hour)
        let before = simulation.metrics()
        let tips = (0..<5).map { simulation.node($0).chain.tipHash }
        let block = simulation.misbehave(0, sending: misbehaviour)
        simulation.run(for: 10 * SimulationTime.second)

        for index in 1..<5 {
            #expect(simulation.node(index).chain.tipHash == tips[index])
            #expect(!simulation.connectedPeers(index).contains(0))
        }
        #expect(simulation.nodesBanning(0) == [1, 2, 3, 4])
        #expect(simulation.connectedPeers(0).isEmpty)
        let reasons = log.events.compactMap { event -> String? in
            if case let .misbehaviour(_, _, 0, reason) = event { return reason } else { return nil }
        }
        #expect(reasons.count == 4 && reasons.allSatisfy { $0.contains(reason) })
        #expect(log.events.contains(.misbehaving(time: SimulationTime.hour, node: 0, kind: misbehaviour.kind.rawValue, hash: block.hash,
                                                 height: simulation.node(0).chain.height + 1, peers: 4)))
        let after = simulation.metrics()
        #expect(after.blocksFound == before.blocksFound && after.staleBlocks == before.staleBlocks)
        #expect(after.invalidBlocks == (misbehaviour == .corruptMessage ? 0 : 1))
        #expect(!simulation.foundBlocks().contains { $0.hash == block.hash })

        // The honest network carries on without the banned node.
        simulation.run(until: 3 * SimulationTime.hour)
        #expect(Set((1..<5).map { simulation.node($0).chain.tipHash }).count == 1)
        #expect(simulation.node(1).chain.height > simulation.node(0).chain.height)
    }

    /// A block re-spending a payment nobody has confirmed yet breaks no rule (a Finney attack):
    /// every node takes it and drops the payment. Once the payment is confirmed, the same
    /// block is invalid: every peer rejects it and bans its sender.
    @Test func respendingIsValidBeforeConfirmationAndRejectedAfter() throws {
        var configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        configuration.peer.blockRelay = .compact
        configuration.miners = [MinerConfiguration(name: "honest", node: 1, hashpower: 1)]
        configuration.targetBlockInterval = 100 * SimulationTime.day  // blocks only when the test mines them
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        let mallory = simulation.addWallet("mallory", on: 0)
        let shop = simulation.addWallet("shop", on: 4)
        try simulation.bootstrap(funding: [(mallory, 2)])
        simulation.run(for: SimulationTime.second)

        let coffee = try simulation.send(Amount(btc: 1)!, from: mallory, at: 0, to: shop.newAddress())
        simulation.run(for: 5 * SimulationTime.second)
        #expect((0..<5).allSatisfy { simulation.node($0).mempool.contains(coffee.txid) })
        let coffeeRespend = try mallory.createDoubleSpend(of: coffee, to: mallory.newAddress())
        simulation.watch(coffeeRespend.txid)
        let finney = simulation.misbehave(0, sending: .block(with: [coffeeRespend]))
        simulation.run(for: 5 * SimulationTime.second)
        for index in 0..<5 {
            #expect(simulation.node(index).chain.tipHash == finney.hash)
            #expect(!simulation.node(index).mempool.contains(coffee.txid))
            #expect(simulation.confirmations(of: coffeeRespend.txid, on: index) == 1)
        }
        #expect(simulation.nodesBanning(0).isEmpty && simulation.connectedPeers(0).count == 4)
        #expect(simulation.foundBlocks().contains { $0.hash == finney.hash && $0.miner == -1 })
        #expect(simulation.metrics().invalidBlocks == 0)

        let laptop = try simulation.send(Amount(btc: 20)!, from: mallory, at: 0, to: shop.newAddress())
        simulation.run(for: 5 * SimulationTime.second)
        simulation.mine(1, on: 1)
        simulation.run(for: 5 * SimulationTime.second)
        simulation.watch(laptop.txid)
        #expect((0..<5).allSatisfy { simulation.confirmations(of: laptop.txid, on: $0) == 1 })
        let laptopRespend = try mallory.createDoubleSpend(of: laptop, to: mallory.newAddress())
        let tips = (0..<5).map { simulation.node($0).chain.tipHash }
        let rejected = simulation.misbehave(0, sending: .block(with: [laptopRespend]))
        simulation.run(for: 5 * SimulationTime.second)
        for index in 1..<5 {
            #expect(simulation.node(index).chain.tipHash == tips[index])
            #expect(simulation.node(index).chain.info(for: rejected.hash)?.status.isInvalid == true)
        }
        let rejections = log.events.compactMap { event -> String? in
            if case let .blockRejected(_, _, hash, reason, 0) = event, hash == rejected.hash { return reason } else { return nil }
        }
        #expect(rejections == Array(repeating: "bad-txns-inputs-missingorspent", count: 4))
        // The sender's own chain refused it too (and it was sent all the same).
        #expect(simulation.node(0).chain.info(for: rejected.hash)?.status.isInvalid == true)
        #expect(simulation.node(0).chain.tipHash == tips[0])
        #expect(simulation.nodesBanning(0) == [1, 2, 3, 4])
        let metrics = simulation.metrics()
        #expect(metrics.invalidBlocks == 1 && metrics.staleBlocks == 0)
    }
}
