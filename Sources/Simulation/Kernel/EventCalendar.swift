/// The queue of an ``EventKernel``: entries ordered by (time, sequence), as a calendar of
/// buckets.
///
/// Each bucket covers ``bucketWidth`` microseconds; the ring holds the 1,024 buckets from
/// the cursor on, a heap the entries beyond them. A bucket's first entries go in a segment
/// of its own in one block of memory, their number in a small table beside the others':
/// queuing an event reads only that table, which stays in cache, where a bucket that was an
/// array of its own began with a cache miss on the array's header. Entries wait unsorted in
/// their bucket; when it comes up they are sorted once into the *front*, where the next
/// entry is the last, the one after it the last but one. A network's messages are scheduled
/// milliseconds to seconds ahead, so a schedule is an append and a step a removal from the
/// end, instead of a heap's sift through a dozen levels on each; and the entries after the
/// next are known without searching.
///
/// Not generic (the kernel's payloads wait elsewhere), so that its code is specialised once,
/// and a class, so that its arrays are used in place rather than read out of a struct the
/// kernel holds.
@usableFromInline final class EventCalendar {
    /// A queued event: 24 bytes, whatever the payload (held in the kernel's slab at `slot`).
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

    /// Buckets in the ring (a power of two).
    @usableFromInline static var bucketCount: Int { 1_024 }
    /// Entries a bucket keeps in its segment; more wait in its spill array.
    @usableFromInline static var segmentCapacity: Int { 32 }
    /// The largest spill buffer, in entries, a bucket keeps for reuse once emptied: buffers
    /// kept whatever their size would each grow to the largest bucket's.
    @usableFromInline static var keptSpillCapacity: Int { 64 }

    /// log2 of a bucket's width in microseconds.
    @usableFromInline let bucketShift: Int64
    /// The entries of the buckets before ``cursor``, sorted so that the next entry is last.
    @usableFromInline var front: [Entry] = []
    /// The absolute number of the first bucket not yet taken into ``front``: `front` holds
    /// the entries before `cursor << bucketShift`, the ring the next ``bucketCount``
    /// buckets' (bucket `b` at index `b & (bucketCount - 1)`), ``overflow`` the rest.
    @usableFromInline var cursor: Int64 = 0
    /// The ring's segments, ``segmentCapacity`` entries per bucket (ring index `i`'s from
    /// `i * segmentCapacity`), allocated with the first entry the ring holds (the kernels
    /// of small simulations may never need it) and touched only where entries are written.
    @usableFromInline var segments: UnsafeMutablePointer<Entry>?
    /// Entries in each bucket of the ring, its segment's and its spill's.
    @usableFromInline var bucketCounts: UnsafeMutablePointer<Int32>?
    /// Each bucket's entries beyond its segment's capacity.
    @usableFromInline var spills: [[Entry]] = []
    /// One bit per bucket of the ring, set while it holds entries: the next one is found a
    /// word at a time, however sparse the calendar.
    @usableFromInline var occupied: [UInt64] = []
    /// Entries waiting in ``buckets``.
    @usableFromInline var bucketed = 0
    /// Entries beyond the ring, as a binary heap by (time, sequence).
    @usableFromInline var overflow: [Entry] = []

    /// A calendar of buckets `bucketWidth` microseconds wide, rounded down to a power of two
    /// between 1 µs and about a second.
    @usableFromInline init(bucketWidth: Int64) {
        bucketShift = Int64(Int64.bitWidth - 1 - min(max(bucketWidth, 1), 1 << 20).leadingZeroBitCount)
    }

    deinit {
        segments?.deallocate()
        bucketCounts?.deallocate()
    }

    /// The width of a bucket, microseconds.
    @usableFromInline var bucketWidth: Int64 { 1 << bucketShift }

    /// Entries queued.
    @inlinable var count: Int { front.count + bucketed + overflow.count }

    /// The next entry, once ``prepareNext()`` has run since the last removal (`nil` then
    /// only when the calendar is empty).
    @inlinable var next: Entry? { front.last }

    /// The entry after the next, when it is in the front.
    @inlinable var second: Entry? { front.count > 1 ? front[front.count - 2] : nil }

    /// Makes ``next`` the next entry: refills an empty front.
    @inlinable func prepareNext() {
        if front.isEmpty { refillFront() }
    }

    /// Removes the next entry (``prepareNext()`` first), then keeps the one after it in the
    /// front when it is in the cursor's bucket.
    @inlinable func removeNext() -> Entry? {
        guard let next = front.popLast() else { return nil }
        topUp()
        return next
    }

