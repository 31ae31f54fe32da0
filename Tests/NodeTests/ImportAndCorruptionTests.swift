import BitcoinCrypto
import Consensus
import Foundation
import Node
import TestSupport
import Testing

@Suite struct MainnetImportTests {
    /// Real mainnet blocks 1–255 import onto mainnet genesis with every rule checked, and the
    /// UTXO set matches a count derived here from the blocks themselves.
    @Test(arguments: StoreKind.allCases)
    func importBlocks1to255(kind: StoreKind) throws {
        let directory = TemporaryDirectory("import")
        let store: any KeyValueStore = kind == .leveldb ? try LevelDBStore(path: directory.path("main")) : MemoryStore()
        var options = ChainOptions()
        options.transactionIndex = true
        let chain = try ChainState(store: store, params: .mainnet, options: options)
        let summary = try BlockImporter.importFiles([Fixture.url("mainnet-blocks-1-255.dat").path], into: chain,
                                                    now: 1_700_000_000)
        #expect(summary.read == 255)
        #expect(summary.accepted == 255)
        #expect(summary.invalid.isEmpty)
        let blocks = try BlockFile.parse(try Fixture.bytes("mainnet-blocks-1-255.dat"), messageStart: ChainParams.mainnet.messageStart)
        #expect(chain.height == 255)
        #expect(chain.tip.hash == blocks[254].hash)
        #expect(chain.hash(atHeight: 170)?.description == "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee")

        // Independent count: every output created by blocks 1–255, minus every one spent.
        var replay = ReplayedUTXOSet()
        var spends = 0
        for (offset, block) in blocks.enumerated() {
            spends += block.transactions.dropFirst().reduce(0) { $0 + $1.inputs.count }
            replay.apply(block, height: offset + 1)
        }
        let statistics = try chain.utxoStatistics()
        #expect(spends > 0)
        let created = blocks.reduce(0) { $0 + $1.transactions.reduce(0) { $0 + $1.outputs.count } }
        #expect(statistics.outputs == created - spends)
        replay.expectMatches(statistics)
        #expect(statistics.totalAmount.satoshis == 255 * 50 * Amount.coin)  // no fees were paid in these blocks
        // Block 170's spend is in the transaction index.
        let spend = try #require(try chain.transaction(Txid("f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16")!))
        #expect(spend.block.height == 170)
        // Importing again changes nothing.
        let again = try BlockImporter.importBlocks(blocks, into: chain, now: 1_700_000_000)
        #expect(again.duplicates == 255)
    }

    /// Another chain's file, a missing file and a file cut short by a crash are each named
    /// with the reason; the import keeps the blocks before the cut and goes on with the
    /// next file, as Core's `-loadblock` does.
    @Test func importNamesDamagedFilesAndKeepsWhatPrecedesTheDamage() throws {
        let regtest = try ChainState(store: MemoryStore(), params: .regtest)
        let wrongChain = try BlockImporter.importFiles([Fixture.url("mainnet-blocks-1-255.dat").path], into: regtest, now: 0)
        #expect(wrongChain.read == 0 && regtest.height == 0)
        #expect(wrongChain.unreadable.map(\.reason) == ["record at byte 0 starts with f9beb4d9, not the chain's message start; the 0 blocks before it were read"])

        let directory = TemporaryDirectory("damaged")
        let bytes = try Fixture.bytes("mainnet-blocks-1-255.dat")
        let blocks = try BlockFile.parse(bytes, messageStart: ChainParams.mainnet.messageStart)
        let firstHundred = blocks.prefix(100).reduce(0) { $0 + $1.size + 8 }
        let cut = directory.path("blk00000.dat"), rest = directory.path("blk00001.dat")
        try Data(bytes[..<(firstHundred + 50)]).write(to: URL(fileURLWithPath: cut))
        try Data(bytes[firstHundred...]).write(to: URL(fileURLWithPath: rest))
        let chain = try ChainState(store: MemoryStore(), params: .mainnet)
        let summary = try BlockImporter.importFiles([cut, "/nonexistent/blk00000.dat", rest], into: chain, now: 1_700_000_000)
        #expect(summary.read == 255 && summary.accepted == 255 && summary.invalid.isEmpty)
        #expect(chain.height == 255 && chain.tip.hash == blocks[254].hash)
        #expect(summary.unreadable.map(\.path) == [cut, "/nonexistent/blk00000.dat"])
        #expect(summary.unreadable.first?.reason.hasPrefix("record at byte \(firstHundred) declares \(blocks[100].size) bytes but only 42 follow; the 100 blocks before it were read") == true,
                "\(summary.unreadable)")
        #expect(summary.unreadable.last?.reason.hasPrefix("cannot be read:") == true)
    }
}

