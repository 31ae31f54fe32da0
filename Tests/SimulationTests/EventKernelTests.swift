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

    /// Each event's tag and hint are read for the next event (and the tag for the one after,
    /// when known) without taking its payload, and match the event that then runs.
    @Test func tagsAndHintsNameTheUpcomingEvents() throws {
        let kernel = EventKernel<Int>()
        var state: UInt64 = 11
        for value in 0..<2_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            kernel.schedule(at: Int64(state >> 50), key: UInt64(value), tag: Int32(value), hint: UInt64(value) * 3 + 1, value)
        }
        var expectedNext: Int32?
        var seen = 0
        var secondsKnown = 0
        while kernel.nextTime != nil {
            let tag = try #require(kernel.upcomingTag)
            if let expectedNext { #expect(tag == expectedNext) }
            #expect(kernel.upcomingHint == UInt64(tag) * 3 + 1)
            expectedNext = kernel.secondUpcomingTag
            if expectedNext != nil { secondsKnown += 1 }
            #expect(kernel.step()?.payload == Int(tag))
            seen += 1
        }
        #expect(seen == 2_000)
        // Most events share a bucket with the next one here (2,000 events in 16 buckets).
        #expect(secondsKnown > 1_900)
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

    /// Payloads still waiting in a bucket of the ring when the kernel goes are released,
    /// those in the bucket's own segment and those past its capacity alike, and a crowded
    /// bucket's events come out in order.
    @Test func releasesPayloadsWaitingInCrowdedBuckets() {
        final class Token { let order: Int; init(_ order: Int) { self.order = order } }
        var waiting: [() -> Token?] = []
        do {
            let kernel = EventKernel<Token>(bucketWidth: 64)
            // 100 events in one bucket (more than a segment holds), then as many in a later one.
            for order in 0..<200 {
                let token = Token(order)
                weak let held = token
                waiting.append { held }
                kernel.schedule(at: Int64(order < 100 ? 640 + order % 50 : 6_400 + order % 50), token)
            }
            var orders: [Int] = []
            for _ in 0..<100 { orders.append(kernel.step()?.payload.order ?? -1) }
            let expected = (0..<100).sorted { ($0 % 50, $0) < ($1 % 50, $1) }
            #expect(orders == expected)
        }
        #expect(waiting.allSatisfy { $0() == nil })
    }

    /// Against a reference (every pending event in a list, the least by (time, order) run
    /// next): events scheduled while running at the current time, within a bucket, across
    /// buckets, beyond the calendar's horizon and after long idle gaps, with cancels, come
    /// out in exactly the reference's order.
    @Test func matchesASortedReferenceAcrossBucketsAndHorizon() {
        let kernel = EventKernel<Int>()
        var reference: [(time: Int64, order: Int, id: EventID?)] = []
        var state: UInt64 = 3
        func draw(_ bound: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % bound
        }
        var order = 0
        func schedule(after delay: Int64) {
            let id = kernel.schedule(at: kernel.now + delay, order)
            reference.append((kernel.now + delay, order, id))
            order += 1
        }
        let width = kernel.bucketWidth
        let delays: [() -> Int64] = [
            { 0 }, { Int64(draw(UInt64(width))) }, { Int64(draw(UInt64(width) * 40)) },
            { Int64(draw(10_000_000)) }, { 3_600_000_000 + Int64(draw(1_000)) },
        ]
        for _ in 0..<200 { schedule(after: delays[Int(draw(5))]()) }
        var ran = 0
        while let event = kernel.step() {
            let next = reference.indices.min { (reference[$0].time, reference[$0].order) < (reference[$1].time, reference[$1].order) }!
            #expect(event.payload == reference[next].order && event.time == reference[next].time)
            reference.remove(at: next)
            ran += 1
            if ran < 3_000 { for _ in 0..<Int(draw(4)) { schedule(after: delays[Int(draw(5))]()) } }
            if draw(10) == 0, !reference.isEmpty {
                let victim = Int(draw(UInt64(reference.count)))
                kernel.cancel(reference[victim].id!)
                reference.remove(at: victim)
            }
            #expect(kernel.pendingCount >= reference.count)
        }
        #expect(reference.isEmpty)
        #expect(ran > 3_000)
    }

    /// The estimate that orders lanes by their work counts every event due before the time
    /// asked, and none due two bucket widths or more after it.
    @Test func approximatePendingCountBoundsTheEventsDueBefore() {
        let kernel = EventKernel<Int>()
        let width = kernel.bucketWidth
        var times: [Int64] = []
        var state: UInt64 = 11
        func draw(_ bound: Int64) -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int64((state >> 33) % UInt64(bound))
        }
        for _ in 0..<2_000 {
            let time = draw(width * 300)
            kernel.schedule(at: time, 0)
            times.append(time)
        }
        times.sort()
        var checks = 0
        while let next = kernel.nextTime {
            for _ in 0..<3 {
                let end = next + 1 + draw(width * 8)
                let estimate = kernel.approximatePendingCount(before: end)
                #expect(estimate >= times.count { $0 < end })
                #expect(estimate <= times.count { $0 < end + 2 * width })
                checks += 1
            }
            _ = kernel.step()
            times.removeFirst()
        }
        #expect(checks == 6_000)
        #expect(kernel.approximatePendingCount(before: .max) == 0)
    }
}
