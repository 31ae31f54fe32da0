/// The arrival times of the blocks on their way to a lane's nodes.
///
/// Handling a block costs a node about seventeen times as much as handling an announcement
/// (validation and connection against a few hundred nanoseconds), so how many blocks a lane
/// has due in a window says more about the window's work than how many events it has: the
/// lanes are handed out busiest first by both (see ``Simulation/busiestFirst(before:)``).
///
/// Blocks arrive in the order of their times, so the one delivered is always the earliest
/// pending: a min-heap of times is all the bookkeeping needed.
struct PendingBlocks {
    /// A binary min-heap: each time is no later than its children's.
    private var times: [Int64] = []

    var count: Int { times.count }

    /// Notes a block due at `time`.
    mutating func insert(_ time: Int64) {
        times.append(time)
        var child = times.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard times[child] < times[parent] else { break }
            times.swapAt(child, parent)
            child = parent
        }
    }

    /// Forgets the earliest block (it is being delivered). Nothing happens when none is pending.
    mutating func removeEarliest() {
        guard let last = times.popLast() else { return }
        guard !times.isEmpty else { return }
        times[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < times.count else { break }
            let right = left + 1
            let child = right < times.count && times[right] < times[left] ? right : left
            guard times[child] < times[parent] else { break }
            times.swapAt(child, parent)
            parent = child
        }
    }

    /// How many blocks are due before `end` (visits only those and their children).
    func count(before end: Int64) -> Int { count(before: end, from: 0) }

    private func count(before end: Int64, from index: Int) -> Int {
        guard index < times.count, times[index] < end else { return 0 }
        return 1 + count(before: end, from: 2 * index + 1) + count(before: end, from: 2 * index + 2)
    }
}
