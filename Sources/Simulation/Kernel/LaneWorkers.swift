import Foundation
import Synchronization

/// Threads that run lanes 1..<count of each window while the caller runs lane 0.
///
/// A window is a few hundred microseconds of work, too short to hand to a thread pool and
/// wait on a condition: the workers spin (yielding the CPU after a while) until the next
/// window starts, and exit when ``stop()`` is called. Create one per run, stop it when the
/// run ends.
final class LaneWorkers: @unchecked Sendable {
    private let count: Int
    /// Windows started; a worker runs one window each time this moves.
    private let started = Atomic<Int>(0)
    /// Workers done with the current window.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)
    /// The current window's work, by lane. Written before `started` moves (a releasing
    /// store), read after it (an acquiring load).
    private var body: ((Int) -> Void)?

    /// Starts `count - 1` threads (none for one lane).
    init(count: Int) {
        self.count = count
        for lane in 1..<max(1, count) {
            let thread = Thread { [self] in work(lane: lane) }
            thread.name = "regsim lane \(lane)"
            thread.start()
        }
    }

    /// Runs `body` for every lane, lane 0 on the calling thread, and returns when all are done.
    func run(_ body: @escaping (Int) -> Void) {
        self.body = body
        finished.store(0, ordering: .relaxed)
        started.add(1, ordering: .releasing)
        body(0)
        var spins = 0
        while finished.load(ordering: .acquiring) < count - 1 { LaneWorkers.pause(&spins) }
        self.body = nil
    }

    /// Ends the threads and waits for them.
    func stop() {
        stopping.store(true, ordering: .releasing)
        for _ in 1..<max(1, count) { exited.wait() }
    }

    private func work(lane: Int) {
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
            body?(lane)
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
