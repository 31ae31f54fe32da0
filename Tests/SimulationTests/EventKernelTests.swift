import Simulation
import Testing

@Suite struct EventKernelTests {
    /// Events run by time, then first-scheduled first; cancelled ones never run.
    @Test func ordersByTimeThenSequenceAndCancelsLazily() {
        let kernel = EventKernel<String>()
        kernel.schedule(at: 20, "c")
        kernel.schedule(at: 10, "a")
        let cancelled = kernel.schedule(at: 15, "x")
        kernel.schedule(at: 10, "b")
        kernel.schedule(at: 30, "d")
        kernel.cancel(cancelled)
        var seen = [String]()
        kernel.run(until: 25) { _, payload in seen.append(payload) }
        #expect(seen == ["a", "b", "c"])
        #expect(kernel.now == 25)
        #expect(kernel.step()?.payload == "d")
        #expect(kernel.step() == nil)
        #expect(kernel.eventsRun == 4)
    }

    /// Events scheduled while running, at the current time, run after those already queued.
    @Test func eventsScheduledDuringARunKeepFIFOOrder() {
        let kernel = EventKernel<Int>()
        kernel.schedule(at: 5, 1)
        kernel.schedule(at: 5, 2)
        var seen = [Int]()
        kernel.run(until: 100) { _, value in
            seen.append(value)
            if value == 1 { kernel.schedule(after: 0, 3) }
        }
        #expect(seen == [1, 2, 3])
    }

    /// Each event's tag and hint are read for the next event (and the tag for the one after)
    /// without taking its payload, and match the event that then runs.
    @Test func tagsAndHintsNameTheUpcomingEvents() {
        let kernel = EventKernel<Int>()
        var state: UInt64 = 11
        for value in 0..<2_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            kernel.schedule(at: Int64(state >> 50), key: UInt64(value), tag: Int32(value), hint: UInt64(value) * 3 + 1, value)
        }
        var expectedNext: Int32?
        while let tag = kernel.upcomingTag {
            if let expectedNext { #expect(tag == expectedNext) }
            #expect(kernel.upcomingHint == UInt64(tag) * 3 + 1)
            expectedNext = kernel.secondUpcomingTag
            #expect(kernel.step()?.payload == Int(tag))
        }
        #expect(expectedNext == nil)
        #expect(kernel.upcomingHint == nil)
    }

    /// A large random schedule comes out sorted.
    @Test func manyEventsComeOutSorted() {
        let kernel = EventKernel<Int64>()
        var state: UInt64 = 7
        for _ in 0..<10_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let time = Int64(state >> 40)
            kernel.schedule(at: time, time)
        }
        var last = Int64.min
        var sorted = true
        while let event = kernel.step() {
            if event.payload < last { sorted = false }
            last = event.payload
        }
        #expect(sorted)
    }

    /// Payloads are released when they run, and those still pending when the kernel goes.
    @Test func releasesPayloadsRunAndPending() {
        final class Token {}
        weak var ran: Token?
        weak var pending: Token?
        do {
            let kernel = EventKernel<Token>()
            let first = Token()
            let second = Token()
            ran = first
            pending = second
            kernel.schedule(at: 1, first)
            kernel.schedule(at: 2, second)
            // Enough others to move the slab while both are held.
            for time in 3..<300 { kernel.schedule(at: Int64(time), Token()) }
            #expect(kernel.step()?.payload === first)
        }
        #expect(ran == nil)
        #expect(pending == nil)
    }
}
