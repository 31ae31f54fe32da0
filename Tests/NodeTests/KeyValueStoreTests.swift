import Foundation
import Node
import TestSupport
import Testing

/// The behaviour every KeyValueStore must have, run against each implementation.
@Suite struct KeyValueStoreTests {
    enum Kind: String, CaseIterable, Sendable { case leveldb, memory }

    /// Keeps the temporary directory alive as long as the store.
    struct Opened {
        let store: any KeyValueStore
        let directory: TemporaryDirectory
    }

    static func open(_ kind: Kind) throws -> Opened {
        let directory = TemporaryDirectory("kv")
        switch kind {
        case .leveldb: return Opened(store: try LevelDBStore(path: directory.path("db")), directory: directory)
        case .memory: return Opened(store: MemoryStore(label: directory.path("db")), directory: directory)
        }
    }

    @Test(arguments: Kind.allCases)
    func putGetDelete(kind: Kind) throws {
        let store = try Self.open(kind).store
        #expect(try store.get([1]) == nil)
        try store.put([1], [10])
        try store.put([1], [11])
        #expect(try store.get([1]) == [11])
        try store.put([], [0])  // the empty key is a key like any other
        #expect(try store.get([]) == [0])
        try store.delete([1])
        try store.delete([9])  // deleting what is absent is fine
        #expect(try store.get([1]) == nil)
        try store.put([2], [])  // an empty value is not an absent one
        #expect(try store.get([2]) == [])
    }

    @Test(arguments: Kind.allCases)
    func batchesApplyInOrder(kind: Kind) throws {
        let store = try Self.open(kind).store
        try store.put([5], [5])
        var batch = WriteBatch()
        batch.put([1], [1])
        batch.put([2], [2])
        batch.delete([5])
        batch.put([1], [3])  // later operations win
        #expect(batch.count == 4)
        try store.write(batch)
        #expect(try store.get([1]) == [3])
        #expect(try store.get([2]) == [2])
        #expect(try store.get([5]) == nil)
        try store.write(WriteBatch())
    }

    @Test(arguments: Kind.allCases)
    func scansAreOrderedAndPrefixed(kind: Kind) throws {
        let store = try Self.open(kind).store
        let keys: [[UInt8]] = [[0x62, 3], [0x61, 9], [0x62, 1, 0], [0x62], [0x63], [0x62, 2], [0x62, 0xff]]
        for key in keys { try store.put(key, key) }
        let scanned = try store.entries(prefix: [0x62]).map(\.key)
        #expect(scanned == [[0x62], [0x62, 1, 0], [0x62, 2], [0x62, 3], [0x62, 0xff]])
        #expect(try store.entries(prefix: [0x62]).allSatisfy { $0.key == $0.value })
        #expect(try store.entries(prefix: []).count == keys.count)
        #expect(try store.entries(prefix: [0x64]).isEmpty)
        var seen = 0
        try store.scan(prefix: [0x62]) { _, _ in
            seen += 1
            return seen < 2
        }
        #expect(seen == 2)

        // Order stays right as keys come and go between scans (memory stores keep it).
        try store.put([0x62, 1], [0])
        try store.delete([0x62, 2])
        try store.put([0x62, 3], [0])  // an overwrite keeps the key set
        #expect(try store.entries(prefix: [0x62]).map(\.key) == [[0x62], [0x62, 1], [0x62, 1, 0], [0x62, 3], [0x62, 0xff]])
        let batch = { var batch = WriteBatch(); batch.put([0x60], []); batch.delete([0x63]); return batch }()
        try store.write(batch)
        #expect(try store.entries(prefix: []).map(\.key).first == [0x60])
        #expect(try store.entries(prefix: [0x63]).isEmpty)
    }

