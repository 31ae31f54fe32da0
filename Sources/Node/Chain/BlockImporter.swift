import Consensus
import Foundation

/// Imports blocks stored in Bitcoin Core's `blk*.dat` layout into a chain state, checking
/// every rule as if they came from a peer.
public enum BlockImporter {
    /// What an import did.
    public struct Summary: Sendable {
        /// Blocks read from the files.
        public var read = 0
        /// Blocks newly accepted.
        public var accepted = 0
        /// Blocks already known.
        public var duplicates = 0
        /// Blocks still waiting for a parent at the end.
        public var orphans = 0
        /// Blocks refused, with the reason.
        public var invalid: [(hash: BlockHash, error: ValidationError)] = []
        /// Files that could not be opened, or whose records stop at a damaged one (another
        /// chain's message start, a record cut short, a block that does not decode), with the
        /// reason. The blocks before the damage were imported, and so were the other files.
        public var unreadable: [(path: String, reason: String)] = []
    }

    /// Why an import stopped: the chain state could not store a block.
    public enum Error: Swift.Error, CustomStringConvertible {
        case chain(ChainStateError)

        public var description: String {
            switch self {
            case let .chain(error): return error.description
            }
        }
    }

    /// Imports every block of the files at `paths`, in order. A file that cannot be read, or
    /// the rest of one after a damaged record, is noted in ``Summary/unreadable`` and the
    /// import goes on, as Core's `-loadblock` does.
    /// - Parameter now: the clock for the "not too far in the future" rule, Unix seconds.
    public static func importFiles(_ paths: [String], into chain: ChainState, now: Int64) throws(Error) -> Summary {
        var summary = Summary()
        for path in paths {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                summary.unreadable.append((path, "cannot be read: \(error.localizedDescription)"))
                continue
            }
            let (blocks, damage) = BlockFile.parseRecords([UInt8](data), messageStart: chain.params.messageStart)
            try importBlocks(blocks, into: chain, now: now, summary: &summary)
            if let damage { summary.unreadable.append((path, "\(damage); the \(blocks.count) blocks before it were read")) }
        }
        summary.orphans = chain.orphanCount
        return summary
    }

    /// Imports `blocks` in order.
    public static func importBlocks(_ blocks: [Block], into chain: ChainState, now: Int64) throws(Error) -> Summary {
        var summary = Summary()
        try importBlocks(blocks, into: chain, now: now, summary: &summary)
        summary.orphans = chain.orphanCount
        return summary
    }

    private static func importBlocks(_ blocks: [Block], into chain: ChainState, now: Int64, summary: inout Summary) throws(Error) {
        for block in blocks {
            summary.read += 1
            let result: BlockProcessingResult
            do { result = try chain.processBlock(block, now: now) } catch { throw .chain(error) }
            switch result.acceptance {
            case .accepted: summary.accepted += 1
            case .duplicate: summary.duplicates += 1
            case .orphan: break
            case .invalid(let error): summary.invalid.append((block.hash, error))
            }
            summary.invalid += result.update.invalidated
        }
    }
}
