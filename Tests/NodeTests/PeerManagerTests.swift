import BitcoinCrypto
import Consensus
import Node
import TestSupport
import Testing

/// Two or more peer managers wired together by an instant, ordered message queue.
final class PeerHarness {
    var managers: [PeerManager] = []
    var queue: [(from: PeerID, to: PeerID, message: NetworkMessage)] = []
    var delivered: [(from: PeerID, to: PeerID, command: String)] = []
    var events: [(node: PeerID, event: NodeEvent)] = []
    var disconnects: [(node: PeerID, peer: PeerID)] = []
    var now: Int64 = 1_600_000_000 * 1_000_000

    init(count: Int, relay: BlockRelayMode) throws {
        var random = DeterministicRandom(seed: 1)
        for index in 0..<count {
            var options = PeerOptions()
            options.blockRelay = relay
            options.trickle = false
            let node = try FullNode(name: "n\(index)", store: MemoryStore(), params: .regtest)
            managers.append(PeerManager(node: node, options: options, random: random.split("n\(index)")))
            _ = random.next()
        }
    }

    func apply(_ output: PeerOutput, at node: PeerID) {
        for event in output.events { events.append((node, event)) }
        for action in output.actions {
            switch action {
            case .send(let peer, let message): queue.append((node, peer, message))
            case .disconnect(let peer, _, _):
                disconnects.append((node, peer))
                managers[peer].disconnected(node)
            case .setTimer: break
            }
        }
    }

    func connect(_ a: PeerID, _ b: PeerID) {
        var output = PeerOutput()
        managers[b].connected(a, inbound: true, now: now, into: &output)
        apply(output, at: b)
        output.removeAll()
        managers[a].connected(b, inbound: false, now: now, into: &output)
        apply(output, at: a)
        run()
    }

    func run() {
        while !queue.isEmpty {
            let (from, to, message) = queue.removeFirst()
            delivered.append((from, to, message.command))
            var output = PeerOutput()
            managers[to].receive(message, from: from, now: now, into: &output)
            apply(output, at: to)
        }
    }

    func mine(on node: PeerID, relay: Bool = true) -> Block {
        now += 600_000_000
        let manager = managers[node]
        let block = manager.node.mineBlock(to: Script([0x51]), now: now / 1_000_000, tag: Array("n\(node)".utf8)).block
        var output = PeerOutput()
        manager.submitLocalBlock(block, relay: relay, now: now, into: &output)
        apply(output, at: node)
        return block
    }
}

@Suite struct PeerManagerTests {
    /// Each relay mode costs the messages it really costs, and the block arrives.
    @Test(arguments: [
        (BlockRelayMode.inv, ["inv", "getdata", "block"]),
        (.headers, ["headers", "getdata", "block"]),
        (.compact, ["cmpctblock"]),
        (.push, ["block"]),
    ])
    func relayModesCostTheirRoundTrips(mode: BlockRelayMode, expected: [String]) throws {
        let harness = try PeerHarness(count: 2, relay: mode)
        harness.connect(0, 1)
        harness.delivered.removeAll()
        let block = harness.mine(on: 0)
        harness.run()
        #expect(harness.delivered.map(\.command) == expected)
        #expect(harness.managers[1].node.chain.tip.hash == block.hash)
    }

    /// Announcements never go back to a peer that announced the block first, even when its
    /// `inv` arrived before we knew the header (Core's `hashLastUnknownBlock`): three nodes in
    /// a triangle relay a block with two `inv`s from the miner and one each way between the
    /// others.
    @Test func blocksAreNotAnnouncedBackToTheirSource() throws {
        let harness = try PeerHarness(count: 3, relay: .inv)
        harness.connect(0, 1)
        harness.connect(0, 2)
        harness.connect(1, 2)
        harness.delivered.removeAll()
        let block = harness.mine(on: 0)
        harness.run()
        let announcements = harness.delivered.filter { $0.command == "inv" }.map { [$0.from, $0.to] }
        #expect(announcements.sorted { $0.lexicographicallyPrecedes($1) } == [[0, 1], [0, 2], [1, 2], [2, 1]])
        #expect(harness.delivered.filter { $0.command == "block" }.count == 2)
        #expect(harness.managers.allSatisfy { $0.node.chain.tipHash == block.hash })
    }

    /// A message from a connection that has since closed is dropped, even after the same
    /// peer connects again; one over the open connection is handled.
    @Test func messagesOfAClosedConnectionAreDropped() throws {
        let harness = try PeerHarness(count: 2, relay: .push)
        let manager = harness.managers[1]
        var output = PeerOutput()
        manager.connected(0, inbound: true, connection: 7, now: harness.now, into: &output)
        #expect(manager.isConnected(0, connection: 7))
        #expect(!manager.isConnected(0, connection: 6))
        output.removeAll()
        #expect(!manager.receive(.ping(1), from: 0, connection: 6, now: harness.now, into: &output))
        #expect(output.actions.isEmpty)
        #expect(manager.receive(.ping(2), from: 0, connection: 7, now: harness.now, into: &output))
        guard case .send(0, .pong(2))? = output.actions.first else {
            Issue.record("expected a pong over the open connection")
            return
        }
        manager.disconnected(0)
        output.removeAll()
        #expect(!manager.receive(.ping(3), from: 0, connection: 7, now: harness.now, into: &output))
        #expect(!manager.receive(.ping(3), from: 5, connection: 0, now: harness.now, into: &output))
        #expect(output.actions.isEmpty)
    }

    /// A peer that is behind catches up by headers-first sync when it connects.
    @Test func newPeerSyncsByHeaders() throws {
        let harness = try PeerHarness(count: 2, relay: .headers)
        for _ in 0..<30 { _ = harness.mine(on: 0) }
        harness.connect(1, 0)
        #expect(harness.managers[1].node.chain.tip.hash == harness.managers[0].node.chain.tip.hash)
        #expect(harness.delivered.contains { $0.command == "getheaders" })
        #expect(harness.delivered.filter { $0.command == "block" }.count == 30)
    }

    /// A block with a broken rule is refused and its sender disconnected and banned.
    @Test func invalidBlockDisconnectsTheSender() throws {
        let harness = try PeerHarness(count: 2, relay: .push)
        harness.connect(0, 1)
        harness.now += 600_000_000
        let good = harness.managers[0].node.mineBlock(to: Script([0x51]), now: harness.now / 1_000_000).block
        // Overpay the coinbase: valid proof of work, invalid amounts.
        let bad = BlockBuilder.makeBlock(parent: good.header.previousBlockHash, height: 1, time: good.header.time, bits: good.header.bits,
                                         transactions: [], coinbaseScript: Script([0x51]), coinbaseValue: Amount(unchecked: 100 * 100_000_000)).block
        harness.queue.append((0, 1, .block(bad)))
        harness.run()
        #expect(harness.managers[1].node.chain.height == 0)
        #expect(harness.disconnects.contains { $0.node == 1 && $0.peer == 0 })
        #expect(harness.managers[1].isBanned(0, now: harness.now))
        #expect(harness.events.contains { if case .misbehaving(0, _) = $0.event { return true } else { return false } })
    }
}
