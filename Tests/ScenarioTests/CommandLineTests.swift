import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing

/// Runs the built `regsim` executable.
func regsim(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [".build/debug/regsim", ".build/release/regsim"].map { root.appendingPathComponent($0).path }
    let executable = try unwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = root
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

@Suite struct CommandLineTests {
    /// `regsim run` writes every report file; the HTML is self-contained and its SVGs are
    /// well-formed XML; `regsim inspect` reopens the node databases and finds the tip the
    /// run reported.
    @Test func runWritesReportsAndInspectSeesTheSameTip() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/quickstart"
        let run = try regsim(["run", "Scenarios/quickstart.yml", "--out", out, "--json"])
        #expect(run.status == 0, "\(run.error)")
        let summary = try unwrap(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let miners = try unwrap(summary["miners"] as? [[String: Any]])
        #expect(miners.count == 2)
        for key in ["nodes", "hashpower-share", "blocks-mined", "main-chain-share", "stale-blocks", "stale-rate"] { #expect(miners[0][key] != nil, "\(key)") }
        for file in ["events.jsonl", "metrics.json", "confirmations.csv", "blocktree.dot", "blocktree.svg", "report.html", "nodes/n3/CURRENT"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        for external in ["src=", "href=", "<link", "<script", "url("] { #expect(!html.contains(external), "\(external)") }
        var svgs = 0
        var rest = Substring(html)
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            let parser = XMLParser(data: Data(rest[start.lowerBound..<end.upperBound].utf8))
            #expect(parser.parse(), "SVG \(svgs) is not well-formed")
            svgs += 1
            rest = rest[end.upperBound...]
        }
        #expect(svgs == 4)
        let csv = try String(contentsOfFile: out + "/confirmations.csv", encoding: .utf8)
        #expect(csv.hasPrefix("tx,txid,node,time_seconds,confirmations\npay,"))
        let tips = try unwrap(summary["tips"] as? [[String: Any]])
        let inspect = try regsim(["inspect", out, "--json"])
        #expect(inspect.status == 0, "\(inspect.error)")
        let nodes = inspect.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(nodes.count == 3)
        for (node, tip) in zip(nodes, tips) {
            #expect(node["best-block-hash"] as? String == tip["hash"] as? String)
            #expect(node["blocks"] as? Int == tip["height"] as? Int)
        }
        // A damaged database is named with LevelDB's reason; the other nodes are still shown.
        try "MANIFEST-999999\n".write(toFile: out + "/nodes/n2/CURRENT", atomically: true, encoding: .utf8)
        let damaged = try regsim(["inspect", out])
        #expect(damaged.status == 1)
        #expect(damaged.error.contains("nodes/n2: cannot be read: database at") && damaged.error.contains("is corrupt"), "\(damaged.error)")
        #expect(damaged.output.hasPrefix("n1: regtest") && damaged.output.contains("\nn3: regtest") && !damaged.output.contains("n2:"), "\(damaged.output)")
        let wrongChain = try regsim(["inspect", out, "--chain", "testnet"])
        #expect(wrongChain.status != 0 && wrongChain.error.contains("--chain must be main or regtest"), "\(wrongChain.error)")
        // The active chain leaves as a blk*.dat file that `regsim import` validates again.
        let raw = directory.path + "/blk00000.dat"
        let dump = try regsim(["inspect", out + "/nodes/n1", "--raw", raw])
        #expect(dump.status == 0, "\(dump.error)")
        let imported = try regsim(["import", raw, "--chain", "regtest", "--into", directory.path + "/imported", "--json"])
        #expect(imported.status == 0, "\(imported.error)")
        let importSummary = try unwrap(try JSONSerialization.jsonObject(with: Data(imported.output.utf8)) as? [String: Any])
        #expect(importSummary["read"] as? Int == tips[0]["height"] as? Int && importSummary["accepted"] as? Int == importSummary["read"] as? Int)
        #expect((importSummary["invalid"] as? [Any])?.isEmpty == true && (importSummary["unreadable"] as? [Any])?.isEmpty == true)
        #expect((importSummary["node"] as? [String: Any])?["best-block-hash"] as? String == tips[0]["hash"] as? String)
        // Scripts checked on one thread (`--par 1`) or every processor (the default): the same chain.
        let single = try regsim(["import", raw, "--chain", "regtest", "--into", directory.path + "/imported-single", "--par", "1", "--json"])
        #expect(single.status == 0, "\(single.error)")
        #expect(single.output.replacingOccurrences(of: "imported-single", with: "imported") == imported.output)
        // A file cut short (a crash while it was written): the blocks before the cut are
        // imported and shown, the cut is named, and the command exits 1.
        let whole = try Data(contentsOf: URL(fileURLWithPath: raw))
        try whole.prefix(whole.count - 30).write(to: URL(fileURLWithPath: raw))
        let cut = try regsim(["import", raw, "--chain", "regtest", "--into", directory.path + "/imported-cut"])
        #expect(cut.status == 1)
        #expect(cut.error.contains("blk00000.dat: record at byte") && cut.error.contains("blocks before it were read"), "\(cut.error)")
        #expect(cut.output.contains("imported-cut: regtest, \((tips[0]["height"] as? Int ?? 0) - 1) blocks"), "\(cut.output)")
        // A block that breaks a rule (its last byte changed, so its merkle root no longer
        // matches): the blocks before it are imported, it is named, and the command exits 1.
        var tampered = whole
        tampered[tampered.count - 1] ^= 0x01
        try tampered.write(to: URL(fileURLWithPath: raw))
        let refused = try regsim(["import", raw, "--chain", "regtest", "--into", directory.path + "/imported-refused", "--json"])
        #expect(refused.status == 1)
        let refusedSummary = try unwrap(try JSONSerialization.jsonObject(with: Data(refused.output.utf8)) as? [String: Any])
        #expect((refusedSummary["invalid"] as? [Any])?.count == 1 && (refusedSummary["unreadable"] as? [Any])?.isEmpty == true, "\(refused.output)")
        #expect(refusedSummary["accepted"] as? Int == (tips[0]["height"] as? Int ?? 0) - 1)
        let negative = try regsim(["import", raw, "--par=-2"])
        #expect(negative.status != 0 && negative.error.contains("--par must be 0"), "\(negative.error)")
    }

    /// A node that restarted left Core's `mempool.dat` beside its database; `regsim inspect`
    /// counts it, and names the byte where a damaged one goes wrong.
    @Test func inspectCountsAMempoolDatLeftByARestart() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/restart"
        let run = try regsim(["run", "Scenarios/restart-persistence.yml", "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.error)")
        let bob = try regsim(["inspect", out + "/nodes/n4"])
        #expect(bob.output.contains("mempool.dat (written at its last restart): 1 transaction\n"), "\(bob.output)")
        try Data([2, 0, 0, 0, 0, 0, 0, 0, 8, 1, 2, 3]).write(to: URL(fileURLWithPath: out + "/nodes/n4.mempool.dat"))
        let damaged = try regsim(["inspect", out + "/nodes/n4/", "--json"])
        #expect(damaged.status == 0, "\(damaged.error)")
        #expect(damaged.output.contains("\"mempool-dat-error\":\"obfuscation key at byte 8"), "\(damaged.output)")
    }

    @Test func failedExpectationExitsOneAndNamesTheLine() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/fails.yml"
        try """
        name: fails
        duration: 30m
        network:
          nodes: 2
          store: memory
        miners:
          - {node: n1, hashpower: 100%}
        expect:
          - {stale-rate: "> 50%"}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try regsim(["run", file, "--out", directory.path + "/run", "--quiet"])
        #expect(run.status == 1)
        #expect(run.output.contains("fails.yml:9: FAIL expected the stale rate > 50%"))
    }

    @Test func invalidScenarioExitsTwoAndRunsNothing() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/broken.yml"
        try "name: broken\nduration: 1 fortnight\nnetwork:\n  nodes: 2\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try regsim(["run", file, "--out", directory.path + "/run"])
        #expect(run.status == 2)
        #expect(run.error.contains("broken.yml:2:11: duration: expected a duration such as 2h or 30m, found '1 fortnight'"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/run"))
        let lint = try regsim(["lint", file, "Scenarios/quickstart.yml"])
        #expect(lint.status == 2)
        #expect(lint.output.contains("Scenarios/quickstart.yml: ok"))
    }

    /// A run directory that is a file, or an event log that cannot be written (a full disk:
    /// `events.jsonl` leads to `/dev/full`), ends the run with the path and the reason and
    /// exit status 2 — not a crash, not a silently short log.
    @Test func unwritableRunFilesAreNamed() throws {
        let directory = TemporaryDirectory()
        let file = directory.path + "/a-file"
        try Data().write(to: URL(fileURLWithPath: file))
        let onFile = try regsim(["run", "Scenarios/quickstart.yml", "--out", file, "--quiet"])
        #expect(onFile.status == 2)
        #expect(onFile.error.contains("a-file: is a file, not a run directory"), "\(onFile.error)")
        let full = directory.path + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: full + "/events.jsonl", withDestinationPath: "/dev/full")
        let diskFull = try regsim(["run", "Scenarios/quickstart.yml", "--out", full, "--quiet"])
        #expect(diskFull.status == 2)
        #expect(diskFull.error.contains("full/events.jsonl: could not be written:"), "\(diskFull.error)")
    }

    /// `--threads` must be positive; a scenario that needs every event in turn says it runs
    /// on one thread, and its results do not change.
    @Test func threadsAreCheckedAndAFallbackIsSaid() throws {
        let directory = TemporaryDirectory()
        let refused = try regsim(["run", "Scenarios/quickstart.yml", "--threads", "0", "--out", directory.path + "/none"])
        #expect(refused.status == 64)
        #expect(refused.error.contains("--threads must be at least 1, not 0"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/none"))
        let one = try regsim(["run", "Scenarios/quickstart.yml", "--json", "--out", directory.path + "/one"])
        let two = try regsim(["run", "Scenarios/quickstart.yml", "--json", "--threads", "2", "--out", directory.path + "/two"])
        #expect(one.status == 0 && two.status == 0)
        #expect(two.error.contains("quickstart.yml: runs on one thread"))
        #expect(!one.error.contains("runs on one thread"))
        #expect(one.output == two.output)
    }

    /// The experiment flags have the bounds an experiment file has: a huge give-up deficit
    /// crashed a trial (its sum with the confirmations overflowed), a huge range hung.
    @Test func experimentFlagsAreBounded() throws {
        let directory = TemporaryDirectory()
        let cases: [([String], String)] = [
            (["double-spend", "--give-up", "9223372036854775807"], "--give-up must be in 1...1000"),
            (["double-spend", "--confirmations", "0-99999999999"], "--confirmations: cannot read"),
            (["double-spend", "--attacker", "0.1-inf"], "--attacker: cannot read"),
            (["fork-rate", "--miners", "99999999"], "--miners must be in 2...1000"),
            (["double-spend", "--attacker", "0.1", "--premine", "10"], "--premine: a premine of 10 at q = 0.1 needs about 1e+10 attempts"),
            (["centralisation", "--shares", "1e308,1e308"], "finite sum"),
        ]
        for (arguments, message) in cases {
            let run = try regsim(["experiment"] + arguments + ["--out", directory.path + "/none"])
            #expect(run.status == 64, "\(arguments): \(run.error)")
            #expect(run.error.contains(message), "\(arguments): \(run.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/none"))
    }

    @Test func listShowsTheBundledScenarios() throws {
        let list = try regsim(["list"])
        #expect(list.status == 0)
        #expect(list.output.split(separator: "\n").count == 11)
        #expect(list.output.contains("double-spend-51.yml"))
    }
}
