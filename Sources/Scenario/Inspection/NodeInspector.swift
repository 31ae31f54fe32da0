import Consensus
import Foundation
import Node
import Simulation

/// Opens node databases left by a run (or made by `regsim import`) and describes their
/// chains: `getblockchaininfo`, `getchaintips` and `gettxoutsetinfo` in one.
public enum NodeInspector {
    /// The node directories under `path`: `path` itself when it holds a LevelDB database,
    /// else its `nodes/*` or `*` subdirectories that do, sorted by name.
    public static func nodeDirectories(_ path: String) -> [String] {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: path + "/CURRENT") { return [path] }
        for base in [path + "/nodes", path] {
            guard let names = try? fileManager.contentsOfDirectory(atPath: base) else { continue }
            let found = names.sorted().map { base + "/" + $0 }.filter { fileManager.fileExists(atPath: $0 + "/CURRENT") }
            if !found.isEmpty { return found }
        }
        return []
    }

    /// A description of the chain in `directory`, as text or one JSON object.
    public static func describe(directory: String, params: ChainParams = .regtest, json: Bool) throws -> String {
        let store = try LevelDBStore(path: directory)
        let chain = try ChainState(store: store, params: params)
        defer { try? chain.close() }
        let info = chain.blockchainInfo()
        let tips = chain.chainTips()
        let utxo = try chain.utxoStatistics()
        let name = URL(fileURLWithPath: directory).lastPathComponent
        if json {
            var object = JSONLine()
            object.add("node", name)
            object.add("chain", info.chain)
            object.add("blocks", info.blocks)
            object.add("headers", info.headers)
            object.add("best-block-hash", info.bestBlockHash.description)
            object.add("median-time", info.medianTime)
            object.add("chainwork", info.chainWork.hex)
            object.addRaw("tips", "[" + tips.map { tip in
                var entry = JSONLine()
                entry.add("height", tip.height)
                entry.add("hash", tip.hash.description)
                entry.add("branch-length", tip.branchLength)
                entry.add("status", tip.status.rawValue)
                return entry.finish()
            }.joined(separator: ",") + "]")
            var set = JSONLine()
            set.add("transactions", utxo.transactions)
            set.add("outputs", utxo.outputs)
            set.add("total-amount", utxo.totalAmount.btcString)
            set.add("hash-serialized", utxo.hashSerialized.displayHex)
            object.addRaw("utxo", set.finish())
            switch savedMempool(of: directory) {
            case .none: break
            case .success(let count)?: object.add("mempool-dat-transactions", count)
            case .failure(let error)?: object.add("mempool-dat-error", error.description)
            }
            return object.finish()
        }
        var lines = ["\(name): \(info.chain), \(info.blocks) blocks, tip \(info.bestBlockHash)"]
        lines.append("  headers \(info.headers), median time \(info.medianTime), chainwork \(info.chainWork.hex)")
        lines.append("  tips: " + tips.map { "\($0.height) \($0.hash.description.prefix(12))… \($0.status.rawValue)\($0.branchLength > 0 ? " (branch \($0.branchLength))" : "")" }.joined(separator: "; "))
        lines.append("  UTXO set: \(utxo.outputs) outputs in \(utxo.transactions) transactions, \(utxo.totalAmount.btcString) BTC, hash_serialized \(utxo.hashSerialized.displayHex)")
        switch savedMempool(of: directory) {
        case .none: break
        case .success(let count)?: lines.append("  mempool.dat (written at its last restart): \(count) transaction\(count == 1 ? "" : "s")")
        case .failure(let error)?: lines.append("  mempool.dat unreadable: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// The transactions in the `mempool.dat` a restart left beside the node's database
    /// (`nil`: none there).
    static func savedMempool(of directory: String) -> Result<Int, DecodingError>? {
        guard let data = FileManager.default.contents(atPath: MempoolDump.filePath(besideDatabaseAt: directory)) else { return nil }
        return Result { () throws(DecodingError) in try MempoolDump(bytes: [UInt8](data)).entries.count }
    }

    /// Writes the active chain of the node in `directory` (genesis excluded) as a
    /// `blk*.dat` file that Bitcoin Core and other tools read.
    public static func writeRaw(directory: String, to file: String, params: ChainParams = .regtest) throws -> Int {
        let chain = try ChainState(store: try LevelDBStore(path: directory), params: params)
        defer { try? chain.close() }
        var blocks: [Block] = []
        if chain.height > 0 {
            for height in 1...chain.height { if let block = try chain.block(atHeight: height) { blocks.append(block) } }
        }
        try Data(BlockFile.serialize(blocks, messageStart: params.messageStart)).write(to: URL(fileURLWithPath: file))
        return blocks.count
    }

    /// What an import did, as one JSON object: its counts, each refused block and each
    /// unreadable file with the reason, and the database's description under `node`.
    public static func importJSON(_ summary: BlockImporter.Summary, node: String) -> String {
        var object = JSONLine()
        object.add("read", summary.read)
        object.add("accepted", summary.accepted)
        object.add("already-known", summary.duplicates)
        object.add("orphans", summary.orphans)
        object.addRaw("invalid", "[" + summary.invalid.map { item in
            var entry = JSONLine()
            entry.add("hash", item.hash.description)
            entry.add("reason", "\(item.error)")
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.addRaw("unreadable", "[" + summary.unreadable.map { item in
            var entry = JSONLine()
            entry.add("path", item.path)
            entry.add("reason", item.reason)
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.addRaw("node", node)
        return object.finish()
    }

    /// Validates `files` (`blk*.dat`) into a node database at `directory`, verifying each
    /// block's scripts on `scriptCheckThreads` threads.
    public static func importFiles(_ files: [String], into directory: String, params: ChainParams,
                                   scriptCheckThreads: Int = 1) throws -> BlockImporter.Summary {
        var options = ChainOptions()
        options.scriptCheckThreads = scriptCheckThreads
        let chain = try ChainState(store: try LevelDBStore(path: directory), params: params, options: options)
        defer { try? chain.close() }
        // Real blocks carry real times: the clock is "now" so none is too far in the future.
        return try BlockImporter.importFiles(files, into: chain, now: Int64(Date().timeIntervalSince1970))
    }
}
