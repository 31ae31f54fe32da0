import Dispatch
import Foundation
import Synchronization

/// Runs independent trials on several threads. Each trial's result depends only on its
/// index (its seed is derived from it), and results come back in index order, so the
/// outcome is the same whatever the number of jobs.
enum ParallelTrials {
    /// `body(i)` for i in 0..<count on `jobs` threads; `progress(done)` from time to time.
    static func run<Result: Sendable>(count: Int, jobs: Int, progress: (@Sendable (Int) -> Void)? = nil,
                                      _ body: @escaping @Sendable (Int) -> Result) -> [Result] {
        let state = Mutex<(next: Int, done: Int, results: [Result?])>((0, 0, [Result?](repeating: nil, count: count)))
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
            while true {
                let index = state.withLock { value -> Int? in
                    guard value.next < count else { return nil }
                    defer { value.next += 1 }
                    return value.next
                }
                guard let index else { return }
                let result = body(index)
                let done = state.withLock { value -> Int in
                    value.results[index] = result
                    value.done += 1
                    return value.done
                }
                if done % 64 == 0 || done == count { progress?(done) }
            }
        }
        return state.withLock { $0.results.compactMap { $0 } }
    }
}

/// A progress bar with an estimated time left, on standard error when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let label: String
    let start = Date()
    let enabled: Bool
    let lock = NSLock()

    init(total: Int, label: String) {
        self.total = total
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1
    }

    func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let fraction = Double(done) / Double(total)
        let elapsed = Date().timeIntervalSince(start)
        let left = fraction > 0 ? elapsed / fraction - elapsed : 0
        let filled = Int(fraction * 30)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        FileHandle.standardError.write(Data(String(format: "\r%@ %@ %3.0f%%  %d/%d  ETA %.0f s ", label, bar, fraction * 100, done, total, left).utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
