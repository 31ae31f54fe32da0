import Consensus
import Foundation
import Node
import Simulation
import TestSupport
import Testing

@Suite struct SimulationTests {
    /// The same configuration and seed give a byte-identical event stream; another seed
    /// gives another.
    @Test func sameSeedSameEventsDifferentSeedDifferentEvents() throws {
        func run(seed: UInt64) throws -> [String] {
            var configuration = SimulationHarness.fiveMiners(latency: 2 * SimulationTime.second, seed: seed)
            configuration.latency = .logNormal(median: 2 * SimulationTime.second, sigma: 0.5)
            configuration.peer.blockRelay = .compact
            configuration.peer.trickle = true
            let simulation = try Simulation(configuration: configuration)
            let log = SimulationHarness.EventLog(simulation)
            let alice = simulation.addWallet("alice", on: 0)
            try simulation.bootstrap(funding: [(alice, 2)])
            simulation.schedule(at: 30 * SimulationTime.minute) { simulation in
                _ = try? simulation.send(Amount(btc: 1)!, from: alice, at: 0, to: alice.newAddress())
            }
            simulation.run(until: SimulationTime.day)
            return log.lines
        }
        let first = try run(seed: 7)
        let second = try run(seed: 7)
        let other = try run(seed: 8)
        #expect(first.count > 500)
        #expect(first == second)
        #expect(first != other)
        #expect(first.contains { $0.contains("\"type\":\"confirmations\"") })
    }

