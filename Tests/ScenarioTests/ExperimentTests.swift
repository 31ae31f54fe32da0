import Foundation
import Scenario
import Simulation
import Testing

@Suite struct ExperimentTests {
    /// Real-node races at q = 0.1 and 0.3, z = 1 and 2: each measured probability's 95 %
    /// interval holds the exact probability of the model.
    @Test func doubleSpendRacesMatchTheTheory() throws {
        var experiment = DoubleSpendExperiment(attackerShares: [0.1, 0.3], confirmations: [1, 2], trials: 300)
        experiment.jobs = 2
        let rows = try experiment.run()
        #expect(rows.count == 4)
        for row in rows {
            #expect(row.interval.contains(row.exact), "q \(row.q) z \(row.z): \(row.successes)/\(row.trials) vs \(row.exact)")
            #expect(row.successes > 0)
        }
    }

    /// The result for a seed does not depend on the number of parallel jobs.
    @Test func sameSeedSameCSVWhateverTheJobs() throws {
        func csv(jobs: Int) throws -> String {
            var experiment = DoubleSpendExperiment(attackerShares: [0.25], confirmations: [0, 1, 3], trials: 60)
            experiment.jobs = jobs
            experiment.seed = 11
            return DoubleSpendReport.csv(try experiment.run())
        }
        let one = try csv(jobs: 1)
        #expect(one == (try csv(jobs: 2)))
        #expect(one == (try csv(jobs: 3)))
        #expect(one.hasPrefix("q,z,trials,successes,"))
    }

    /// Trials can keep their nodes in LevelDB too.
    @Test func doubleSpendTrialsRunOnLevelDB() throws {
        var experiment = DoubleSpendExperiment(attackerShares: [0.3], confirmations: [1], trials: 20)
        experiment.useLevelDB = true
        let memory = DoubleSpendExperiment(attackerShares: [0.3], confirmations: [1], trials: 20)
        #expect(try experiment.run() == (try memory.run()))
    }

    /// α = 0.35 with γ = 0 and ½: the selfish pool's share matches Eyal and Sirer.
    @Test func selfishMiningMatchesEyalSirer() throws {
        var experiment = SelfishMiningExperiment(alphas: [0.35], gammas: [0, 0.5], blocks: 3_000)
        experiment.jobs = 2
        for row in try experiment.run() {
            #expect(row.revenue.contains(row.theory), "γ \(row.gamma): \(row.revenue) vs \(row.theory)")
            #expect(row.revenue.mean > 0.35)
        }
    }

    /// Stale blocks grow with propagation time, as 1 − e^(−τ/T) says, and `inv` relay
    /// (three trips per hop) forks more than `push`.
    @Test func forkRateRisesWithDelay() throws {
        var experiment = ForkRateExperiment(latencies: [100 * SimulationTime.millisecond, 30 * SimulationTime.second], relays: [.inv, .push], blocks: 600)
        experiment.jobs = 2
        let rows = try experiment.run()
        let fast = rows.filter { $0.latency < SimulationTime.second }, slow = rows.filter { $0.latency >= SimulationTime.second }
        #expect(fast.allSatisfy { $0.staleRate < 0.01 })
        #expect(slow.allSatisfy { $0.staleRate > 0.02 })
        let slowInv = try #require(slow.first { $0.relay == .inv }), slowPush = try #require(slow.first { $0.relay == .push })
        #expect(slowInv.staleRate > slowPush.staleRate)
        #expect(abs(slowInv.propagation - 90) < 1)
        for row in slow { #expect(abs(row.staleRate - row.model) < 0.05) }
    }

    /// Small miners lose a larger share of their blocks than large ones.
    @Test func centralisationFavoursLargeMiners() throws {
        let rows = try CentralisationExperiment(shares: [0.1, 0.2, 0.7], latency: 20 * SimulationTime.second, blocks: 3_000).run()
        #expect(rows[0].staleRate > rows[2].staleRate)
        #expect(rows[2].mainChainShare > 0.69)
    }
}
