import Node

/// Identifies a scheduled event, for ``EventKernel/cancel(_:)``.
public struct EventID: Hashable, Sendable {
    public let sequence: UInt64

    @usableFromInline init(sequence: UInt64) { self.sequence = sequence }
}

/// A discrete-event kernel: virtual time, and a queue of events ordered by time, then by
/// the order they were scheduled in (events at the same time run first-in, first-out).
///
/// Time is an integer count of **microseconds** since the simulation began. The kernel owns
/// nothing global: every simulation has its own. Cancelling is lazy: a cancelled event stays
/// queued and is skipped when it comes up. The queue is an ``EventCalendar``.
public final class EventKernel<Payload> {
    /// The payload slab: a slot is initialised exactly while a queued entry names it.
    /// Managed by hand because an array of optional payloads paid a generic destroy of the
    /// old `nil` on every store (the payload is a large enum the compiler does not inline).
    @usableFromInline var payloads: UnsafeMutablePointer<Payload>
    /// Each slot's hint (see ``schedule(at:key:tag:hint:_:)``), beside the slab.
    @usableFromInline var hints: UnsafeMutablePointer<UInt64>
    @usableFromInline var slotCapacity = 0
    @usableFromInline var slotsUsed = 0
    @usableFromInline var freeSlots: [Int] = []
    @usableFromInline let calendar: EventCalendar
    @usableFromInline var cancelled = Set<UInt64>()
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var clock: Int64 = 0
    @usableFromInline var runCount: UInt64 = 0

    /// The current virtual time, microseconds.
    @inlinable public var now: Int64 { clock }
    /// Events run so far.
    @inlinable public var eventsRun: UInt64 { runCount }

    /// A kernel whose calendar buckets are `bucketWidth` microseconds wide, rounded down to
    /// a power of two between 1 µs and about a second. Any width gives the same order; the
    /// kernel is fastest when events schedule others at least two widths ahead (they then
    /// never land among the events already sorted), so a simulation passes half its
    /// shortest delay between nodes.
    public init(bucketWidth: Int64 = 1_024) {
        calendar = EventCalendar(bucketWidth: bucketWidth)
        payloads = UnsafeMutablePointer<Payload>.allocate(capacity: 0)
        hints = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    }

    deinit {
        calendar.forEach { (payloads + Int($0.slot)).deinitialize(count: 1) }
        payloads.deallocate()
        hints.deallocate()
    }

    /// The width of the calendar's buckets, microseconds.
    public var bucketWidth: Int64 { calendar.bucketWidth }

    /// Events waiting (cancelled ones included until they come up).
    @inlinable public var pendingCount: Int { calendar.count }

    /// About how many events are due before `time` (see
    /// ``EventCalendar/approximateCount(before:)``): a measure of the work ahead.
    @inlinable public func approximatePendingCount(before time: Int64) -> Int {
        calendar.approximateCount(before: time)
    }

    /// Schedules `payload` at absolute time `time` (not before now).
    @inlinable @discardableResult
    public func schedule(at time: Int64, _ payload: consuming Payload) -> EventID {
        let id = schedule(at: time, key: nextSequence, payload)
        nextSequence += 1
        return id
    }

    /// Schedules `payload` at `time`, ordered among events of the same time by `key`
    /// instead of by the order of scheduling. For callers that keep several kernels and need
    /// one order across them (keys must be unique across those kernels, and events
    /// scheduled with a key cannot be cancelled).
    ///
    /// `tag` and `hint` are the caller's to use: ``upcomingTag`` and ``upcomingHint`` read
    /// them for the next events without touching their payloads (a simulation tags each
    /// event with the node it is for and hints at the block a message names).
    @inlinable @discardableResult
    public func schedule(at time: Int64, key: UInt64, tag: Int32 = 0, hint: UInt64 = 0, _ payload: consuming Payload) -> EventID {
        precondition(time >= clock, "events cannot be scheduled in the past")
        let slot = freeSlots.popLast() ?? newSlot()
        (payloads + slot).initialize(to: payload)
        hints[slot] = hint
        calendar.insert(EventCalendar.Entry(time: time, sequence: key, slot: slot, tag: tag))
        return EventID(sequence: key)
    }

    /// Schedules `payload` after `delay` microseconds.
    @inlinable @discardableResult
    public func schedule(after delay: Int64, _ payload: Payload) -> EventID {
        schedule(at: now + max(0, delay), payload)
    }