    /// Stores sharing an interner keep their own contents while equal keys and small values
    /// are held once; large values are stored as given.
    @Test func internedStoresKeepTheirOwnContents() throws {
        let interner = ByteInterner()
        let a = MemoryStore(label: "a", interner: interner)
        let b = MemoryStore(label: "b", interner: interner)
        let large = [UInt8](repeating: 7, count: ByteInterner.maximumValueSize + 1)
        for store in [a, b] {
            try store.put([1], [10])
            try store.put([2], large)
        }
        try b.put([3], [10])
        try b.delete([1])
        #expect(try a.entries(prefix: []).map(\.key) == [[1], [2]])
        #expect(try b.entries(prefix: []).map(\.key) == [[2], [3]])
        #expect(try a.get([1]) == [10])
        #expect(try b.get([2]) == large)
        #expect(interner.count == 4)  // keys [1], [2], [3] and the value [10]
        let copy = a.copy(interner: interner)
        try copy.put([4], [10])
        #expect(try copy.get([4]) == [10])
        #expect(interner.count == 5)
    }

    /// Stores sharing an interner read back what they were given when arrays come and go at
    /// the same addresses: an array equal to one already interned (but not the same one)
    /// is freed after the write, and the next, different array often lands where it was.
    @Test func internedValuesSurviveReusedAddresses() throws {
        let interner = ByteInterner()
        let store = MemoryStore(label: "a", interner: interner)
        let shared: [UInt8] = [1, 2, 3]
        try store.put([0], shared)
        for round in 0..<2_000 {
            // Equal to `shared`, not the same array: found by its bytes, then released.
            try store.put([1], [UInt8](repeating: 0, count: 3).enumerated().map { UInt8($0.offset + 1) })
            let fresh = [UInt8(round % 251), UInt8(round / 251), 9]
            try store.put([2], fresh)
            #expect(try store.get([2]) == fresh)
            #expect(try store.get([1]) == shared)
        }
        // The very same array again (its handle found by address) reads back too.
        try store.put([3], shared)
        #expect(try store.get([3]) == shared)
    }

