import Foundation

/// The values an experiment accepts, the same from the command's flags and from a file:
/// beyond them a sweep would not finish in any useful time, or its arithmetic would overflow.
public enum ExperimentLimits {
    public static let trials = 1...10_000_000
    public static let confirmations = 0...1_000
    public static let premine = 0...100
    public static let giveUp = 1...1_000
    public static let blocks = 100...10_000_000
    public static let miners = 2...1_000
    /// The most values a list or a range (`0.05-0.45`, `0-10`) may stand for.
    public static let listLength = 1_000

    /// Why an attacker of one of the `shares` could not finish its premine of `premine`
    /// blocks in any useful time, or `nil`: it restarts whenever the honest miners find a
    /// block first (Rosenfeld), so a share q needs about q^−premine attempts per trial.
    public static func premineProblem(shares: [Double], premine: Int) -> String? {
        guard let q = shares.min() else { return nil }
        let attempts = pow(1 / q, Double(premine))
        guard attempts > 1e6 else { return nil }
        return String(format: "a premine of %d at q = %g needs about %.0e attempts per trial; lower it or raise the attacker's share",
                      premine, q, attempts)
    }

    /// Whether `shares` can be normalised into miners' hashpower: at least two, each
    /// positive, with a finite sum.
    public static func areHashpowerShares(_ shares: [Double]) -> Bool {
        shares.count >= 2 && shares.allSatisfy { $0 > 0 } && shares.reduce(0, +).isFinite
    }
}