    /// A simulated year with 10 s latency: the small miner loses more of its blocks than the
    /// large one and gets less than its share; with 100 ms, stale blocks nearly vanish.
    @Test func latencyCentralisesMining() throws {
        let slow = try Simulation(configuration: SimulationHarness.fiveMiners(latency: 10 * SimulationTime.second))
        slow.run(until: 365 * SimulationTime.day)
        let metrics = slow.metrics()
        #expect(metrics.blocksFound > 50_000)
        let small = metrics.miners[0], large = metrics.miners[4]
        // Luck in finding blocks moves a miner's share by ±0.0013 in a year, more than the
        // effect (about −0.0005 for the 10% miner), so shares are compared with the share of
        // blocks each miner actually found: the small miner keeps less of what it finds.
        let minedShare = { (miner: SimulationMetrics.Miner) in Double(miner.blocksMined) / Double(metrics.blocksFound) }
        #expect(small.mainChainShare < minedShare(small))
        #expect(large.mainChainShare > minedShare(large))
        #expect(small.staleRate > large.staleRate * 1.3)
        #expect(metrics.staleRate > 0.01)
        let fast = try Simulation(configuration: SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond))
        fast.run(until: 60 * SimulationTime.day)
        #expect(fast.metrics().staleRate < 0.002)
        #expect(fast.metrics().staleRate < metrics.staleRate / 10)
    }

    /// Two halves of a network mine apart; when healed, every node ends on the branch with
    /// more work and the other half reports reorgs of its branch's depth.
    @Test func partitionThenHealConverges() throws {
        var configuration = SimulationHarness.fiveMiners(latency: 200 * SimulationTime.millisecond)
        configuration.topology = .ring
        configuration.peer.blockRelay = .headers
        configuration.miners = [
            MinerConfiguration(name: "west", node: 0, hashpower: 0.7),
            MinerConfiguration(name: "east", node: 3, hashpower: 0.3),
        ]
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        simulation.run(until: SimulationTime.hour)
        try simulation.partition([[0, 1, 2], [3, 4]])
        simulation.run(until: 13 * SimulationTime.hour)
        let west = simulation.node(0).chain.tip, east = simulation.node(3).chain.tip
        #expect(west.hash != east.hash)
        #expect(simulation.node(4).chain.tip.hash == east.hash)
        simulation.heal()
        simulation.run(until: 13 * SimulationTime.hour + 30 * SimulationTime.second)
        let winner = west.chainWork > east.chainWork ? west : east
        let loser = winner == west ? east : west
        let metrics = simulation.metrics()
        #expect(metrics.converged)
        for index in 0..<5 { #expect(simulation.node(index).chain.isAncestor(winner.hash, of: simulation.node(index).chain.tip.hash)) }
        // The losing side's nodes left their branch: a reorg as deep as that branch.
        let losingNodes = winner == west ? [3, 4] : [0, 1, 2]
        let reorgs = log.events.compactMap { event -> (node: Int, depth: Int, oldTip: BlockHash)? in
            if case let .reorg(_, node, depth, oldTip, _, _) = event { return (node, depth, oldTip) } else { return nil }
        }
        for node in losingNodes {
            let deep = try unwrap(reorgs.first { $0.node == node && $0.oldTip == loser.hash })
            let common = try unwrap(commonHeight(simulation, loser: loser.hash, winner: winner.hash))
            #expect(deep.depth == loser.height - common)
            #expect(deep.depth >= 3)
        }
    }

    /// The height of the last common block of two tips, walking back through the run's blocks.
    func commonHeight(_ simulation: Simulation, loser: BlockHash, winner: BlockHash) -> Int? {
        var ancestors = Set<BlockHash>()
        var walk = winner
        while let block = simulation.block(walk) {
            ancestors.insert(walk)
            walk = block.header.previousBlockHash
        }
        ancestors.insert(walk)
        walk = loser
        var height = simulation.node(0).chain.info(for: loser)?.height ?? 0
        while !ancestors.contains(walk), let block = simulation.block(walk) {
            walk = block.header.previousBlockHash
            height -= 1
        }
        return ancestors.contains(walk) ? height : nil
    }

    /// A node restarted mid-run reopens its LevelDB chain state and catches up.
    @Test func restartedNodeReopensLevelDBAndCatchesUp() throws {
        let directory = TemporaryDirectory()
        var configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        configuration.store = .leveldb(directory: directory.path)
        configuration.peer.blockRelay = .headers
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        simulation.run(until: 6 * SimulationTime.hour)
        simulation.setOffline(2)
        let heightAtStop = simulation.node(2).chain.height
        simulation.run(until: 12 * SimulationTime.hour)
        #expect(simulation.node(0).chain.height > heightAtStop + 5)
        try simulation.restart(2)
        #expect(simulation.node(2).chain.height == heightAtStop)  // reopened from disk
        simulation.run(until: 12 * SimulationTime.hour + 10 * SimulationTime.second)
        #expect(simulation.node(2).chain.tip.hash == simulation.node(0).chain.tip.hash)
        #expect(log.events.contains { if case .nodeRestarted(_, 2, heightAtStop, _) = $0 { return true } else { return false } })
        #expect(FileManager.default.fileExists(atPath: directory.path + "/n3/CURRENT"))
    }

    /// An observer may restart the very node whose event it is told of, in the middle of
    /// that node's handling (events reach observers at once on one thread): the replaced
    /// peer logic stays alive until the event ends, and the node catches up afterwards.
    @Test func observerRestartsTheReceivingNode() throws {
        let configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        let simulation = try Simulation(configuration: configuration)
        var restarts = 0
        simulation.subscribe(to: [.blockReceived]) { event in
            guard case let .blockReceived(_, node, _, _) = event, node == 2, restarts < 3 else { return }
            restarts += 1
            #expect(throws: Never.self) { try simulation.restart(2) }
        }
        simulation.run(until: 3 * SimulationTime.hour)
        #expect(restarts == 3)
        simulation.run(until: 3 * SimulationTime.hour + 10 * SimulationTime.second)
        #expect(simulation.node(2).chain.tip.hash == simulation.node(0).chain.tip.hash)
    }

    /// A restarted node writes its mempool as Core's `mempool.dat` and reloads it (beside its
    /// LevelDB database, or in memory), so an unconfirmed payment survives the restart with
    /// its entry time; without persistence it starts empty, and so it does — narrated, the
    /// restart otherwise done — when the file can be neither written nor read.
    @Test(arguments: ["leveldb", "memory", "off", "unwritable"])
    func restartedNodeKeepsItsMempool(mode: String) throws {
        let directory = TemporaryDirectory()
        var configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        if mode != "memory" { configuration.store = .leveldb(directory: directory.path) }
        configuration.persistMempool = mode != "off"
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        let alice = simulation.addWallet("alice", on: 0)
        try simulation.bootstrap(funding: [(alice, 2)])
        simulation.run(for: SimulationTime.second)  // the handshakes
        let payment = try simulation.send(Amount(btc: 1)!, from: alice, at: 0, to: alice.newAddress())
        simulation.run(for: 2 * SimulationTime.second)
        try #require(simulation.node(2).mempool.contains(payment.txid))
        let entryTime = simulation.node(2).mempool.entries[payment.txid]?.time
        let file = directory.path + "/n3.mempool.dat"
        // A directory where the file should be: neither written nor read.
        if mode == "unwritable" { try FileManager.default.createDirectory(atPath: file, withIntermediateDirectories: true) }
        try simulation.restart(2)
        let reloaded = log.events.compactMap { event -> Int? in
            if case let .nodeRestarted(_, 2, _, mempool) = event { return mempool } else { return nil }
        }
        let notes = log.events.compactMap { event -> String? in
            if case let .note(_, text) = event { return text } else { return nil }
        }
        let kept = mode == "leveldb" || mode == "memory"
        #expect(simulation.node(2).mempool.contains(payment.txid) == kept)
        #expect(reloaded == [kept ? 1 : 0])
        if kept { #expect(simulation.node(2).mempool.entries[payment.txid]?.time == entryTime) }
        #expect(FileManager.default.fileExists(atPath: file) == (mode == "leveldb" || mode == "unwritable"))
        #expect(notes.count == (mode == "unwritable" ? 2 : 0))
        // Named by the file, not the run directory: event streams must not depend on it.
        #expect(notes.allSatisfy { $0.hasPrefix("n3: could not") && $0.contains(" n3.mempool.dat ") && !$0.contains(directory.path) })
        // The node is back on the network either way.
        simulation.run(for: 2 * SimulationTime.second)
        #expect(simulation.connectedPeers(2).count == 4)
    }

    /// A selfish miner with 40% earns more than 40% of the main chain (Eyal–Sirer).
    @Test func selfishMinerEarnsMoreThanItsShare() throws {
        var configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        configuration.miners = [MinerConfiguration(name: "selfish", node: 0, hashpower: 0.4, strategy: .selfish(gamma: nil))]
            + (1..<5).map { MinerConfiguration(name: "h\($0)", node: $0, hashpower: 0.15) }
        let simulation = try Simulation(configuration: configuration)
        simulation.run(until: 60 * SimulationTime.day)
        let metrics = simulation.metrics()
        #expect(metrics.mainChainBlocks > 4_000)
        #expect(metrics.miners[0].mainChainShare > 0.45)
        #expect(metrics.converged || metrics.distinctTips <= 2)
    }

    /// A peer that sends an invalid block is disconnected by every honest node it reaches,
    /// and no one accepts the block.
    @Test func invalidBlockIsRejectedEverywhereAndItsSenderDisconnected() throws {
        var configuration = SimulationHarness.fiveMiners(latency: 100 * SimulationTime.millisecond)
        configuration.miners = [MinerConfiguration(name: "honest", node: 1, hashpower: 1)]
        configuration.wireFidelity = true
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        simulation.run(until: SimulationTime.hour)
        // Node 0 turns bad: a block whose coinbase claims 100 BTC, with valid proof of work.
        let chain = simulation.node(0).chain
        let bad = BlockBuilder.makeBlock(parent: chain.tip.hash, height: chain.height + 1, time: UInt32(chain.tip.header.time + 1),
                                         bits: chain.tip.header.bits, transactions: [], coinbaseScript: Script([0x51]),
                                         coinbaseValue: Amount(unchecked: 100 * 100_000_000)).block
        for peer in simulation.connectedPeers(0) { simulation.injectMessage(.block(bad), from: 0, to: peer) }
        simulation.run(until: SimulationTime.hour + 10 * SimulationTime.second)
        for index in 1..<5 {
            #expect(simulation.node(index).chain.info(for: bad.hash)?.status.isInvalid ?? true)
            #expect(!simulation.connectedPeers(index).contains(0))
        }
        #expect(simulation.connectedPeers(0).isEmpty)
        let misbehaviours = log.events.filter { if case .misbehaviour(_, _, 0, _) = $0 { return true } else { return false } }
        #expect(misbehaviours.count == 4)
        // Garbage bytes on the wire also get a peer dropped.
        simulation.heal()
        simulation.injectBytes([0xfa, 0xbf, 0xb5, 0xda] + [UInt8](repeating: 0x41, count: 30), from: 2, to: 3)
        simulation.run(until: SimulationTime.hour + 20 * SimulationTime.second)
        #expect(!simulation.connectedPeers(3).contains(2))
        // The honest network carries on.
        simulation.run(until: 3 * SimulationTime.hour)
        #expect(simulation.node(1).chain.tip.hash == simulation.node(4).chain.tip.hash)
    }

    /// A majority attacker reverses a payment the merchant saw confirmed.
    @Test func majorityDoubleSpendReversesAConfirmedPayment() throws {
        var configuration = SimulationHarness.fiveMiners(latency: 500 * SimulationTime.millisecond)
        let attack = DoubleSpendAttack(merchantNode: 4, amount: Amount(btc: 10)!, confirmations: 2, premine: 1, giveUpDeficit: 20,
                                       start: SimulationTime.hour, wallet: "mallory")
        configuration.miners = [
            MinerConfiguration(name: "attacker", node: 0, hashpower: 0.6, strategy: .doubleSpend(attack)),
            MinerConfiguration(name: "honest", node: 2, hashpower: 0.4),
        ]
        let simulation = try Simulation(configuration: configuration)
        let log = SimulationHarness.EventLog(simulation)
        let mallory = simulation.addWallet("mallory", on: 0)
        try simulation.bootstrap(funding: [(mallory, 1)])
        simulation.run(until: 2 * SimulationTime.day)
        let phases = log.events.compactMap { event -> String? in
            if case let .attack(_, 0, phase, _) = event { return phase } else { return nil }
        }
        #expect(phases == ["started", "payment-broadcast", "released", "succeeded"])
        #expect(simulation.attackPhase(ofMiner: 0) == "succeeded")
        #expect(log.events.contains { if case let .reorg(_, 4, _, _, _, reversed) = $0 { return !reversed.isEmpty } else { return false } })
        #expect(log.events.contains { if case let .confirmations(_, 4, _, count) = $0 { return count >= 2 } else { return false } })
    }
}
