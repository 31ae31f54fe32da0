import CLevelDB
import Foundation

/// A ``KeyValueStore`` backed by LevelDB, in a directory on disk.
///
/// Every write goes through LevelDB's log before it returns, so a process killed at any
/// moment loses nothing that was written (with ``Options/syncWrites`` it also survives a
/// machine crash). Handles are released by ``close()`` or when the store is deallocated.
public final class LevelDBStore: KeyValueStore {
    /// LevelDB tuning, with defaults sized for simulated nodes (many small databases).
    public struct Options: Sendable {
        /// Block cache capacity in bytes.
        public var cacheSize = 4 << 20
        /// Memtable size in bytes before it is written to a table file.
        public var writeBufferSize = 2 << 20
        /// Bits per key of the bloom filter on table files; 0 disables it.
        public var bloomFilterBitsPerKey = 10
        /// Wait for each write to reach the disk (survives power loss; much slower).
        public var syncWrites = false
        /// Create the database when the directory holds none.
        public var createIfMissing = true
        /// Check checksums aggressively and fail on any corruption.
        public var paranoidChecks = true
        /// Table files LevelDB keeps open at once.
        public var maxOpenFiles = 64

        public init() {}
    }

    public let path: String
    private var db: OpaquePointer?
    private let options: OpaquePointer
    private let readOptions: OpaquePointer
    private let writeOptions: OpaquePointer
    private let cache: OpaquePointer
    private let filter: OpaquePointer?
    /// Snapshots not yet released; ``close()`` releases them before closing the database.
    fileprivate var liveSnapshots = Set<OpaquePointer>()

    /// Opens (or creates) the database in directory `path`.
    /// - Throws: ``StorageError/openFailed(path:message:)`` or ``StorageError/corruption(path:message:)``.
    public init(path: String, options settings: Options = Options()) throws(StorageError) {
        self.path = path
        options = leveldb_options_create()
        cache = leveldb_cache_create_lru(settings.cacheSize)
        filter = settings.bloomFilterBitsPerKey > 0 ? leveldb_filterpolicy_create_bloom(Int32(settings.bloomFilterBitsPerKey)) : nil
        leveldb_options_set_cache(options, cache)
        if let filter { leveldb_options_set_filter_policy(options, filter) }
        leveldb_options_set_create_if_missing(options, settings.createIfMissing ? 1 : 0)
        leveldb_options_set_paranoid_checks(options, settings.paranoidChecks ? 1 : 0)
        leveldb_options_set_write_buffer_size(options, settings.writeBufferSize)
        leveldb_options_set_max_open_files(options, Int32(settings.maxOpenFiles))
        leveldb_options_set_compression(options, 0)  // values are small and mostly hashes
        readOptions = leveldb_readoptions_create()
        leveldb_readoptions_set_verify_checksums(readOptions, settings.paranoidChecks ? 1 : 0)
        writeOptions = leveldb_writeoptions_create()
        leveldb_writeoptions_set_sync(writeOptions, settings.syncWrites ? 1 : 0)

        if settings.createIfMissing {
            // LevelDB creates only the last directory of the path; a user expects the rest too.
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        var error: UnsafeMutablePointer<CChar>?
        let handle = leveldb_open(options, path, &error)
        if let message = LevelDBStore.take(error) {
            // Every property is set, so deinit runs and releases the options.
            throw LevelDBStore.classify(message, path: path, opening: true)
        }
        db = handle
    }

    deinit {
        close()
        releaseOptions()
    }

    private func releaseOptions() {
        leveldb_options_destroy(options)
        leveldb_readoptions_destroy(readOptions)
        leveldb_writeoptions_destroy(writeOptions)
        leveldb_cache_destroy(cache)
        if let filter { leveldb_filterpolicy_destroy(filter) }
    }

    public func close() {
        guard let db else { return }
        for snapshot in liveSnapshots { leveldb_release_snapshot(db, snapshot) }
        liveSnapshots.removeAll()
        leveldb_close(db)
        self.db = nil
    }

    private func handle() throws(StorageError) -> OpaquePointer {
        guard let db else { throw .closed(path: path) }
        return db
    }

    /// Converts LevelDB's malloc'd error string into a Swift string and frees it.
    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String? {
        guard let error else { return nil }
        defer { leveldb_free(error) }
        return String(cString: error)
    }

    static func classify(_ message: String, path: String, opening: Bool = false) -> StorageError {
        if message.hasPrefix("Corruption") { return .corruption(path: path, message: message) }
        if opening { return .openFailed(path: path, message: message) }
        return .io(path: path, message: message)
    }

    public func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
        try LevelDBStore.get(key, db: try handle(), readOptions: readOptions, path: path)
    }

