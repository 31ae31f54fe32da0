import Foundation

/// Timing helpers for benchmarks: each measurement runs several rounds and reports the
/// median, so one slow round (another process, a page fault) does not set the figure.
enum Measure {
    /// Seconds taken by `body`.
    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Processor time this process has used so far, user and system, on all its threads.
    /// Beside a wall time it tells slowed work (both grow) from waiting (only the wall time
    /// grows) on a machine whose speed drifts.
    static func processorSeconds() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        let who = RUSAGE_SELF.rawValue  // an enum case in Glibc's overlay, a plain constant elsewhere
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The median of `rounds` timings of `body`.
    static func median(rounds: Int = 5, _ body: () -> Void) -> Double {
        let timings = (0..<rounds).map { _ in seconds(body) }.sorted()
        return timings[timings.count / 2]
    }

    /// A human-readable rate.
    static func rate(_ perSecond: Double, _ unit: String) -> String {
        switch perSecond {
        case 1e6...: return String(format: "%.2f M %@/s", perSecond / 1e6, unit)
        case 1e3...: return String(format: "%.1f k %@/s", perSecond / 1e3, unit)
        default: return String(format: "%.1f %@/s", perSecond, unit)
        }
    }

    /// A human-readable duration per operation.
    static func duration(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-6: return String(format: "%.0f ns", seconds * 1e9)
        case ..<1e-3: return String(format: "%.2f µs", seconds * 1e6)
        case ..<1: return String(format: "%.2f ms", seconds * 1e3)
        default: return String(format: "%.2f s", seconds)
        }
    }

    /// Runs a shell command and returns its standard output (for peer figures such as
    /// `openssl speed`).
    static func shell(_ command: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
