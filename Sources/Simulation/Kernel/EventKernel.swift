import Node

/// Identifies a scheduled event, for ``EventKernel/cancel(_:)``.
public struct EventID: Hashable, Sendable {
    public let sequence: UInt64

    @usableFromInline init(sequence: UInt64) { self.sequence = sequence }
}

/// A discrete-event kernel: virtual time, and a heap of events ordered by time, then by
/// the order they were scheduled in (events at the same time run first-in, first-out).
///
/// Time is an integer count of **microseconds** since the simulation began. The kernel owns
/// nothing global: every simulation has its own. Cancelling is lazy: a cancelled event stays
/// in the heap and is skipped when it comes up.
public final class EventKernel<Payload> {
    /// A heap entry stays small (24 bytes) whatever the payload: payloads wait in a slab and
    /// the heap moves only their slot numbers, with the caller's 32-bit tag beside them.
    @usableFromInline struct Entry {
        @usableFromInline let time: Int64
        @usableFromInline let sequence: UInt64
        @usableFromInline let slot: Int32
        @usableFromInline let tag: Int32

        @inlinable init(time: Int64, sequence: UInt64, slot: Int, tag: Int32) {
            self.time = time
            self.sequence = sequence
            self.slot = Int32(truncatingIfNeeded: slot)
            self.tag = tag
        }

        @inlinable func precedes(_ other: Entry) -> Bool {
            time != other.time ? time < other.time : sequence < other.sequence
        }
    }

    /// The payload slab: a slot is initialised exactly while a heap entry names it. Managed
    /// by hand because an array of optional payloads paid a generic destroy of the old `nil`
    /// on every store (the payload is a large enum the compiler does not inline).
    @usableFromInline var payloads: UnsafeMutablePointer<Payload>
    /// Each slot's hint (see ``schedule(at:key:tag:hint:_:)``), beside the slab.
    @usableFromInline var hints: UnsafeMutablePointer<UInt64>
    @usableFromInline var slotCapacity = 0
    @usableFromInline var slotsUsed = 0
    @usableFromInline var freeSlots: [Int] = []
    @usableFromInline var heap: [Entry] = []
    @usableFromInline var cancelled = Set<UInt64>()
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var clock: Int64 = 0
    @usableFromInline var runCount: UInt64 = 0

    /// The current virtual time, microseconds.
    @inlinable public var now: Int64 { clock }
    /// Events run so far.
    @inlinable public var eventsRun: UInt64 { runCount }

    public init() {
        payloads = UnsafeMutablePointer<Payload>.allocate(capacity: 0)
        hints = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    }

    deinit {
        for entry in heap { (payloads + Int(entry.slot)).deinitialize(count: 1) }
        payloads.deallocate()
        hints.deallocate()
    }

    /// Events waiting (cancelled ones included until they come up).
    @inlinable public var pendingCount: Int { heap.count }

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
        let entry = Entry(time: time, sequence: key, slot: slot, tag: tag)
        heap.append(entry)
        siftUp(heap.count - 1)
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
        dropCancelledTop()
        return heap.first?.time
    }

    /// The time and ordering key of the next event to run, or `nil` when none is left.
    @inlinable public var next: (time: Int64, key: UInt64)? {
        dropCancelledTop()
        return heap.first.map { ($0.time, $0.sequence) }
    }

    /// Runs time forward to the next event and returns it, or `nil` when none is left.
    @inlinable public func step() -> (time: Int64, payload: Payload)? {
        dropCancelledTop()
        guard let top = popTop() else { return nil }
        let payload = takePayload(top.slot)
        prefetchUpcoming()
        clock = top.time
        runCount += 1
        return (top.time, payload)
    }

    /// Asks the cache for the payloads and hints of the next two events (the top and the
    /// smaller of its children): they were written long ago and are rarely still cached. By
    /// the time they run, they are.
    @inlinable func prefetchUpcoming() {
        guard let next = heap.first else { return }
        CacheHint.prefetch(payloads + Int(next.slot))
        CacheHint.prefetch(hints + Int(next.slot))
        guard let position = secondPosition else { return }
        let slot = Int(heap[position].slot)
        CacheHint.prefetch(payloads + slot)
        CacheHint.prefetch(hints + slot)
    }

    /// The tag of the next event to run (see ``schedule(at:key:tag:hint:_:)``).
    @inlinable public var upcomingTag: Int32? { heap.first?.tag }

    /// The hint of the next event to run (see ``schedule(at:key:tag:hint:_:)``).
    @inlinable public var upcomingHint: UInt64? { heap.first.map { hints[Int($0.slot)] } }

    /// The tag of the event after the next one (the earlier of the top's children), unless
    /// an event scheduled in between comes first.
    @inlinable public var secondUpcomingTag: Int32? {
        guard let position = secondPosition else { return nil }
        return heap[position].tag
    }

    /// Where in the heap the second event to come is: the earlier of the top's children.
    @inlinable @inline(__always) var secondPosition: Int? {
        guard heap.count > 1 else { return nil }
        return heap.count > 2 && heap[2].precedes(heap[1]) ? 2 : 1
    }

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

    @inlinable func dropCancelledTop() {
        guard !cancelled.isEmpty else { return }
        while let top = heap.first, cancelled.remove(top.sequence) != nil {
            _ = popTop()
            _ = takePayload(top.slot)
        }
    }

    @inlinable func popTop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
        return top
    }

    // The sifts index a buffer without bounds checks: every index is below `count`.
    @inlinable func siftUp(_ index: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            var child = index
            let entry = heap[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard entry.precedes(heap[parent]) else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = entry
        }
    }

    @inlinable func siftDown(_ index: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            guard let base = heap.baseAddress else { return }
            var parent = index
            let count = heap.count
            let entry = base[parent]
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
                // The grandchildren (four adjacent entries) are asked for while the children
                // are compared: the lower levels of a large heap are out of cache.
                let grandchild = 2 * left + 1
                if grandchild < count {
                    CacheHint.prefetch(UnsafeRawPointer(base + grandchild))
                    CacheHint.prefetch(UnsafeRawPointer(base + grandchild) + CacheHint.lineSize)
                }
                let right = left + 1
                let child = right < count && base[right].precedes(base[left]) ? right : left
                guard base[child].precedes(entry) else { break }
                base[parent] = base[child]
                parent = child
            }
            base[parent] = entry
        }
    }
}