    /// Queues `entry`: in the front (in order) when its bucket was taken already, in its
    /// bucket within the ring, else in the overflow heap.
    @inlinable func insert(_ entry: Entry) {
        let bucket = entry.time >> bucketShift
        if bucket < cursor {
            insertInFront(entry)
        } else if bucket < cursor + Int64(Self.bucketCount) {
            addToBucket(entry, bucket: bucket)
        } else {
            overflow.append(entry)
            siftUp(overflow.count - 1)
        }
    }

    /// About how many entries come before `time`: the front's and those of the ring's
    /// buckets that start before it (a bucket is counted whole). For a `time` after the next
    /// entry's, every entry due before it is counted, and none due two bucket widths or more
    /// after it. Cheap enough to ask at every window of a parallel run.
    @usableFromInline func approximateCount(before time: Int64) -> Int {
        var count = front.count
        guard bucketed > 0, let bucketCounts else { return count }
        let last = min((time - 1) >> bucketShift, cursor + Int64(Self.bucketCount) - 1)
        var bucket = cursor
        while bucket <= last {
            count += Int(bucketCounts[Int(bucket) & (Self.bucketCount - 1)])
            bucket += 1
        }
        return count
    }

    /// Calls `body` with every entry queued, in no order.
    @usableFromInline func forEach(_ body: (Entry) -> Void) {
        front.forEach(body)
        for (word, bits) in occupied.enumerated() {
            var bits = bits
            while bits != 0 {
                let index = word << 6 | bits.trailingZeroBitCount
                segment(index).forEach(body)
                spills[index].forEach(body)
                bits &= bits - 1
            }
        }
        overflow.forEach(body)
    }

    /// Inserts into the sorted front, which is short (about a bucket's entries) and in cache.
    @usableFromInline func insertInFront(_ entry: Entry) {
        var low = 0
        var high = front.count
        // The front is in descending order: find the first position whose entry precedes `entry`.
        while low < high {
            let middle = (low + high) / 2
            if front[middle].precedes(entry) { high = middle } else { low = middle + 1 }
        }
        front.insert(entry, at: low)
    }

    @inlinable func addToBucket(_ entry: Entry, bucket: Int64) {
        let (segments, bucketCounts) = ring()
        let index = Int(bucket) & (Self.bucketCount - 1)
        let count = Int(bucketCounts[index])
        if count < Self.segmentCapacity {
            (segments + index * Self.segmentCapacity + count).initialize(to: entry)
        } else {
            spills[index].append(entry)
        }
        bucketCounts[index] = Int32(count + 1)
        occupied[index >> 6] |= 1 << UInt64(index & 63)
        bucketed += 1
    }

