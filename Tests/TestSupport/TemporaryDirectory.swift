import Foundation

/// A fresh directory under the system temporary directory, removed when the value is
/// released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "regsim") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func path(_ component: String) -> String { url.appendingPathComponent(component).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The number of file descriptors this process has open (Linux), to detect leaks.
public func openFileDescriptorCount() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}
