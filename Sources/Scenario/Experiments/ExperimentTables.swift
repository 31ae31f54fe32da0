import Foundation
import Simulation

/// Tables (for the terminal) and CSV files of the network experiments.
public enum ExperimentTables {
    public static func selfishMining(_ rows: [SelfishMiningExperiment.Row]) -> (table: String, csv: String) {
        var table = ["alpha  gamma  blocks  measured  95% CI            Eyal–Sirer  threshold"]
        var csv = "alpha,gamma,blocks,measured,ci_low,ci_high,theory,threshold\n"
        for row in rows {
            let estimate = row.revenue
            table.append(String(format: "%5.3f  %5.2f  %6d  %8.4f  [%6.4f, %6.4f]  %10.4f  %9.4f%@%@", row.alpha, row.gamma, row.blocks, estimate.mean,
                                estimate.lower, estimate.upper, row.theory, row.threshold,
                                row.alpha >= row.threshold ? "  (profitable)" : "", estimate.contains(row.theory) ? "" : "  ← theory outside CI"))
            csv += String(format: "%.4f,%.4f,%d,%.6f,%.6f,%.6f,%.6f,%.6f\n", row.alpha, row.gamma, row.blocks, estimate.mean, estimate.lower, estimate.upper, row.theory, row.threshold)
        }
        return (table.joined(separator: "\n"), csv)
    }

    public static func forkRate(_ rows: [ForkRateExperiment.Row]) -> (table: String, csv: String) {
        var table = ["latency  relay    blocks  stale  stale rate  95% CI            τ (to all)  1 − e^(−τ/T)"]
        var csv = "latency_seconds,relay,blocks,stale,stale_rate,ci_low,ci_high,propagation_seconds,model\n"
        for row in rows {
            let interval = row.interval
            let latency = SimulationTime.toSeconds(row.latency)
            table.append(String(format: "%6.2fs  ", latency) + row.relay.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                         + String(format: "  %6d  %5d  %10.4f  [%6.4f, %6.4f]  %9.2fs  %12.4f",
                                row.blocks, row.stale, row.staleRate, interval.lower, interval.upper, row.propagation, row.model))
            csv += String(format: "%.3f,%@,%d,%d,%.6f,%.6f,%.6f,%.4f,%.6f\n", latency, row.relay.rawValue as NSString, row.blocks, row.stale,
                          row.staleRate, interval.lower, interval.upper, row.propagation, row.model)
        }
        return (table.joined(separator: "\n"), csv)
    }

    public static func centralisation(_ rows: [CentralisationExperiment.Row]) -> (table: String, csv: String) {
        var table = ["hashpower  mined  main-chain share  stale rate  model stale rate"]
        var csv = "hashpower,mined,main_chain_share,stale_rate,model_stale_rate\n"
        for row in rows {
            table.append(String(format: "%8.3f  %6d  %16.4f  %10.4f  %16.4f", row.hashpower, row.mined, row.mainChainShare, row.staleRate, row.modelStaleRate))
            csv += String(format: "%.6f,%d,%.6f,%.6f,%.6f\n", row.hashpower, row.mined, row.mainChainShare, row.staleRate, row.modelStaleRate)
        }
        return (table.joined(separator: "\n"), csv)
    }
}
