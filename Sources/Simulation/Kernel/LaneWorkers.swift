import Foundation
import Synchronization

/// Threads that share out the lanes of each window with the caller.
///
/// There are several lanes per thread. Each thread first takes the lanes it ran before
/// (lane `l` belongs to thread `l % threads`), so a lane's calendar, payloads and nodes stay
/// in one core's cache from window to window; when its own are taken it takes any lane
/// not yet taken, so a thread whose lanes had little to do in a window helps with the
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
    /// The lanes of the current window taken so far, a bit each.
    private let taken = Atomic<UInt64>(0)
    /// The current window's lanes in the order to take them (written and read as `body` is).
    private var order: [Int] = []
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
            let thread = Thread { [self] in work(thread: worker) }
            thread.name = "regsim worker \(worker)"
            thread.start()
        }
    }

    /// The most lanes a window may have.
    static let maximumLanes = UInt64.bitWidth

    /// Runs `body` for each lane in `order` (a permutation of `0..<order.count`, at most
    /// ``maximumLanes``), once each, on the calling thread and the workers, and returns when
    /// all are done. Each thread takes its own lanes in that order, then the rest in that order.
    func run(order: [Int], _ body: @escaping (Int) -> Void) {
        precondition(order.count <= LaneWorkers.maximumLanes, "at most \(LaneWorkers.maximumLanes) lanes")
        self.body = body
        self.order = order
        taken.store(0, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
        started.add(1, ordering: .releasing)
        runLanes(thread: 0, body)
        var spins = 0
        while finished.load(ordering: .acquiring) < count - 1 { LaneWorkers.pause(&spins) }
        self.body = nil
    }

    /// Takes lanes of the current window and runs them until none is left: thread
    /// `thread`'s own first, then any.
    private func runLanes(thread: Int, _ body: (Int) -> Void) {
        for lane in order where lane % count == thread && take(lane) { body(lane) }
        for lane in order where take(lane) { body(lane) }
    }

    /// True when this call took `lane` (no thread had).
    private func take(_ lane: Int) -> Bool {
        let bit = UInt64(1) << UInt64(lane)
        return taken.load(ordering: .relaxed) & bit == 0 && taken.bitwiseOr(bit, ordering: .relaxed).oldValue & bit == 0
    }

    /// Ends the threads and waits for them.
    func stop() {
        stopping.store(true, ordering: .releasing)
        for _ in 1..<max(1, count) { exited.wait() }
    }

    private func work(thread: Int) {
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
            if let body { runLanes(thread: thread, body) }
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
