import Consensus
import Dispatch
import Synchronization

/// Verifies a block's scripts on several threads at once, after the block's other checks
/// (Core's `CCheckQueue`, sized by `-par`).
///
/// Threads take the next unverified transaction in turn. The answer does not depend on the
/// number of threads or on which finishes first: it is the failure of the earliest failing
/// transaction in block order (threads skip transactions after a failure already found).
enum ScriptCheckQueue {
    /// A transaction and the outputs its inputs spend, in input order.
    typealias Check = (transaction: Transaction, spentOutputs: [TxOut])

    /// The position in `checks` and failure of the first transaction whose scripts fail, or
    /// `nil` when all pass. `threads` above one verify side by side.
    static func firstFailure(of checks: [Check], verifier: TransactionVerifier, flags: ScriptFlags,
                             threads: Int) -> (index: Int, failure: TransactionVerifier.Failure)? {
        guard !checks.isEmpty else { return nil }
        // Shared between the threads: the next check to take, and the earliest failure found.
        let state = Mutex<(next: Int, first: (index: Int, failure: TransactionVerifier.Failure)?)>((0, nil))
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, checks.count))) { _ in
            while true {
                let index: Int? = state.withLock { state in
                    guard state.next < checks.count, state.next < (state.first?.index ?? .max) else { return nil }
                    state.next += 1
                    return state.next - 1
                }
                guard let index else { return }
                do throws(TransactionVerifier.Failure) {
                    try verifier.verify(checks[index].transaction, spentOutputs: checks[index].spentOutputs, flags: flags)
                } catch {
                    state.withLock { state in
                        if index < (state.first?.index ?? .max) { state.first = (index, error) }
                    }
                }
            }
        }
        return state.withLock { $0.first }
    }
}
