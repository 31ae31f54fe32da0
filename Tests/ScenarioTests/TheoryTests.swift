import Scenario
import Testing

@Suite struct TheoryTests {
    /// Nakamoto's table in the whitepaper (§11), q = 0.1 and q = 0.3.
    @Test(arguments: [
        (0.1, 0, 1.0), (0.1, 1, 0.2045873), (0.1, 2, 0.0509779), (0.1, 3, 0.0131722), (0.1, 4, 0.0034552),
        (0.1, 5, 0.0009137), (0.1, 6, 0.0002428), (0.1, 7, 0.0000647), (0.1, 8, 0.0000173), (0.1, 9, 0.0000046), (0.1, 10, 0.0000012),
        (0.3, 0, 1.0), (0.3, 5, 0.1773523), (0.3, 10, 0.0416605), (0.3, 15, 0.0101008), (0.3, 20, 0.0024804),
        (0.3, 25, 0.0006132), (0.3, 30, 0.0001522), (0.3, 35, 0.0000379), (0.3, 40, 0.0000095), (0.3, 45, 0.0000024), (0.3, 50, 0.0000006),
    ])
    func nakamotoMatchesTheWhitepaper(q: Double, z: Int, published: Double) {
        #expect(abs(DoubleSpendTheory.nakamoto(q: q, z: z) - published) < 5e-8)
    }

    /// Rosenfeld (2012): r(1, q) = 2q, r(0, q) = 1, and his table's values for q = 10 %
    /// (z = 6: 0.0591 %).
    @Test func rosenfeldMatchesHisResults() {
        for q in [0.05, 0.1, 0.25, 0.4] { #expect(abs(DoubleSpendTheory.rosenfeld(q: q, z: 1) - 2 * q) < 1e-12) }
        #expect(DoubleSpendTheory.rosenfeld(q: 0.1, z: 0) == 1)
        #expect(abs(DoubleSpendTheory.rosenfeld(q: 0.1, z: 6) - 0.0005914) < 5e-7)
        #expect(DoubleSpendTheory.rosenfeld(q: 0.5, z: 6) == 1)
    }

    /// The exact model reduces to Rosenfeld's formula with premine 1 and no give-up, and
    /// giving up or premining less only lowers the chance.
    @Test func exactModelAgreesWithRosenfeld() {
        for q in [0.1, 0.2, 0.3, 0.45] {
            for z in 0...10 {
                let exact = DoubleSpendTheory.exact(q: q, z: z, premine: 1, giveUp: nil)
                #expect(abs(exact - DoubleSpendTheory.rosenfeld(q: q, z: z)) < 1e-9, "q \(q) z \(z)")
                #expect(DoubleSpendTheory.exact(q: q, z: z, premine: 1, giveUp: 3) <= exact + 1e-12)
                #expect(DoubleSpendTheory.exact(q: q, z: z, premine: 0, giveUp: nil) <= exact + 1e-12)
                #expect(DoubleSpendTheory.exact(q: q, z: z, premine: 2, giveUp: nil) >= exact - 1e-12)
            }
        }
        // With no premine and z = 0 the attacker must still get ahead: q/p.
        #expect(abs(DoubleSpendTheory.exact(q: 0.2, z: 0, premine: 0, giveUp: nil) - 0.25) < 1e-12)
    }

    /// Eyal and Sirer: thresholds 1/3 (γ = 0), 1/4 (γ = ½), 0 (γ = 1); revenue equals α at
    /// the threshold; and above it the pool earns more than its share.
    @Test func selfishMiningMatchesEyalSirer() {
        #expect(abs(SelfishMiningTheory.threshold(gamma: 0) - 1.0 / 3) < 1e-12)
        #expect(abs(SelfishMiningTheory.threshold(gamma: 0.5) - 0.25) < 1e-12)
        #expect(SelfishMiningTheory.threshold(gamma: 1) == 0)
        #expect(abs(SelfishMiningTheory.revenue(alpha: 1.0 / 3, gamma: 0) - 1.0 / 3) < 1e-12)
        #expect(abs(SelfishMiningTheory.revenue(alpha: 0.25, gamma: 0.5) - 0.25) < 1e-12)
        #expect(SelfishMiningTheory.revenue(alpha: 0.4, gamma: 0) > 0.4)
        #expect(SelfishMiningTheory.revenue(alpha: 0.2, gamma: 0) < 0.2)
    }

    @Test func wilsonIntervalMatchesTheTextbook() {
        let interval = WilsonInterval(successes: 10, trials: 100)
        #expect(abs(interval.lower - 0.0552) < 5e-4)
        #expect(abs(interval.upper - 0.1744) < 5e-4)
        let none = WilsonInterval(successes: 0, trials: 50)
        #expect(none.lower == 0 && abs(none.upper - 0.0714) < 5e-4)
    }
}
