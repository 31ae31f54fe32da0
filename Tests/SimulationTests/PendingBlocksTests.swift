@testable import Simulation
import Node
import Testing

/// The blocks on their way to a lane's nodes, which weigh the lanes' work in a window.
@Suite struct PendingBlocksTests {
    /// Inserting, delivering the earliest and counting agree with a sorted list.
    @Test func agreesWithASortedList() {
        var random = DeterministicRandom(seed: 7)
        var blocks = PendingBlocks()
        var expected: [Int64] = []
        for _ in 0..<5_000 {
            if random.nextUnit() < 0.55 {
                let time = Int64(random.next() % 1_000)
                blocks.insert(time)
                expected.append(time)
                expected.sort()
            } else {
                blocks.removeEarliest()
                if !expected.isEmpty { expected.removeFirst() }
            }
            let end = Int64(random.next() % 1_100)
            #expect(blocks.count == expected.count)
            #expect(blocks.count(before: end) == expected.filter { $0 < end }.count)
            if blocks.count != expected.count { return }
        }
    }

    /// Every block sent to a node in a parallel run is noted by the receiving lane, whichever
    /// lane sent it, and forgotten when delivered: between windows each lane's notes match the
    /// block deliveries in its kernel, and none are left once the network is quiet.
    @Test func lanesForgetDeliveredBlocks() throws {
        var configuration = SimulationConfiguration(nodes: NodeConfiguration.regional(count: 40))
        configuration.threads = 2
        configuration.topology = .bitcoin(outbound: 8, maxInbound: 125)
        configuration.latency = .regions
        configuration.peer.blockRelay = .inv
        configuration.modelledBlockSize = 535_000
        configuration.targetBlockInterval = SimulationTime.minute
        configuration.miners = (0..<4).map { MinerConfiguration(name: "m\($0)", node: $0 * 10, hashpower: 1) }
        let simulation = try Simulation(configuration: configuration)
        #expect(simulation.lanes.count > 1)
        var mostPending = 0
        var mismatches: [String] = []
        // Callbacks run between windows, when the lanes are still and their outboxes empty.
        for second in stride(from: 1, to: 1_200, by: 1) {
            simulation.schedule(at: Int64(second) * SimulationTime.second) { simulation in
                let soon = simulation.now + SimulationTime.second / 5
                for lane in simulation.lanes {
                    let queued = Self.blockArrivals(in: lane)
                    if lane.pendingBlocks.count != queued.count || lane.pendingBlocks.count(before: soon) != queued.filter({ $0 < soon }).count {
                        mismatches.append("second \(second), lane \(lane.index): \(lane.pendingBlocks.count) noted, \(queued.count) queued")
                    }
                }
                mostPending = max(mostPending, simulation.lanes.reduce(0) { $0 + $1.pendingBlocks.count })
            }
        }
        simulation.run(until: 20 * SimulationTime.minute)
        #expect(simulation.metrics().blocksFound > 5)
        #expect(mostPending > 0)
        #expect(mismatches.count == 0, "first: \(mismatches.prefix(5))")
        for miner in 0..<4 { simulation.setMinerIdle(miner) }
        simulation.run(until: simulation.now + 10 * SimulationTime.minute)
        #expect(simulation.lanes.allSatisfy { $0.pendingBlocks.count == 0 })
    }

    /// The arrival times of the block deliveries queued in `lane`'s kernel.
    static func blockArrivals(in lane: Lane) -> [Int64] {
        var times: [Int64] = []
        lane.kernel.calendar.forEach { entry in
            if case .deliver(_, _, _, .block) = (lane.kernel.payloads + Int(entry.slot)).pointee { times.append(entry.time) }
        }
        return times
    }
}
