/// A failure of the key-value store, naming the database's path.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database could not be opened (missing, locked by another user, unreadable).
    case openFailed(path: String, message: String)
    /// Stored data failed a checksum or could not be parsed: the files are damaged.
    case corruption(path: String, message: String)
    /// Reading or writing the files failed.
    case io(path: String, message: String)
    /// The store was used after ``KeyValueStore/close()``.
    case closed(path: String)

    public var description: String {
        switch self {
        case let .openFailed(path, message): return "cannot open database at \(path): \(message)"
        case let .corruption(path, message): return "database at \(path) is corrupt: \(message)"
        case let .io(path, message): return "I/O error in database at \(path): \(message)"
        case let .closed(path): return "database at \(path) is closed"
        }
    }

    /// The path of the database concerned.
    public var path: String {
        switch self {
        case let .openFailed(path, _), let .corruption(path, _), let .io(path, _), let .closed(path): return path
        }
    }
}
