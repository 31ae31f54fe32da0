import BitcoinCrypto
import Foundation

/// The shared test fixtures in `Tests/Fixtures` (see `ORIGIN.md` there).
public enum Fixture {
    /// The fixtures directory, found relative to this source file so tests need no bundle.
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    public static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    public static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try data(name)) }

    public static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name), options: [.fragmentsAllowed])
    }
}

/// Decodes hex written in a test; a typo in a test is a bug in the test, so it traps.
public func bytes(_ hex: String) -> [UInt8] {
    guard let decoded = Hex.decode(hex) else { preconditionFailure("bad hex in test: \(hex)") }
    return decoded
}

/// A small deterministic generator for test inputs (SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A missing value in a test fixture or setup step.
public struct MissingValue: Error, CustomStringConvertible {
    public let description: String
}

/// Unwraps `value` or throws, for use inside closures and expressions where `#require`
/// cannot be nested.
public func unwrap<T>(_ value: T?, _ what: @autoclosure () -> String = "value") throws -> T {
    guard let value else { throw MissingValue(description: "missing \(what())") }
    return value
}
