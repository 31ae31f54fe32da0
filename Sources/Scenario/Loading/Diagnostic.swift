/// One problem found in a scenario file: where (file, line, column, the path of the field)
/// and what was expected.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    /// The field's path, e.g. `network.latency` or `events[2].send.amount`.
    public let path: String
    public let message: String

    /// Control characters in `path` and `message` (which may quote the file) become `?`, so
    /// that printing a diagnostic cannot garble the terminal.
    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = Diagnostic.printable(path)
        self.message = Diagnostic.printable(message)
    }

    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// `file:line:column: path: message`, as compilers print errors.
    public var description: String {
        "\(file):\(line):\(column): \(path.isEmpty ? "" : path + ": ")\(message)"
    }
}

/// Every problem of a scenario file, reported together.
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