    /// Random puts, deletes, batches, copies, compactions and snapshots on memory stores
    /// (sharing one interner, or a copy with its own), against plain dictionaries: every
    /// read, count and ordered scan agrees, and large values (kept by each store, not
    /// interned) come back whole.
    @Test func memoryStoresAgreeWithAPlainDictionary() throws {
        var seed: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let interner = ByteInterner()
        var stores: [(store: MemoryStore, model: [[UInt8]: [UInt8]])] = [(MemoryStore(label: "0", interner: interner), [:])]
        var snapshots: [(reader: any KeyValueReader, model: [[UInt8]: [UInt8]])] = []
        func randomKey() -> [UInt8] { [UInt8(next(3)), UInt8(next(12))] }
        func randomValue() -> [UInt8] {
            next(8) == 0 ? [UInt8](repeating: UInt8(next(256)), count: ByteInterner.maximumValueSize + 1 + next(3))
                : [UInt8](repeating: UInt8(next(4)), count: next(3))
        }
        func check(_ reader: any KeyValueReader, _ model: [[UInt8]: [UInt8]]) throws {
            let key = randomKey()
            #expect(try reader.get(key) == model[key])
            let prefix: [UInt8] = next(2) == 0 ? [] : [UInt8(next(3))]
            let expected = model.filter { $0.key.starts(with: prefix) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
            let scanned = try reader.entries(prefix: prefix)
            #expect(scanned.map(\.key) == expected.map(\.key))
            #expect(scanned.map(\.value) == expected.map(\.value))
        }
        for _ in 0..<4_000 {
            let index = next(stores.count)
            let (store, model) = stores[index]
            var changed = model
            switch next(10) {
            case 0...3:
                let (key, value) = (randomKey(), randomValue())
                try store.put(key, value)
                changed[key] = value
            case 4, 5:
                let key = randomKey()
                try store.delete(key)
                changed[key] = nil
            case 6:
                var batch = WriteBatch()
                for _ in 0..<3 {
                    let key = randomKey()
                    if next(3) == 0 { batch.delete(key); changed[key] = nil } else {
                        let value = randomValue()
                        batch.put(key, value)
                        changed[key] = value
                    }
                }
                try store.write(batch)
            case 7 where stores.count < 6:
                stores.append((store.copy(label: "\(stores.count)", interner: next(2) == 0 ? interner : nil), model))
            case 7, 8:
                if next(2) == 0 { store.compact() } else { snapshots.append((try store.snapshot(), model)) }
            default:
                #expect(store.count == model.count)
            }
            stores[index].model = changed
            try check(store, changed)
            if !snapshots.isEmpty {
                let snapshot = snapshots[next(snapshots.count)]
                try check(snapshot.reader, snapshot.model)
            }
        }
    }

    /// Thousands of keys written, overwritten and deleted in a random order: the store's
    /// table of changes grows many times and closes the gaps its deletions leave, and every
    /// key still finds its own value (or none).
    @Test func memoryStoresKeepManyKeysThroughDeletions() throws {
        var seed: UInt64 = 0xC0FFEE
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let store = MemoryStore(interner: ByteInterner())
        var model = [[UInt8]: [UInt8]]()
        func key(_ number: Int) -> [UInt8] { [UInt8(number >> 8), UInt8(number & 0xff)] }
        for round in 0..<30_000 {
            let number = next(round < 10_000 ? 3_000 : 1_500)
            if next(3) == 0 {
                try store.delete(key(number))
                model[key(number)] = nil
            } else {
                let value = [UInt8(next(256))]
                try store.put(key(number), value)
                model[key(number)] = value
            }
            let probe = key(next(3_000))
            #expect(try store.get(probe) == model[probe])
        }
        for number in 0..<3_000 { #expect(try store.get(key(number)) == model[key(number)]) }
        #expect(store.count == model.count)
        #expect(try store.entries(prefix: []).map(\.key) == model.keys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// Copies of a compacted memory store share its entries and keep their own changes:
    /// deletions hide shared entries, overwrites replace them, scans merge both in order, and
    /// neither side sees the other's writes.
    @Test(arguments: [true, false])
    func memoryCopiesKeepTheirOwnChanges(compacted: Bool) throws {
        let template = MemoryStore()
        for key: [UInt8] in [[3], [1], [2], [2, 5]] { try template.put(key, key) }
        try template.delete([2, 5])
        if compacted { template.compact() }
        #expect(template.count == 3)
        let copy = template.copy()
        try copy.put([0], [0])
        try copy.delete([2])
        try copy.put([3], [9])
        try copy.delete([7])
        #expect(try copy.entries(prefix: []).map(\.key) == [[0], [1], [3]])
        #expect(try copy.get([3]) == [9])
        #expect(try copy.get([2]) == nil)
        #expect(copy.count == 3)
        let snapshot = try copy.snapshot()
        try copy.put([2], [4])
        #expect(try snapshot.get([2]) == nil)
        #expect(try copy.entries(prefix: [2]).map(\.value) == [[4]])
        #expect(try template.entries(prefix: []).map(\.key) == [[1], [2], [3]])
        #expect(try template.get([3]) == [3])
        try template.put([4], [4])
        #expect(try copy.get([4]) == nil)
        let copyOfCopy = copy.copy()
        copy.compact()
        #expect(try copyOfCopy.entries(prefix: []).map(\.key) == [[0], [1], [2], [3]])
        #expect(try copy.entries(prefix: []).map(\.key) == [[0], [1], [2], [3]])
    }

    @Test(arguments: Kind.allCases)
    func snapshotsAreIsolated(kind: Kind) throws {
        let store = try Self.open(kind).store
        try store.put([1], [1])
        let snapshot = try store.snapshot()
        try store.put([1], [2])
        try store.put([2], [2])
        #expect(try snapshot.get([1]) == [1])
        #expect(try snapshot.get([2]) == nil)
        #expect(try snapshot.entries(prefix: []).count == 1)
        #expect(try store.get([1]) == [2])
    }

    @Test(arguments: Kind.allCases)
    func closedStoresRefuseWork(kind: Kind) throws {
        let opened = try Self.open(kind)
        let store = opened.store
        try store.put([1], [1])
        let snapshot = try store.snapshot()
        store.close()
        store.close()
        #expect(throws: StorageError.closed(path: store.path)) { try store.get([1]) }
        #expect(throws: StorageError.closed(path: store.path)) { try store.put([1], [1]) }
        #expect(throws: StorageError.self) { try store.write(WriteBatch()) }
        if kind == .leveldb {
            #expect(throws: StorageError.closed(path: store.path)) { try snapshot.get([1]) }
        }
    }

    // MARK: LevelDB specifics

    @Test func leveldbPersistsAcrossReopen() throws {
        let directory = TemporaryDirectory("kv")
        let path = directory.path("db")
        do {
            let store = try LevelDBStore(path: path)
            for index in 0..<1000 { try store.put([UInt8(index >> 8), UInt8(index & 0xff)], [UInt8(index % 256)]) }
            store.close()
        }
        let reopened = try LevelDBStore(path: path)
        #expect(try reopened.entries(prefix: []).count == 1000)
        #expect(try reopened.get([3, 0xe7]) == [0xe7])
    }

    @Test func leveldbRefusesASecondOpenAndMissingDatabases() throws {
        let directory = TemporaryDirectory("kv")
        let path = directory.path("db")
        let first = try LevelDBStore(path: path)
        #expect(throws: StorageError.self) { try LevelDBStore(path: path) }
        first.close()
        var options = LevelDBStore.Options()
        options.createIfMissing = false
        do {
            _ = try LevelDBStore(path: directory.path("absent"), options: options)
            Issue.record("opening a missing database must fail")
        } catch {
            #expect(error.path == directory.path("absent"))
            guard case .openFailed = error else { Issue.record("expected openFailed, got \(error)"); return }
        }
    }

    @Test func leveldbReportsCorruptFilesWithThePath() throws {
        let directory = TemporaryDirectory("kv")
        let path = directory.path("db")
        do {
            let store = try LevelDBStore(path: path)
            for index in 0..<200 { try store.put(Array("key\(index)".utf8), [UInt8](repeating: UInt8(index % 256), count: 100)) }
            store.close()
        }
        // Overwrite the manifest with garbage: opening must fail, naming the database.
        let files = try FileManager.default.contentsOfDirectory(atPath: path)
        let manifest = try #require(files.first { $0.hasPrefix("MANIFEST") })
        try Data(repeating: 0xab, count: 64).write(to: URL(fileURLWithPath: path).appendingPathComponent(manifest))
        do {
            _ = try LevelDBStore(path: path)
            Issue.record("a garbage manifest must not open")
        } catch {
            #expect(error.path == path)
            #expect(error.description.contains(path))
        }
        // A missing CURRENT file is a missing database.
        try FileManager.default.removeItem(atPath: path + "/CURRENT")
        var options = LevelDBStore.Options()
        options.createIfMissing = false
        #expect(throws: StorageError.self) { try LevelDBStore(path: path, options: options) }
    }

    @Test func leveldbLeaksNoHandles() throws {
        let directory = TemporaryDirectory("kv")
        let path = directory.path("db")
        // Other suites open databases concurrently, so look for growth, not an exact count:
        // a leak of even one descriptor per open would add 80 between rounds 20 and 100.
        var afterWarmUp = 0
        for round in 0..<100 {
            let store = try LevelDBStore(path: path)
            try store.put([UInt8(round)], [1])
            let snapshot = try store.snapshot()
            _ = try snapshot.get([0])
            if round % 2 == 0 { store.close() }  // the other half close on deallocation
            if round == 19 { afterWarmUp = openFileDescriptorCount() }
        }
        #expect(openFileDescriptorCount() <= afterWarmUp + 20)
    }
}
