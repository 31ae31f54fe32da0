/// Units of the simulation clock: integer **microseconds** since the simulation began.
/// Integers keep event order exact and runs reproducible on every platform.
public enum SimulationTime {
    public static let microsecond: Int64 = 1
    public static let millisecond: Int64 = 1_000
    public static let second: Int64 = 1_000_000
    public static let minute: Int64 = 60 * second
    public static let hour: Int64 = 60 * minute
    public static let day: Int64 = 24 * hour

    /// `seconds` as clock ticks, rounded to the nearest microsecond.
    public static func seconds(_ seconds: Double) -> Int64 { Int64((seconds * 1e6).rounded()) }

    /// Clock ticks as seconds.
    public static func toSeconds(_ time: Int64) -> Double { Double(time) / 1e6 }
}
