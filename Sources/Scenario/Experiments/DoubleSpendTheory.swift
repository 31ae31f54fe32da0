import Foundation

/// The probability that a double-spend succeeds, by the published formulas and exactly for
/// Regsim's attacker.
///
/// The model (Rosenfeld 2012, generalised): the attacker (share q, honest p = 1 − q) has
/// mined K private blocks when the payment is broadcast (if the honest network finds a block
/// first, it starts again). It keeps mining; the merchant waits for z honest blocks. From
/// then on the attacker releases its branch as soon as it is strictly longer than the honest
/// chain, and it gives up whenever it falls D blocks behind.
public enum DoubleSpendTheory {
    /// Nakamoto's approximation (whitepaper §11): Poisson attacker progress with mean
    /// λ = z·q/p, then catching up from behind with probability (q/p)^(z−k).
    public static func nakamoto(q: Double, z: Int) -> Double {
        let p = 1 - q
        guard q < p else { return 1 }
        let lambda = Double(z) * q / p
        var sum = 1.0
        var poisson = exp(-lambda)
        for k in 0...z {
            if k > 0 { poisson *= lambda / Double(k) }
            sum -= poisson * (1 - pow(q / p, Double(z - k)))
        }
        return max(0, min(1, sum))
    }

    /// Rosenfeld's exact formula (2012), for an attacker who pre-mined one block and never
    /// gives up: 1 − Σ_{m=0}^{z} C(m+z−1, m)(p^z q^m − p^m q^z).
    public static func rosenfeld(q: Double, z: Int) -> Double {
        let p = 1 - q
        guard q < p else { return 1 }
        guard z > 0 else { return 1 }
        var sum = 0.0
        for m in 0...z {
            sum += binomial(m + z - 1, m) * (pow(p, Double(z)) * pow(q, Double(m)) - pow(p, Double(m)) * pow(q, Double(z)))
        }
        return max(0, min(1, 1 - sum))
    }

    /// The exact success probability of Regsim's attacker with premine `k` and give-up
    /// deficit `d` (`nil`: never gives up), by dynamic programming over the honest blocks:
    /// between two honest blocks the attacker finds j blocks with probability q^j·p; after
    /// each honest block it gives up if it is d behind; once z honest blocks exist it wins at
    /// once if ahead, else with the gambler's-ruin probability of climbing to +1 before −d.
    public static func exact(q: Double, z: Int, premine k: Int, giveUp d: Int?) -> Double {
        let p = 1 - q
        guard q > 0 else { return z == 0 && k > 0 ? 1 : 0 }
        // Leads (attacker − honest) from −d+1 up to `won`: any lead ≥ won wins whatever follows.
        let won = z + 1
        let floor = -(d ?? 10_000) + 1
        var distribution = [Int: Double]()
        distribution[min(k, won)] = 1
        var winning = 0.0
        if k >= won { winning = 1; distribution = [:] }
        for _ in 0..<z {
            var next = [Int: Double]()
            for (lead, mass) in distribution {
                // j attacker blocks, then one honest block: lead + j − 1.
                var j = 0
                var weight = p
                while true {
                    let newLead = lead + j - 1
                    if newLead >= won {
                        // Every larger j also wins: the geometric tail from here.
                        winning += mass * weight / p
                        break
                    }
                    if newLead >= floor { next[newLead, default: 0] += mass * weight }
                    j += 1
                    weight *= q
                    if weight < 1e-18 { break }
                }
            }
            distribution = next
        }
        var success = winning
        for (lead, mass) in distribution {
            if lead >= 1 { success += mass; continue }
            success += mass * climbToOne(from: lead, q: q, giveUp: d)
        }
        return max(0, min(1, success))
    }

    /// The probability that a walk (+1 with q, −1 with p) starting at `lead` ≤ 0 reaches +1
    /// before −d (gambler's ruin); without d, (q/p)^(1−lead) or 1 when q ≥ p.
    static func climbToOne(from lead: Int, q: Double, giveUp d: Int?) -> Double {
        let p = 1 - q
        guard let d else { return q >= p ? 1 : pow(q / p, Double(1 - lead)) }
        let i = Double(lead + d), n = Double(d + 1)
        guard i > 0 else { return 0 }
        if abs(p - q) < 1e-12 { return i / n }
        let r = p / q
        return (1 - pow(r, i)) / (1 - pow(r, n))
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return n == -1 && k == 0 ? 1 : 0 }
        var result = 1.0
        for i in 0..<k { result = result * Double(n - i) / Double(i + 1) }
        return result
    }
}

/// Eyal and Sirer's selfish-mining revenue (2014, eq. 8) and profitability threshold.
public enum SelfishMiningTheory {
    /// The selfish pool's share of the main chain's blocks, for pool share α and tie share γ.
    public static func revenue(alpha a: Double, gamma g: Double) -> Double {
        let numerator = a * (1 - a) * (1 - a) * (4 * a + g * (1 - 2 * a)) - a * a * a
        let denominator = 1 - a * (1 + (2 - a) * a)
        return numerator / denominator
    }

    /// The smallest α at which selfish mining pays: (1 − γ) / (3 − 2γ).
    public static func threshold(gamma g: Double) -> Double { (1 - g) / (3 - 2 * g) }
}

/// The Wilson score interval for a binomial proportion (95 % by default).
public struct WilsonInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    public init(successes: Int, trials: Int, z: Double = 1.959964) {
        guard trials > 0 else {
            lower = 0
            upper = 1
            return
        }
        let n = Double(trials), phat = Double(successes) / n
        let denominator = 1 + z * z / n
        let centre = (phat + z * z / (2 * n)) / denominator
        let half = z / denominator * sqrt(phat * (1 - phat) / n + z * z / (4 * n * n))
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }

    public func contains(_ value: Double) -> Bool { value >= lower - 1e-12 && value <= upper + 1e-12 }
}
