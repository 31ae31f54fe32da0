import Consensus
import Node

/// One thread's share of a simulation's nodes: the kernel holding their messages and timers,
/// its own clock and buffers, so that lanes can run side by side within a window.
///
/// Events of every lane are ordered by (time, key), where the key names the node whose
/// handling scheduled the event and how many it had scheduled before (see
/// ``SimulatedNode/nextEventKey()``): an order that does not depend on how the nodes are
/// split into lanes, so a run gives the same results on one thread or several.
final class Lane {
    let index: Int
    let kernel: EventKernel<Simulation.Action>
    /// The time of the event being handled (or of the global event that reached into the lane).
    var now: Int64 = 0
    /// The peer logic's output for the message being handled.
    var output = PeerOutput()
    var messagesDelivered: UInt64 = 0
    var bytesDelivered: UInt64 = 0

    /// True while the lane runs a window beside other lanes: events for other lanes go to
    /// an outbox and simulation events to ``log``, both handed over after the window.
    var windowed = false
    /// Events for other lanes, by window parity and target lane: a lane collects what was
    /// sent to it in one window at the start of the next, while the senders fill the other
    /// parity's outboxes. The table never changes (each outbox is its own object), so
    /// one thread may empty an outbox while another fills a different one.
    let outboxes: [[Outbox]]
    /// The parity of the current window.
    var parity = 0
    /// The earliest time in this lane's outboxes of each parity (none: `.max`).
    var earliestOutgoing: [Int64] = [.max, .max]
    /// Simulation events of the window that observers want, and beside them the (time, key)
    /// of the kernel event that raised each, so lanes' logs merge into the order one thread
    /// would have produced (compared without copying the events). Read after the window,
    /// emptied when the next starts.
    var log: [SimulationEvent] = []
    var logOrder: [(time: Int64, key: UInt64)] = []
    /// The key of the event being handled.
    var currentKey: UInt64 = 0
    /// What the metrics need of the window's events, counted after the window whether or not
    /// an observer wants the events: the blocks nodes received, and the depths of reorgs
    /// (read and emptied as ``log`` is).
    var receptions: [(hash: BlockHash, time: Int64)] = []
    var reorgDepths: [Int] = []
    /// When the blocks on their way to this lane's nodes arrive (scheduled through
    /// ``schedule(_:at:key:forNode:hint:)``, forgotten by ``blockDelivered()``).
    private(set) var pendingBlocks = PendingBlocks()

    /// Events one lane sent another in one window.
    final class Outbox {
        var entries: [(time: Int64, key: UInt64, node: Int32, hint: UInt64, action: Simulation.Action)] = []
    }

    /// Lane `index` of `count`; `minimumDelay` is the shortest time between an event and one
    /// it schedules for another node (messages), which sets the kernel's calendar.
    init(index: Int, count: Int, minimumDelay: Int64) {
        self.index = index
        kernel = EventKernel(bucketWidth: minimumDelay / 2)
        outboxes = (0..<2).map { _ in (0..<count).map { _ in Outbox() } }
    }

    /// Puts `action` (an event for `node`, with its kernel hint) in the outbox for lane
    /// `target`, for it to collect after the window.
    func send(_ action: consuming Simulation.Action, at time: Int64, key: UInt64, forNode node: Int32, hint: UInt64, toLane target: Int) {
        // Moved in through an optional (a closure cannot consume what it captures); the
        // table holds the outbox, which need not be retained for every message.
        var entry = Optional((time, key, node, hint, consume action))
        outboxes[parity].unretained(at: target)._withUnsafeGuaranteedRef { outbox in
            if let entry = entry.take() { outbox.entries.append(entry) }
        }
        earliestOutgoing[parity] = min(earliestOutgoing[parity], time)
    }

    /// Notes what the metrics need of `event`, raised in a window.
    func noteForMetrics(_ event: SimulationEvent) {
        switch event {
        case let .blockReceived(time, _, hash, _): receptions.append((hash, time))
        case let .reorg(_, _, depth, _, _, _): reorgDepths.append(depth)
        default: break
        }
    }

    /// Schedules `action`, an event for `node` (one of this lane's), in the lane's kernel.
    func schedule(_ action: consuming Simulation.Action, at time: Int64, key: UInt64, forNode node: Int32, hint: UInt64) {
        if case .deliver(_, _, _, .block) = action { pendingBlocks.insert(time) }
        kernel.schedule(at: time, key: key, tag: node, hint: hint, consume action)
    }

    /// Notes that the earliest block due has reached its node.
    func blockDelivered() { pendingBlocks.removeEarliest() }

    /// About how much work the lane has before `end`, in events: its events, a block
    /// counting as ``blockWeight`` of them.
    func approximateWork(before end: Int64) -> Int {
        kernel.approximatePendingCount(before: end) + Lane.blockWeight * pendingBlocks.count(before: end)
    }

    /// The lane's work in the coming window as guessed at the end of the last one (the
    /// events and blocks due within a window's length of its end): an order for handing out
    /// the lanes, never a bound.
    var expectedWork = 0

    /// What a block adds to the work of handling an event, in events (measured on
    /// SimBlock's workload: 10.5 µs against 0.6 µs for an announcement).
    static let blockWeight = 16

    /// Schedules what the lanes sent this one in the window of `parity`, and empties those
    /// outboxes for their owners' next use (run while no lane writes that parity).
    func collect(from lanes: [Lane], parity: Int) {
        // The lanes and their outbox tables live as long as the simulation: none is retained.
        for position in lanes.indices {
            lanes.unretained(at: position)._withUnsafeGuaranteedRef { sender in
                guard sender !== self else { return }
                sender.outboxes[parity].unretained(at: index)._withUnsafeGuaranteedRef { outbox in
                    guard !outbox.entries.isEmpty else { return }
                    // Taken from the end, each entry moves into the kernel rather than being
                    // copied and then destroyed; the order of scheduling does not matter (keys
                    // are unique). (Bound on its own, the action can be moved; read from the
                    // tuple it was copied.)
                    while let (time, key, node, hint, action) = outbox.entries.popLast() {
                        schedule(action, at: time, key: key, forNode: node, hint: hint)
                    }
                }
            }
        }
    }

    /// Starts a window of `parity`: what was sent in the previous one (the other parity) is
    /// collected, and this parity's outboxes, collected during the previous window, fill anew.
    func startWindow(parity: Int, lanes: [Lane]) {
        // What the last window reported was read after it; emptied here, by the lane's own
        // thread, as the main thread reading other cores' buffers to empty them cost more.
        if !log.isEmpty { log.removeAll(keepingCapacity: true) }
        if !logOrder.isEmpty { logOrder.removeAll(keepingCapacity: true) }
        if !receptions.isEmpty { receptions.removeAll(keepingCapacity: true) }
        if !reorgDepths.isEmpty { reorgDepths.removeAll(keepingCapacity: true) }
        collect(from: lanes, parity: 1 - parity)
        self.parity = parity
        earliestOutgoing[parity] = .max
        windowed = true
    }
}
