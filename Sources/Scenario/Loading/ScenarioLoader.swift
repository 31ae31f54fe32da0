/// Reads scenario files (YAML) into ``Scenario`` values, reporting every problem with its
/// file, line, column and field path. The format is documented in `docs/scenario-format.md`.
public enum ScenarioLoader {
    static let topLevelKeys = ["name", "description", "seed", "duration", "target-interval", "retarget", "network", "miners", "actors", "events", "expect"]

    /// Loads the scenario at `path`.
    public static func load(path: String) throws(ScenarioErrors) -> Scenario {
        try load(yaml: YAMLReader.read(path: path), file: path)
    }

    /// Loads a scenario from YAML text; `file` names it in messages.
    public static func load(yaml: String, file: String) throws(ScenarioErrors) -> Scenario {
        let root = try YAMLReader.compose(yaml: yaml, file: file)
        let reader = YAMLReader(file: file)
        return try reader.result(ScenarioBuilder(reader: reader).build(root))
    }
}
