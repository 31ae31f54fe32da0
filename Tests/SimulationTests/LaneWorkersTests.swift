@testable import Simulation
import Foundation
import Node
import Synchronization
import Testing

/// The threads that share a window's lanes run each lane exactly once per window, whatever
/// the order and however the lanes divide among the threads.
@Suite struct LaneWorkersTests {
    @Test(arguments: [(threads: 2, lanes: 8), (threads: 3, lanes: 12), (threads: 3, lanes: 2), (threads: 4, lanes: 64)])
    func everyLaneRunsOncePerWindow(threads: Int, lanes: Int) {
        let workers = LaneWorkers(threads: threads)
        defer { workers.stop() }
        let runs = Mutex([Int](repeating: 0, count: lanes))
        let ranOn = Mutex(Set<String>())
        var random = DeterministicRandom(seed: UInt64(threads * 100 + lanes))
        for window in 1...500 {
            var order = Array(0..<lanes)
            order.shuffle(using: &random)
            workers.run(order: order) { lane in
                runs.withLock { $0[lane] += 1 }
                ranOn.withLock { _ = $0.insert(Thread.current.name ?? "caller") }
            }
            let counts = runs.withLock { $0 }
            #expect(counts.allSatisfy { $0 == window }, "window \(window): \(counts)")
            if counts.contains(where: { $0 != window }) { return }
        }
        // The caller takes part (it runs its own lanes first).
        #expect(ranOn.withLock { $0.contains { $0 != "regsim worker 1" && $0 != "regsim worker 2" && $0 != "regsim worker 3" } })
    }
}
