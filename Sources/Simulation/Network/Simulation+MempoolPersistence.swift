import Foundation
import Node

extension Simulation {
    /// Where node `index` keeps its `mempool.dat`: beside its LevelDB database, or `nil` for
    /// an in-memory store (the bytes then stay on the node's record, as the store does).
    func mempoolFilePath(of index: Int) -> String? {
        guard case .leveldb(let directory) = configuration.store else { return nil }
        return MempoolDump.filePath(besideDatabaseAt: directory + "/" + nodes[index].configuration.name)
    }

    /// Writes node `index`'s mempool as Core's `mempool.dat` on its way down (through a
    /// temporary file renamed over the old one, as Core does). A failed write is narrated
    /// and the restart goes on, as Core continues.
    func saveMempool(of index: Int) {
        let bytes = nodes[index].node.mempool.dump().encoded()
        guard let path = mempoolFilePath(of: index) else {
            nodes[index].savedMempool = bytes
            return
        }
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            // The file's name, not its path: event streams must not depend on the run directory.
            note("\(nodes[index].configuration.name): could not write \(URL(fileURLWithPath: path).lastPathComponent) (\(error.localizedDescription)); its mempool will not survive the restart")
        }
    }

    /// Offers what ``saveMempool(of:)`` kept to node `index`'s new mempool: the number of
    /// transactions accepted again. A missing file means an empty mempool; an unreadable one
    /// is narrated with the byte where it went wrong and ignored, as Core continues.
    func reloadMempool(of index: Int) throws(SimulationError) -> Int {
        let name = nodes[index].configuration.name
        let bytes: [UInt8]
        if let path = mempoolFilePath(of: index) {
            guard FileManager.default.fileExists(atPath: path) else { return 0 }
            do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
                note("\(name): could not read \(URL(fileURLWithPath: path).lastPathComponent) (\(error.localizedDescription)); starting with an empty mempool")
                return 0
            }
        } else {
            guard let saved = nodes[index].savedMempool else { return 0 }
            bytes = saved
        }
        let dump: MempoolDump
        do { dump = try MempoolDump(bytes: bytes) } catch {
            note("\(name): mempool.dat is not a mempool dump (\(error)); starting with an empty mempool")
            return 0
        }
        do { return try nodes[index].node.loadMempool(dump, now: unixTime).accepted } catch {
            throw SimulationError("reloading the mempool of \(name): \(error)")
        }
    }
}
