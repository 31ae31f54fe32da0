import Foundation

// regsim-bench: the benchmarks behind BENCHMARKS.md. Build in release mode:
//   swift run -c release regsim-bench [crypto|all]
let arguments = CommandLine.arguments.dropFirst()
let suite = arguments.first ?? "all"
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tests/Fixtures")

print("regsim-bench on \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB")
switch suite {
case "crypto":
    CryptoBenchmarks.run(fixtures: fixtures)
case "script":
    ScriptBenchmarks.run()
case "chain":
    ChainBenchmarks.run()
case "mempool":
    MempoolBenchmarks.run()
case "breakdown":
    Breakdown.run()
case "simulation":
    SimulationBenchmarks.run(arguments: Array(arguments.dropFirst()))
case "all":
    CryptoBenchmarks.run(fixtures: fixtures)
    ScriptBenchmarks.run()
    ChainBenchmarks.run()
    MempoolBenchmarks.run()
    SimulationBenchmarks.run(arguments: [])
default:
    print("unknown suite \(suite); use crypto, script, chain, mempool, simulation [kernel|year|NODES…], breakdown or all")
    exit(2)
}