@Suite struct CorruptDatabaseTests {
    /// Builds a small LevelDB chain, closes it, lets `damage` break it, and returns the error
    /// reopening gives.
    func reopenAfter(_ damage: (String) throws -> Void) throws -> ChainStateError? {
        let test = try TestChain(.leveldb)
        try test.mine(3)
        try test.chain.close()
        let path = test.directory.path("chainstate")
        try damage(path)
        do {
            let store = try LevelDBStore(path: path)
            _ = try ChainState(store: store, params: .regtest)
            return nil
        } catch let error as ChainStateError {
            return error
        } catch let error as StorageError {
            return .storage(error)
        }
    }

    @Test func garbageIndexEntryIsReportedWithThePath() throws {
        let error = try reopenAfter { path in
            let store = try LevelDBStore(path: path)
            try store.put([0x69] + [UInt8](repeating: 7, count: 32), [1, 2, 3])
        }
        guard case .corrupt(let path, let what) = try #require(error) else { Issue.record("expected corrupt, got \(String(describing: error))"); return }
        #expect(path.hasSuffix("chainstate"))
        #expect(what.contains("index entry"))
    }

    @Test func missingCoinsMarkerIsReported() throws {
        let error = try reopenAfter { path in
            let store = try LevelDBStore(path: path)
            try store.delete([0x42])
        }
        guard case .corrupt = try #require(error) else { Issue.record("expected corrupt"); return }
    }

    @Test func damagedFilesAreReportedWithThePath() throws {
        let error = try reopenAfter { path in
            for file in try FileManager.default.contentsOfDirectory(atPath: path) where file.hasPrefix("MANIFEST") {
                try Data(repeating: 0x5a, count: 100).write(to: URL(fileURLWithPath: path).appendingPathComponent(file))
            }
        }
        guard case .storage(let storage) = try #require(error) else { Issue.record("expected a storage error"); return }
        #expect(storage.path.hasSuffix("chainstate"))
        #expect(storage.description.contains("chainstate"))
    }

    @Test func anotherChainsDatabaseIsRefused() throws {
        let test = try TestChain(.leveldb)
        try test.chain.close()
        let store = try LevelDBStore(path: test.directory.path("chainstate"))
        #expect(throws: ChainStateError.wrongChain(path: store.path, expectedGenesis: ChainParams.mainnet.genesisHash,
                                                   foundGenesis: ChainParams.regtest.genesisHash)) {
            try ChainState(store: store, params: .mainnet)
        }
    }

    @Test func missingBlockDataIsReportedNotCrashed() throws {
        let test = try TestChain(.leveldb)
        let blocks = try test.mine(4)
        try test.chain.close()
        let store = try LevelDBStore(path: test.directory.path("chainstate"))
        try store.delete([0x62] + blocks[3].hash.hash.bytes)  // the tip's data
        let chain = try ChainState(store: store, params: .regtest)
        #expect(throws: ChainStateError.self) { try chain.block(blocks[3].hash) }
        // Disconnecting it would need its data: the failure is an error, not a crash.
        #expect(throws: ChainStateError.self) { try chain.invalidateBlock(blocks[3].hash) }
    }
}