    static func get(_ key: [UInt8], db: OpaquePointer, readOptions: OpaquePointer, path: String) throws(StorageError) -> [UInt8]? {
        var error: UnsafeMutablePointer<CChar>?
        var length = 0
        let value = key.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { leveldb_get(db, readOptions, $0.baseAddress, $0.count, &length, &error) }
        }
        if let message = take(error) { throw classify(message, path: path) }
        guard let value else { return nil }
        defer { leveldb_free(value) }
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    public func put(_ key: [UInt8], _ value: [UInt8]) throws(StorageError) {
        var batch = WriteBatch()
        batch.put(key, value)
        try write(batch)
    }

    public func delete(_ key: [UInt8]) throws(StorageError) {
        var batch = WriteBatch()
        batch.delete(key)
        try write(batch)
    }

    public func write(_ batch: consuming WriteBatch) throws(StorageError) {
        let db = try handle()
        let native = leveldb_writebatch_create()
        defer { leveldb_writebatch_destroy(native) }
        for operation in batch.operations {
            operation.key.withUnsafeBufferPointer { keyBuffer in
                keyBuffer.withMemoryRebound(to: CChar.self) { k in
                    if let value = operation.value {
                        value.withUnsafeBufferPointer { valueBuffer in
                            valueBuffer.withMemoryRebound(to: CChar.self) { v in
                                leveldb_writebatch_put(native, k.baseAddress, k.count, v.baseAddress, v.count)
                            }
                        }
                    } else {
                        leveldb_writebatch_delete(native, k.baseAddress, k.count)
                    }
                }
            }
        }
        var error: UnsafeMutablePointer<CChar>?
        leveldb_write(db, writeOptions, native, &error)
        if let message = LevelDBStore.take(error) { throw LevelDBStore.classify(message, path: path) }
    }

    public func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        try LevelDBStore.scan(prefix: prefix, db: try handle(), readOptions: readOptions, path: path, body)
    }

    static func scan(prefix: [UInt8], db: OpaquePointer, readOptions: OpaquePointer, path: String,
                     _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
        guard let iterator = leveldb_create_iterator(db, readOptions) else { throw .io(path: path, message: "no iterator") }
        defer { leveldb_iter_destroy(iterator) }
        prefix.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { leveldb_iter_seek(iterator, $0.baseAddress, $0.count) }
        }
        while leveldb_iter_valid(iterator) != 0 {
            var keyLength = 0
            var valueLength = 0
            let keyPointer = leveldb_iter_key(iterator, &keyLength)
            let valuePointer = leveldb_iter_value(iterator, &valueLength)
            let key = Self.bytes(keyPointer, keyLength)
            guard key.starts(with: prefix) else { break }
            if !body(key, Self.bytes(valuePointer, valueLength)) { break }
            leveldb_iter_next(iterator)
        }
        var error: UnsafeMutablePointer<CChar>?
        leveldb_iter_get_error(iterator, &error)
        if let message = take(error) { throw classify(message, path: path) }
    }

    private static func bytes(_ pointer: UnsafePointer<CChar>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    public func snapshot() throws(StorageError) -> any KeyValueReader {
        try LevelDBSnapshot(store: self, db: try handle())
    }

    /// A LevelDB snapshot: reads see the database as it was when it was taken.
    final class LevelDBSnapshot: KeyValueReader {
        private let store: LevelDBStore  // keeps the database open while the snapshot lives
        private let db: OpaquePointer
        private let snapshot: OpaquePointer
        private let readOptions: OpaquePointer

        init(store: LevelDBStore, db: OpaquePointer) throws(StorageError) {
            self.store = store
            self.db = db
            guard let snapshot = leveldb_create_snapshot(db) else { throw .io(path: store.path, message: "no snapshot") }
            self.snapshot = snapshot
            store.liveSnapshots.insert(snapshot)
            readOptions = leveldb_readoptions_create()
            leveldb_readoptions_set_snapshot(readOptions, snapshot)
        }

        deinit {
            leveldb_readoptions_destroy(readOptions)
            // Closing the store releases live snapshots first; release only if it has not.
            if store.liveSnapshots.remove(snapshot) != nil { leveldb_release_snapshot(db, snapshot) }
        }

        func get(_ key: [UInt8]) throws(StorageError) -> [UInt8]? {
            guard store.db != nil else { throw .closed(path: store.path) }
            return try LevelDBStore.get(key, db: db, readOptions: readOptions, path: store.path)
        }

        func scan(prefix: [UInt8], _ body: ([UInt8], [UInt8]) -> Bool) throws(StorageError) {
            guard store.db != nil else { throw .closed(path: store.path) }
            try LevelDBStore.scan(prefix: prefix, db: db, readOptions: readOptions, path: store.path, body)
        }
    }
}
