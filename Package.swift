// swift-tools-version:6.0
import PackageDescription

/// Release builds of the modules a simulation runs through are optimised across module
/// boundaries (the simulation calls the peer logic, the chain state and the consensus types
/// for every message: 2.5 % fewer instructions in a large run).
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
/// The hottest of them also skip Swift's run-time exclusivity checks: they cost a quarter of
/// a large simulation's time (every class property access went through a thread-local
/// access set). Debug builds — the test suite — keep them, so a violation still fails the
/// tests; the compile-time checks apply to every build.
let releaseSettings: [SwiftSetting] = crossModule + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Regsim",
    products: [
        .library(name: "BitcoinCrypto", targets: ["BitcoinCrypto"]),
        .library(name: "Consensus", targets: ["Consensus"]),
        .library(name: "Node", targets: ["Node"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .executable(name: "regsim", targets: ["regsim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // System libraries: module maps only, no Swift code.
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSecp256k1", pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(
            name: "CLevelDB",
            providers: [.apt(["libleveldb-dev"])]),
        // A header-only shim for a compiler builtin (no library behind it).
        .systemLibrary(name: "CPrefetch"),

        .target(name: "BitcoinCrypto", dependencies: ["COpenSSL", "CSecp256k1"], swiftSettings: crossModule),
        .target(name: "Consensus", dependencies: ["BitcoinCrypto"], swiftSettings: crossModule),
        .target(name: "Node", dependencies: ["BitcoinCrypto", "Consensus", "CLevelDB", "CPrefetch"], swiftSettings: releaseSettings),
        .target(name: "Simulation", dependencies: ["BitcoinCrypto", "Consensus", "Node"], swiftSettings: releaseSettings),
        .target(name: "Scenario", dependencies: ["Consensus", "Node", "Simulation", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "regsim",
            dependencies: ["Consensus", "Node", "Simulation", "Scenario", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Benchmarks (release builds: `scripts/bench`). The C baseline calls libsecp256k1
        // directly so the Swift wrappers' overhead can be measured; nothing else uses it.
        .target(
            name: "CBenchBaseline", path: "Benchmarks/CBenchBaseline",
            linkerSettings: [.linkedLibrary("secp256k1")]),
        .executableTarget(
            name: "regsim-bench", dependencies: ["BitcoinCrypto", "Consensus", "Node", "Simulation", "CBenchBaseline"],
            path: "Benchmarks/regsim-bench"),

        // Fixture loading and helpers shared by the test targets.
        .target(name: "TestSupport", dependencies: ["BitcoinCrypto"], path: "Tests/TestSupport"),
        .testTarget(name: "BitcoinCryptoTests", dependencies: ["BitcoinCrypto", "TestSupport"]),
        .testTarget(name: "ConsensusTests", dependencies: ["Consensus", "TestSupport"]),
        .testTarget(name: "NodeTests", dependencies: ["Node", "TestSupport", "node-crash-helper"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "TestSupport"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "TestSupport", "regsim"]),
        // The process the crash-safety test kills (see NodeTests/CrashSafetyTests).
        .executableTarget(
            name: "node-crash-helper", dependencies: ["Node", "TestSupport"], path: "Tests/NodeCrashHelper"),
    ]
)
