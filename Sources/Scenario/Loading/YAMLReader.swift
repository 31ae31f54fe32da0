import Foundation
import Yams

/// Walks a composed YAML document, checking types and keys and collecting a
/// ``Diagnostic`` for every problem instead of stopping at the first.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    /// The text of the file at `path`.
    static func read(path: String) throws(ScenarioErrors) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: path, line: 1, column: 1, path: "", message: "cannot read the file")])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The document's root node; a YAML syntax error becomes a positioned diagnostic.
    static func compose(yaml: String, file: String) throws(ScenarioErrors) -> Node {
        let composed: Node?
        do { composed = try Yams.compose(yaml: yaml) } catch let error as YamlError {
            throw ScenarioErrors(diagnostics: [syntaxDiagnostic(error, file: file)])
        } catch {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "", message: "YAML error: \(firstLine(error))")])
        }
        guard let composed else {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "", message: "the file is empty")])
        }
        return composed
    }

    static func syntaxDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return Diagnostic(file: file, line: mark.line, column: mark.column, path: "", message: "YAML syntax error: \(problem)")
        case let .reader(problem, offset, value, yaml):
            // Not text (a binary or mis-encoded file): say where, without echoing its bytes.
            let (line, column) = position(ofByte: offset ?? 0, in: yaml)
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            return Diagnostic(file: file, line: line, column: column, path: "", message: "not YAML text: \(problem)\(character)")
        default:
            return Diagnostic(file: file, line: 1, column: 1, path: "", message: "YAML error: \(firstLine(error))")
        }
    }

    /// The first line of `value`'s description: Yams's errors go on to quote the document.
    static func firstLine(_ value: Any) -> String {
        String(String(describing: value).split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }

    /// The 1-based line and column of the byte at `offset` in `text`'s UTF-8.
    static func position(ofByte offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in text.utf8.prefix(max(0, offset)) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// `value` when the document had no problem; otherwise every diagnostic, in file order.
    func result<T>(_ value: T?) throws(ScenarioErrors) -> T {
        guard diagnostics.isEmpty, let value else {
            throw ScenarioErrors(diagnostics: diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return value
    }

    func location(_ node: Node?) -> Scenario.Location { Scenario.Location(file: file, line: node?.mark?.line ?? 1) }

    func error(_ node: Node?, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, path: path, message: message))
    }

    /// The first key node of the mapping `node`, in file order, that is one of `keys` (for a
    /// message that points at the key).
    static func firstKey(of node: Node, in keys: Set<String>) -> Node? {
        guard let mapping = node.mapping else { return nil }
        for (keyNode, _) in mapping {
            if let key = keyNode.scalar?.string, keys.contains(key) { return keyNode }
        }
        return nil
    }

    /// A mapping's entries by key, in file order; reports keys not in `allowed` (with a
    /// did-you-mean) and duplicates. `nil` when `node` is not a mapping.
    func mapping(_ node: Node, _ path: String, allowed: [String]) -> [(key: String, value: Node, keyNode: Node)]? {
        guard let mapping = node.mapping else {
            error(node, path, "expected a mapping (key: value lines), found \(describe(node))")
            return nil
        }
        var seen = Set<String>()
        var entries: [(key: String, value: Node, keyNode: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                error(keyNode, path, "keys must be plain names")
                continue
            }
            let fieldPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                let hint = YAMLReader.suggestion(for: key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error(keyNode, fieldPath, "unknown key '\(key)'\(hint) (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            guard seen.insert(key).inserted else {
                error(keyNode, fieldPath, "'\(key)' appears twice")
                continue
            }
            entries.append((key, value, keyNode))
        }
        return entries
    }

    func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard let sequence = node.sequence else {
            error(node, path, "expected a list (lines starting with '-'), found \(describe(node))")
            return nil
        }
        return Array(sequence)
    }

    func string(_ node: Node, _ path: String) -> String? {
        guard let scalar = node.scalar else {
            error(node, path, "expected text, found \(describe(node))")
            return nil
        }
        return scalar.string
    }

    func integer(_ node: Node, _ path: String, range: ClosedRange<Int> = 0...Int(Int32.max)) -> Int? {
        guard let text = string(node, path) else { return nil }
        guard let value = Int(text) else {
            error(node, path, "expected a whole number, found '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            error(node, path, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func boolean(_ node: Node, _ path: String) -> Bool? {
        guard let text = string(node, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, path, "expected true or false, found '\(text)'")
            return nil
        }
    }

    /// A value in a unit, parsed by `parse`; `expected` describes the accepted form.
    func unit<T>(_ node: Node, _ path: String, expected: String, _ parse: (String) -> T?) -> T? {
        guard let text = string(node, path) else { return nil }
        guard let value = parse(text) else {
            error(node, path, "expected \(expected), found '\(text)'")
            return nil
        }
        return value
    }

    /// One of `choices`.
    func choice(_ node: Node, _ path: String, _ choices: [String]) -> String? {
        guard let text = string(node, path) else { return nil }
        guard choices.contains(text) else {
            let hint = YAMLReader.suggestion(for: text, among: choices).map { "; did you mean '\($0)'?" } ?? ""
            error(node, path, "unknown value '\(text)'\(hint) (expected one of: \(choices.joined(separator: ", ")))")
            return nil
        }
        return text
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The closest name within edit distance 2, for "did you mean".
    static func suggestion(for word: String, among names: [String]) -> String? {
        let scored = names.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