    /// The ring's segments and counts, allocated on first use.
    @inlinable func ring() -> (segments: UnsafeMutablePointer<Entry>, counts: UnsafeMutablePointer<Int32>) {
        if let segments, let bucketCounts { return (segments, bucketCounts) }
        let segments = UnsafeMutablePointer<Entry>.allocate(capacity: Self.bucketCount * Self.segmentCapacity)
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: Self.bucketCount)
        counts.initialize(repeating: 0, count: Self.bucketCount)
        self.segments = segments
        bucketCounts = counts
        spills = Array(repeating: [], count: Self.bucketCount)
        occupied = Array(repeating: 0, count: Self.bucketCount / 64)
        return (segments, counts)
    }

    /// The entries in ring index `index`'s segment.
    @usableFromInline func segment(_ index: Int) -> UnsafeBufferPointer<Entry> {
        guard let segments, let bucketCounts else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: segments + index * Self.segmentCapacity,
                                   count: min(Int(bucketCounts[index]), Self.segmentCapacity))
    }

    /// Takes the next non-empty bucket into the empty front, moving the ring forward (and
    /// the overflow's entries that come within it).
    @usableFromInline func refillFront() {
        if bucketed == 0 {
            guard let first = overflow.first else { return }
            cursor = max(cursor, first.time >> bucketShift)
            pullOverflow()
        }
        // Every entry of the ring is in a bucket at or after the cursor, and the overflow has
        // none before the ring's end: jumping to the first occupied bucket passes no entry.
        let index = nextOccupied(from: Int(cursor) & (Self.bucketCount - 1))
        cursor += Int64((index - Int(cursor)) & (Self.bucketCount - 1))
        takeCursorBucket()
    }

    /// Keeps the next two entries in the front, for callers that look ahead, by taking the
    /// cursor's bucket in when the front runs short — only that bucket: entries inserted
    /// from now on at least two bucket widths ahead of the last one removed then still fall
    /// after the front.
    @inlinable func topUp() {
        guard front.count < 2, bucketed > 0 else { return }
        let index = Int(cursor) & (Self.bucketCount - 1)
        guard occupied[index >> 6] & (1 << UInt64(index & 63)) != 0 else { return }
        takeCursorBucket()
    }

    /// Moves the cursor's bucket into the front, behind the entry the front may still hold
    /// (which precedes them all), and advances the cursor.
    @usableFromInline func takeCursorBucket() {
        let index = Int(cursor) & (Self.bucketCount - 1)
        occupied[index >> 6] &= ~(1 << UInt64(index & 63))
        let remaining = front.popLast()
        front.append(contentsOf: segment(index))
        if !spills[index].isEmpty {
            front.append(contentsOf: spills[index])
            spills[index].removeAll(keepingCapacity: spills[index].capacity <= Self.keptSpillCapacity)
        }
        if let bucketCounts {
            bucketed -= Int(bucketCounts[index])
            bucketCounts[index] = 0
        }
        Self.sortDescending(&front)
        if let remaining { front.append(remaining) }
        cursor += 1
        pullOverflow()
    }

    /// The ring index of the first occupied bucket at or after ring index `start`, wrapping
    /// around (some bucket is occupied).
    @usableFromInline func nextOccupied(from start: Int) -> Int {
        var word = start >> 6
        var bits = occupied[word] & (~0 << UInt64(start & 63))
        while bits == 0 {
            word = (word + 1) % occupied.count
            bits = occupied[word]
        }
        return word << 6 | bits.trailingZeroBitCount
    }

    /// Sorts entries so that the next is last: by insertion for the few a bucket usually
    /// holds, else by heapsort (entries never compare equal, so stability is not needed,
    /// and the standard sort's merge buffer cost more than the sorting).
    @usableFromInline static func sortDescending(_ entries: inout [Entry]) {
        entries.withUnsafeMutableBufferPointer { entries in
            guard let base = entries.baseAddress, entries.count > 1 else { return }
            if entries.count <= 32 { insertionSortDescending(base, count: entries.count) } else { heapSortDescending(base, count: entries.count) }
        }
    }

    @usableFromInline static func insertionSortDescending(_ base: UnsafeMutablePointer<Entry>, count: Int) {
        for index in 1..<count {
            let entry = base[index]
            var position = index
            while position > 0 && base[position - 1].precedes(entry) {
                base[position] = base[position - 1]
                position -= 1
            }
            base[position] = entry
        }
    }

    /// Heapsort over a heap whose root precedes every other entry: each round moves the
    /// root behind the entries still in the heap, so the last entry ends up the next.
    @usableFromInline static func heapSortDescending(_ base: UnsafeMutablePointer<Entry>, count: Int) {
        func siftDown(_ start: Int, end: Int) {
            var parent = start
            let entry = base[parent]
            while true {
                var child = 2 * parent + 1
                guard child < end else { break }
                if child + 1 < end && base[child + 1].precedes(base[child]) { child += 1 }
                guard base[child].precedes(entry) else { break }
                base[parent] = base[child]
                parent = child
            }
            base[parent] = entry
        }
        for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(start, end: count) }
        for end in stride(from: count - 1, to: 0, by: -1) {
            let root = base[0]
            base[0] = base[end]
            base[end] = root
            siftDown(0, end: end)
        }
    }

    /// Moves the overflow's entries that now fall within the ring into their buckets.
    @usableFromInline func pullOverflow() {
        let end = cursor + Int64(Self.bucketCount)
        while let first = overflow.first, first.time >> bucketShift < end {
            overflow.swapAt(0, overflow.count - 1)
            let entry = overflow.removeLast()
            if !overflow.isEmpty { siftDown(0) }
            addToBucket(entry, bucket: entry.time >> bucketShift)
        }
    }

    // The overflow heap's sifts index a buffer without bounds checks: every index is below `count`.
    @usableFromInline func siftUp(_ index: Int) {
        overflow.withUnsafeMutableBufferPointer { heap in
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

    @usableFromInline func siftDown(_ index: Int) {
        overflow.withUnsafeMutableBufferPointer { heap in
            guard let base = heap.baseAddress else { return }
            var parent = index
            let count = heap.count
            let entry = base[parent]
            while true {
                let left = 2 * parent + 1
                guard left < count else { break }
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
