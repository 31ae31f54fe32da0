import Foundation

/// A file or directory of a run that could not be made or written: its path and why, in
/// words (rather than Foundation's error dump).
public struct RunFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
