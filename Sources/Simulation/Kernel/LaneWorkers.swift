import Foundation
import Synchronization

/// Threads that share out the lanes of each window with the caller.
///
/// There are several lanes per thread and each thread takes the next lane not yet taken
/// until none is left, so a thread whose lanes had little to do in a window helps with the
/// rest instead of waiting at its end.
///
/// A window is a few hundred microseconds of work, too short to hand to a thread pool and
/// wait on a condition: the workers spin (yielding the CPU after a while) until the next
/// window starts, and exit when ``stop()`` is called. Create one per run, stop it when the
/// run ends.
final class LaneWorkers: @unchecked Sendable {
    /// Threads, the caller's included.
    private let count: Int
    /// Windows started; a worker runs one window each time this moves.
    private let started = Atomic<Int>(0)
    /// The next lane of the current window that no thread has taken.
    private let nextLane = Atomic<Int>(0)
    /// Lanes in the current window (written and read as `body` is).
    private var laneCount = 0
    /// Workers done with the current window.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)
    /// The current window's work, by lane. Written before `started` moves (a releasing
    /// store), read after it (an acquiring load).
    private var body: ((Int) -> Void)?

    /// Starts `threads - 1` threads (none for one).
    init(threads: Int) {
        count = threads
        for worker in 1..<max(1, threads) {
            let thread = Thread { [self] in work() }
            thread.name = "regsim worker \(worker)"
            thread.start()
        }
    }

    /// Runs `body` for lanes `0..<lanes`, each once, on the calling thread and the workers,
    /// and returns when all are done.
    func run(lanes: Int, _ body: @escaping (Int) -> Void) {
        self.body = body
        laneCount = lanes
        nextLane.store(0, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
        started.add(1, ordering: .releasing)
        runLanes(body)
        var spins = 0
        while finished.load(ordering: .acquiring) < count - 1 { LaneWorkers.pause(&spins) }
        self.body = nil
    }

    /// Takes lanes of the current window and runs them until none is left.
    private func runLanes(_ body: (Int) -> Void) {
        while true {
            let lane = nextLane.add(1, ordering: .relaxed).oldValue
            guard lane < laneCount else { return }
            body(lane)
        }
    }

    /// Ends the threads and waits for them.
    func stop() {
        stopping.store(true, ordering: .releasing)
        for _ in 1..<max(1, count) { exited.wait() }
    }

    private func work() {
        var seen = 0
        while true {
            var spins = 0
            while started.load(ordering: .acquiring) == seen {
                if stopping.load(ordering: .acquiring) {
                    exited.signal()
                    return
                }
                LaneWorkers.pause(&spins)
            }
            seen += 1
            if let body { runLanes(body) }
            finished.add(1, ordering: .releasing)
        }
    }

    /// Busy-waits briefly, then gives the CPU away on each check (another lane, or another
    /// process on a busy machine, may need the core this one spins on).
    private static func pause(_ spins: inout Int) {
        spins += 1
        if spins > 2_000 { sched_yield() }
    }
}
