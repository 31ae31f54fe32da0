import BitcoinCrypto
import Consensus
import Foundation
import Node
import TestSupport
import Testing

/// A child process building a chain is killed with SIGKILL at random moments; every
/// reopened database must be consistent (its UTXO set equals a replay of its active chain)
/// and must hold every block the child reported connected.
@Suite(.serialized) struct CrashSafetyTests {
    static var helper: URL {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = executable.appendingPathComponent("node-crash-helper")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/node-crash-helper")
    }

    @Test func killedProcessesLeaveConsistentDatabases() throws {
        let directory = TemporaryDirectory("crash")
        let path = directory.path("chainstate")
        var generator = SplitMix64(seed: 1984)
        var reported = [BlockHash: UInt256]()
        var bestReportedWork = UInt256.zero
        var kills = 0
        for round in 0..<60 {
            let flushInterval = round % 3 == 0 ? 7 : 1
            let process = Process()
            process.executableURL = Self.helper
            process.arguments = [path, String(flushInterval), String(round)]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            // Let the child work for a random 5–60 ms, then kill it without warning.
            usleep(UInt32(5_000 + generator.next() % 55_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(!text.contains("error"), "child failed: \(text.suffix(300))")
            // Only complete lines count: the kill may cut the last one.
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let fields = line.split(separator: " ")
                guard fields.count == 3, fields[0] == "connected", let hash = BlockHash(String(fields[1])),
                      let work = UInt256(hex: String(fields[2])) else { continue }
                reported[hash] = work
                if work > bestReportedWork { bestReportedWork = work }
            }

            let chain = try ChainState(store: try LevelDBStore(path: path), params: .regtest)
            for (hash, _) in reported {
                let status = try #require(chain.info(for: hash)?.status, "block \(hash) reported connected is lost")
                #expect(status.contains(.haveData) && status.contains(.fullyValid))
            }
            #expect(chain.tip.chainWork >= bestReportedWork)
            try ReplayedUTXOSet.replay(chain).expectMatches(try chain.utxoStatistics())
            try chain.close()
        }
        #expect(kills == 60)
        #expect(reported.count > 100, "the children connected \(reported.count) blocks")
    }
}
