import Foundation
import Node

/// How long a message takes to cross a link once sent (propagation delay, excluding
/// transmission time, which comes from bandwidth). Every sample is at least 0.
public enum LatencyModel: Sendable, Equatable {
    /// The same delay every time, microseconds.
    case constant(Int64)
    /// Uniform in [min, max] microseconds.
    case uniform(min: Int64, max: Int64)
    /// Normal with the given mean and standard deviation, microseconds, cut at 0.
    case normal(mean: Int64, standardDeviation: Int64)
    /// Log-normal with the given median, microseconds, and shape σ (of the log).
    case logNormal(median: Int64, sigma: Double)
    /// SimBlock's region model: a Pareto draw around the mean of the two nodes' regions
    /// (shape 5 ms, scale 20% of the mean), as SimBlock's `getLatency` does.
    case regions

    /// One latency sample for a message from a node in `from` to a node in `to`.
    public func sample(from: Region, to: Region, random: inout DeterministicRandom) -> Int64 {
        switch self {
        case .constant(let value):
            return max(0, value)
        case .uniform(let low, let high):
            guard high > low else { return max(0, low) }
            return max(0, low + Int64(random.nextUnit() * Double(high - low + 1)))
        case .normal(let mean, let deviation):
            return max(0, Int64((Double(mean) + Double(deviation) * LatencyModel.standardNormal(&random)).rounded()))
        case .logNormal(let median, let sigma):
            return max(0, Int64((Double(median) * exp(sigma * LatencyModel.standardNormal(&random))).rounded()))
        case .regions:
            // SimBlock: shape = 0.2 * mean, scale = mean - 5 (milliseconds); Pareto sample
            // round(scale / u^(1/shape)).
            let mean = Double(from.meanLatency(to: to)) / 1_000
            let shape = 0.2 * mean
            let scale = mean - 5
            let u = 1 - random.nextUnit()  // (0, 1]
            return Int64((scale / pow(u, 1 / shape)).rounded() * 1_000)
        }
    }

    /// The smallest delay the model can draw, microseconds: no message arrives sooner.
    public var minimum: Int64 {
        switch self {
        case .constant(let value): return max(0, value)
        case .uniform(let low, _): return max(0, low)
        case .normal, .logNormal: return 0
        case .regions:
            // A Pareto draw is never below its scale (mean − 5 ms), rounded to milliseconds.
            let scales = Region.allCases.flatMap { from in Region.allCases.map { to in Double(from.meanLatency(to: to)) / 1_000 - 5 } }
            return max(0, Int64((scales.min() ?? 0).rounded()) * 1_000)
        }
    }

    /// A standard normal draw (Box–Muller).
    static func standardNormal(_ random: inout DeterministicRandom) -> Double {
        let u1 = 1 - random.nextUnit()
        let u2 = random.nextUnit()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }

    /// The mean of the model, microseconds (for the regions model, of `from` → `to`).
    public func mean(from: Region = .northAmerica, to: Region = .northAmerica) -> Double {
        switch self {
        case .constant(let value): return Double(value)
        case .uniform(let low, let high): return Double(low + high) / 2
        case .normal(let mean, _): return Double(mean)
        case .logNormal(let median, let sigma): return Double(median) * exp(sigma * sigma / 2)
        case .regions: return Double(from.meanLatency(to: to))
        }
    }
}
