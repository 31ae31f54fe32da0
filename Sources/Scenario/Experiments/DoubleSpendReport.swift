import Foundation

/// The double-spend experiment's table, CSV and plot.
public enum DoubleSpendReport {
    public static func table(_ rows: [DoubleSpendExperiment.Row]) -> String {
        var lines = ["    q   z  trials  successes  measured   95% CI (Wilson)        exact      Rosenfeld  Nakamoto"]
        for row in rows {
            let interval = row.interval
            lines.append(String(format: "%5.2f %3d %7d %10d  %9.6f  [%9.6f, %9.6f]  %9.6f  %9.6f  %9.6f%@",
                                row.q, row.z, row.trials, row.successes, row.measured, interval.lower, interval.upper,
                                row.exact, row.rosenfeld, row.nakamoto, interval.contains(row.exact) ? "" : "  ← outside CI"))
        }
        return lines.joined(separator: "\n")
    }

    public static func csv(_ rows: [DoubleSpendExperiment.Row]) -> String {
        var text = "q,z,trials,successes,measured,ci_low,ci_high,exact,rosenfeld,nakamoto\n"
        for row in rows {
            let interval = row.interval
            text += [String(row.q), String(row.z), String(row.trials), String(row.successes)].joined(separator: ",") + ","
            text += [row.measured, interval.lower, interval.upper, row.exact, row.rosenfeld, row.nakamoto]
                .map { String(format: "%.8f", $0) }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// Probability (log scale) against z, one colour per q: measured points with their
    /// Wilson intervals over the exact model (solid) and Nakamoto's approximation (dashed).
    public static func svg(_ rows: [DoubleSpendExperiment.Row]) -> String {
        let width = 720.0, height = 420.0, left = 70.0, right = 160.0, top = 20.0, bottom = 50.0
        let zs = rows.map(\.z)
        let zMin = Double(zs.min() ?? 0), zMax = Double(max(zs.max() ?? 1, (zs.min() ?? 0) + 1))
        let floor = max(1e-6, min(rows.map { min($0.exact, $0.nakamoto, $0.interval.upper) }.filter { $0 > 0 }.min() ?? 1e-6, 0.1))
        let decades = Int(ceil(-log10(floor)))
        var plot = SVG(width: width, height: height)
        func x(_ z: Double) -> Double { left + (z - zMin) / (zMax - zMin) * (width - left - right) }
        func y(_ p: Double) -> Double {
            let clamped = max(p, pow(10, -Double(decades)))
            return top + (-log10(clamped)) / Double(decades) * (height - top - bottom)
        }
        for decade in 0...decades {
            let value = pow(10, -Double(decade))
            plot.line(left, y(value), width - right, y(value), stroke: "#e4e4e4")
            plot.text(left - 6, y(value) + 4, decade == 0 ? "1" : "1e-\(decade)", anchor: "end")
        }
        for z in stride(from: Int(zMin), through: Int(zMax), by: max(1, Int(zMax - zMin) / 10)) {
            plot.text(x(Double(z)), height - bottom + 16, "\(z)", anchor: "middle")
        }
        plot.text((left + width - right) / 2, height - 10, "confirmations z", anchor: "middle")
        plot.text(14, top + 10, "P(success)", anchor: "start")
        let shares = Array(Set(rows.map(\.q))).sorted()
        for (index, q) in shares.enumerated() {
            let colour = SVG.colour(index)
            let series = rows.filter { $0.q == q }.sorted { $0.z < $1.z }
            plot.polyline(series.map { (x(Double($0.z)), y($0.exact)) }, stroke: colour)
            for pair in zip(series, series.dropFirst()) {
                plot.line(x(Double(pair.0.z)), y(pair.0.nakamoto), x(Double(pair.1.z)), y(pair.1.nakamoto), stroke: colour, dash: true)
            }
            for row in series {
                let interval = row.interval
                plot.line(x(Double(row.z)), y(interval.upper), x(Double(row.z)), y(interval.lower), stroke: colour)
                if row.successes > 0 { plot.rect(x(Double(row.z)) - 3, y(row.measured) - 3, 6, 6, fill: colour, title: String(format: "q %.2f z %d: %d/%d", q, row.z, row.successes, row.trials)) }
            }
            plot.text(width - right + 12, top + 14 + Double(index) * 16, String(format: "q = %.2f", q), fill: colour)
        }
        plot.text(width - right + 12, top + 14 + Double(shares.count) * 16 + 8, "— exact model", size: 10)
        plot.text(width - right + 12, top + 14 + Double(shares.count) * 16 + 22, "- - Nakamoto", size: 10)
        plot.text(width - right + 12, top + 14 + Double(shares.count) * 16 + 36, "■ measured, 95% CI", size: 10)
        return plot.document
    }

    public static func html(_ rows: [DoubleSpendExperiment.Row], title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVG.escape(title))</title>
        <style>body{font-family:sans-serif;margin:2em}pre{font-size:12px}</style></head><body>
        <h1>\(SVG.escape(title))</h1>
        \(svg(rows))
        <pre>\(SVG.escape(table(rows)))</pre>
        </body></html>

        """
    }
}
