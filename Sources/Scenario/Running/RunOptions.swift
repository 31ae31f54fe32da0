/// How much the runner prints.
public enum Verbosity: Sendable { case quiet, normal, verbose }

/// Options of ``ScenarioRunner``.
public struct RunOptions: Sendable {
    /// Overrides the scenario's seed.
    public var seed: UInt64?
    /// The run directory: reports and node databases. Cleared of an earlier run's databases.
    public var outputDirectory: String
    public var verbosity = Verbosity.normal
    /// ANSI colours in the timeline.
    public var colour = false
    /// Write `report.html` and the other files.
    public var writeReports = true
    /// Progress lines on standard error for long runs.
    public var progress = false
    /// Threads to run the nodes on (at least 1). The timeline, events and reports are the
    /// same on any number; a scenario with `when:` conditions, with miners that react to
    /// other nodes' tips, or with a latency model that can draw zero (normal, log-normal)
    /// runs on one whatever is asked (see ``ScenarioRunner/threads(for:asked:)`` and
    /// ``Simulation/parallelWindow``).
    public var threads = 1

    public init(outputDirectory: String) { self.outputDirectory = outputDirectory }
}
