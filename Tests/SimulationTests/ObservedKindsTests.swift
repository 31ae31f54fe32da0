import Consensus
import Foundation
import Node
import Simulation
import Testing

/// Observers that subscribe to some kinds of event get those, in the order of the full
/// stream, and the metrics do not depend on what is observed.
@Suite struct ObservedKindsTests {
    /// Sixty nodes in SimBlock's regions with lossy links, payments and reorgs, watched for
    /// `kinds` (`nil`: all) on `threads` threads.
    static func run(threads: Int, kinds: Set<SimulationEvent.Kind>?) throws -> (lines: [String], metrics: String) {
        var configuration = SimulationHarness.regional(threads: threads)
        // Blocks close together, so that some race and nodes reorganise.
        configuration.targetBlockInterval = 10 * SimulationTime.second
        configuration.modelledBlockSize = 500_000
        let simulation = try Simulation(configuration: configuration)
        var lines: [String] = []
        if let kinds {
            simulation.subscribe(to: kinds) { lines.append($0.jsonLine) }
        } else {
            simulation.subscribe { lines.append($0.jsonLine) }
        }
        try SimulationHarness.schedulePayments(simulation, atMinutes: stride(from: 2, to: 20, by: 5))
        simulation.run(until: 20 * SimulationTime.minute)
        return (lines, simulation.metrics().json)
    }

    @Test(arguments: [1, 2])
    func observersGetTheirKindsInOrder(threads: Int) throws {
        let everything = try Self.run(threads: threads, kinds: nil)
        let watched: Set<SimulationEvent.Kind> = [.blockFound, .tipChanged, .reorg, .transactionReceived]
        let some = try Self.run(threads: threads, kinds: watched)
        let names = watched.map { "\"type\":\"\($0.name)\"" }
        #expect(some.lines == everything.lines.filter { line in names.contains { line.contains($0) } })
        #expect(some.lines.contains { $0.contains("\"type\":\"reorg\"") }, "no reorg in the run")
        #expect(some.metrics == everything.metrics)
        // Watching only blocks found leaves the nodes' events unkept, and the metrics the same
        // on any number of threads.
        let found = try Self.run(threads: threads, kinds: [.blockFound])
        #expect(found.lines.allSatisfy { $0.contains("\"type\":\"block-found\"") } && found.lines.count > 30)
        #expect(found.metrics == everything.metrics)
        #expect(found.metrics == (try Self.run(threads: 3, kinds: [.blockFound])).metrics)
    }

    /// Each kind names its event's JSON type, and no two kinds share a name.
    @Test func kindsNameTheirJSONTypes() {
        let hash = BlockHash(.zero)
        let txid = Txid(.zero)
        let events: [SimulationEvent] = [
            .blockFound(time: 1, miner: 0, node: 0, hash: hash, height: 1, transactions: 1, published: true),
            .blockReceived(time: 1, node: 0, hash: hash, from: nil),
            .transactionReceived(time: 1, node: 0, txid: txid, from: 1),
            .tipChanged(time: 1, node: 0, hash: hash, height: 1),
            .reorg(time: 1, node: 0, depth: 1, oldTip: hash, newTip: hash, reversed: []),
            .confirmations(time: 1, node: 0, txid: txid, count: 1),
            .blockRejected(time: 1, node: 0, hash: hash, reason: "r", from: nil),
            .transactionRejected(time: 1, node: 0, txid: txid, reason: "r", from: 1),
            .misbehaviour(time: 1, node: 0, peer: 1, reason: "r"),
            .misbehaving(time: 1, node: 0, kind: "k", hash: hash, height: 1, peers: 1),
            .partition(time: 1, groups: [[0], [1]]),
            .heal(time: 1),
            .nodeOffline(time: 1, node: 0),
            .nodeOnline(time: 1, node: 0),
            .nodeRestarted(time: 1, node: 0, height: 1, mempool: 0),
            .hashpowerChanged(time: 1, miner: 0, hashpower: 1),
            .blocksPublished(time: 1, miner: 0, count: 1, tip: hash),
            .attack(time: 1, miner: 0, phase: "started", detail: ""),
            .storageFailure(time: 1, node: 0, message: "m"),
            .note(time: 1, text: "t"),
        ]
        #expect(events.map(\.kind) == SimulationEvent.Kind.allCases)
        for event in events {
            #expect(event.jsonLine.hasPrefix("{\"t\":1,\"type\":\"\(event.kind.name)\""), "\(event.jsonLine)")
        }
        #expect(Set(SimulationEvent.Kind.allCases.map(\.name)).count == SimulationEvent.Kind.allCases.count)
    }
}
