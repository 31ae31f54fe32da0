import Consensus

/// Why a chain state could not do its work: the database failed, holds data that cannot be
/// read, or belongs to another chain. Rule violations are ``ValidationError``s instead.
public enum ChainStateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key-value store failed (its error names the path).
    case storage(StorageError)
    /// The database holds something unreadable or inconsistent.
    case corrupt(path: String, what: String)
    /// The database was created for another chain.
    case wrongChain(path: String, expectedGenesis: BlockHash, foundGenesis: BlockHash)
    /// A block the request names is not known.
    case unknownBlock(BlockHash)

    public var description: String {
        switch self {
        case let .storage(error): return error.description
        case let .corrupt(path, what): return "chain database at \(path) is corrupt: \(what)"
        case let .wrongChain(path, expected, found):
            return "chain database at \(path) belongs to another chain (genesis \(found), expected \(expected))"
        case let .unknownBlock(hash): return "unknown block \(hash)"
        }
    }
}
