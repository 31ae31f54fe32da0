import Consensus
import Foundation
import Node
import Simulation
import Yams

/// Reads scenario files (YAML) into ``Scenario`` values, reporting every problem with its
/// file, line, column and field path. The format is documented in `docs/scenario-format.md`.
public enum ScenarioLoader {
    static let topLevelKeys = ["name", "description", "seed", "duration", "target-interval", "retarget", "network", "miners", "actors", "events", "expect"]

    /// Loads the scenario at `path`.
    public static func load(path: String) throws(ScenarioErrors) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: path, line: 1, column: 1, path: "", message: "cannot read the file")])
        }
        return try load(yaml: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Loads a scenario from YAML text; `file` names it in messages.
    public static func load(yaml: String, file: String) throws(ScenarioErrors) -> Scenario {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ScenarioErrors(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "", message: "the file is empty")])
            }
            root = composed
        } catch let error as ScenarioErrors {
            throw error
        } catch let error as YamlError {
            throw ScenarioErrors(diagnostics: [syntaxDiagnostic(error, file: file)])
        } catch {
            throw ScenarioErrors(diagnostics: [Diagnostic(file: file, line: 1, column: 1, path: "", message: "YAML error: \(error)")])
        }
        let reader = YAMLReader(file: file)
        let scenario = ScenarioBuilder(reader: reader).build(root)
        guard reader.diagnostics.isEmpty, let scenario else {
            throw ScenarioErrors(diagnostics: reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return scenario
    }

    static func syntaxDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return Diagnostic(file: file, line: mark.line, column: mark.column, path: "", message: "YAML syntax error: \(problem)")
        default:
            return Diagnostic(file: file, line: 1, column: 1, path: "", message: "YAML error: \(error)")
        }
    }
}