    /// Cancels a scheduled event; it will not run. Cancelling an event that already ran
    /// does nothing.
    @inlinable public func cancel(_ id: EventID) {
        if id.sequence < nextSequence { cancelled.insert(id.sequence) }
    }

    /// The time of the next event to run, or `nil` when none is left.
    @inlinable public var nextTime: Int64? {
        settle()
        return calendar.next?.time
    }

    /// The time and ordering key of the next event to run, or `nil` when none is left.
    @inlinable public var next: (time: Int64, key: UInt64)? {
        settle()
        return calendar.next.map { ($0.time, $0.sequence) }
    }

    /// Runs time forward to the next event and returns it, or `nil` when none is left.
    @inlinable public func step() -> (time: Int64, payload: Payload)? {
        settle()
        guard let top = calendar.removeNext() else { return nil }
        let payload = takePayload(top.slot)
        prefetchUpcoming()
        clock = top.time
        runCount += 1
        return (top.time, payload)
    }

    /// Asks the cache for the payloads and hints of the next two events: they were written
    /// long ago and are rarely still cached. By the time they run, they are.
    @inlinable func prefetchUpcoming() {
        if let next = calendar.next {
            CacheHint.prefetch(payloads + Int(next.slot))
            CacheHint.prefetch(hints + Int(next.slot))
        }
        if let second = calendar.second {
            CacheHint.prefetch(payloads + Int(second.slot))
            CacheHint.prefetch(hints + Int(second.slot))
        }
    }

    /// The tag of the next event to run (see ``schedule(at:key:tag:hint:_:)``), when it is
    /// known without work: after ``next`` or ``nextTime``, and after most ``step``s (`nil`
    /// otherwise, and when none is left). A cancelled event's tag may show until ``next``
    /// drops it.
    @inlinable public var upcomingTag: Int32? { calendar.next?.tag }

    /// The hint of the next event to run (see ``schedule(at:key:tag:hint:_:)``), when known
    /// as ``upcomingTag`` is.
    @inlinable public var upcomingHint: UInt64? { calendar.next.map { hints[Int($0.slot)] } }

    /// The tag of the event after the next one, when known as ``upcomingTag`` is, unless an
    /// event scheduled in between comes first.
    @inlinable public var secondUpcomingTag: Int32? { calendar.second?.tag }

    @inlinable func takePayload(_ slot: Int32) -> Payload {
        freeSlots.append(Int(slot))
        return (payloads + Int(slot)).move()
    }

    /// A slot never used before, growing the slab (moving the payloads) when it is full.
    @usableFromInline func newSlot() -> Int {
        if slotsUsed == slotCapacity {
            let capacity = max(64, slotCapacity * 2)
            let grown = UnsafeMutablePointer<Payload>.allocate(capacity: capacity)
            // Only called with no free slot, so every used slot holds a payload.
            grown.moveInitialize(from: payloads, count: slotsUsed)
            payloads.deallocate()
            payloads = grown
            let grownHints = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
            grownHints.moveInitialize(from: hints, count: slotsUsed)
            hints.deallocate()
            hints = grownHints
            slotCapacity = capacity
        }
        precondition(slotsUsed < Int(Int32.max), "more than 2^31 events pending")
        slotsUsed += 1
        return slotsUsed - 1
    }

    /// Runs events with `handler` until the next one would be after `end` (or none is
    /// left), then sets the clock to `end`.
    @inlinable public func run(until end: Int64, _ handler: (Int64, Payload) -> Void) {
        while let next = nextTime, next <= end, let event = step() {
            handler(event.time, event.payload)
        }
        if end > clock { clock = end }
    }

    /// Moves the clock forward to `time` with no event (after the last event of a run).
    public func advance(to time: Int64) {
        precondition(time >= clock, "time does not go backwards")
        clock = time
    }

    /// Makes the calendar's next entry the next event to run, dropping cancelled events
    /// that come up.
    @inlinable func settle() {
        calendar.prepareNext()
        guard !cancelled.isEmpty else { return }
        while let top = calendar.next, cancelled.remove(top.sequence) != nil {
            _ = calendar.removeNext()
            _ = takePayload(top.slot)
            calendar.prepareNext()
        }
    }
}
