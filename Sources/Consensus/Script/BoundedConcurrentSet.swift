import BitcoinCrypto
import Synchronization

/// A thread-safe set of hashes that keeps at most `capacity` entries, dropping the oldest
/// half when full. The storage behind the signature and script-execution caches.
final class BoundedConcurrentSet: Sendable {
    private let state: Mutex<(entries: Set<Hash256>, order: [Hash256])>
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(2, capacity)
        state = Mutex(([], []))
    }

    var count: Int { state.withLock { $0.entries.count } }

    func contains(_ key: Hash256) -> Bool { state.withLock { $0.entries.contains(key) } }

    func insert(_ key: Hash256) {
        state.withLock { state in
            guard state.entries.insert(key).inserted else { return }
            state.order.append(key)
            if state.order.count > capacity {
                let half = state.order.count / 2
                for old in state.order[0..<half] { state.entries.remove(old) }
                state.order.removeFirst(half)
            }
        }
    }
}
