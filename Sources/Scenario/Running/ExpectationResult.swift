/// The verdict on one expectation: what was expected, what was found.
public struct ExpectationResult: Sendable, Equatable {
    public let location: Scenario.Location
    public let expected: String
    public let actual: String
    public let passed: Bool

    /// `file:line: PASS/FAIL expected …, got …`.
    public var line: String { "\(location): \(passed ? "PASS" : "FAIL") expected \(expected); \(passed ? "got" : "actual") \(actual)" }
}
