import Consensus
import Foundation
import Simulation

extension ReportWriter {
    func html(tree: String) -> String {
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVG.escape(scenario.name)) — Regsim report</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}h2{margin-top:1.6em}
        table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        th{background:#f3f3f3}.pass{color:#080}.fail{color:#b00}.scroll{overflow-x:auto}</style></head><body>
        <h1>\(SVG.escape(scenario.name))</h1><p>\(SVG.escape(scenario.description))</p>
        <p>Seed \(runner.options.seed ?? scenario.seed), \(Units.clock(runner.end)) simulated\(runner.stoppedBy.map { " (stopped by \(SVG.escape($0.description)))" } ?? ""),
        \(scenario.nodeNames.count) nodes, \(metrics.blocksFound) blocks found, stale rate \(String(format: "%.2f%%", metrics.staleRate * 100)).</p>

        """
        page += "<h2>Expectations</h2>" + expectationsTable()
        page += "<h2>Block tree</h2><div class=\"scroll\">\(tree)</div>"
        page += "<h2>Confirmations over time</h2>" + confirmationsChart()
        page += "<h2>Miner share against hashpower</h2>" + sharesChart() + minersTable()
        page += "<h2>Block propagation</h2>" + propagationChart()
        page += "<h2>Timeline</h2><pre>" + SVG.escape(runner.timeline.suffix(2_000).joined(separator: "\n")) + "</pre>"
        return page + "</body></html>\n"
    }

    func expectationsTable() -> String {
        guard !runner.results.isEmpty else { return "<p>No expectations.</p>" }
        var table = "<table><tr><th>line</th><th>expected</th><th>actual</th><th></th></tr>"
        for result in runner.results {
            table += "<tr><td>\(result.location.line)</td><td style=\"text-align:left\">\(SVG.escape(result.expected))</td><td>\(SVG.escape(result.actual))</td>"
            table += result.passed ? "<td class=\"pass\">pass</td></tr>" : "<td class=\"fail\">FAIL</td></tr>"
        }
        return table + "</table>"
    }

    func minersTable() -> String {
        var table = "<table><tr><th>miner</th><th>hashpower</th><th>mined</th><th>main chain</th><th>share</th><th>stale</th><th>stale rate</th></tr>"
        for miner in metrics.miners {
            table += "<tr><td style=\"text-align:left\">\(SVG.escape(miner.name))</td>" + String(format: "<td>%.1f%%</td><td>%d</td><td>%d</td><td>%.1f%%</td><td>%d</td><td>%.2f%%</td></tr>",
                     miner.hashpowerShare * 100, miner.blocksMined, miner.mainChainBlocks, miner.mainChainShare * 100, miner.staleBlocks, miner.staleRate * 100)
        }
        return table + "</table>" + String(format: "<p>Nakamoto coefficient %d, HHI %.0f.</p>", metrics.nakamotoCoefficient, metrics.herfindahlIndex)
    }

    /// One step line per (transaction, node): confirmations against time, dropping on reorgs.
    func confirmationsChart() -> String {
        let series = Dictionary(grouping: runner.confirmationSeries, by: { "\($0.id) on \(scenario.nodeNames[$0.node])" })
        guard !series.isEmpty else { return "<p>No tracked transactions.</p>" }
        let keys = series.keys.sorted()
        let end = Double(runner.end)
        let top = Double(runner.confirmationSeries.map(\.count).max() ?? 1)
        let width = 760.0, height = 240.0, left = 50.0, bottom = 30.0
        var svg = SVG(width: width + 220, height: height + bottom + 20)
        func x(_ time: Double) -> Double { left + time / max(end, 1) * (width - left) }
        func y(_ count: Double) -> Double { 10 + (1 - count / max(top, 1)) * height }
        svg.line(left, y(0), width, y(0), stroke: "#444")
        svg.line(left, y(0), left, y(top), stroke: "#444")
        svg.text(left - 6, y(top) + 4, JSONLine.number(top), anchor: "end")
        svg.text(left - 6, y(0) + 4, "0", anchor: "end")
        svg.text(width, y(0) + 16, Units.clock(runner.end), anchor: "end")
        for (index, key) in keys.enumerated() {
            var points: [(Double, Double)] = []
            var last = 0.0
            for entry in series[key] ?? [] {
                let time = Double(entry.time)
                points.append((x(time), y(last)))
                last = Double(entry.count)
                points.append((x(time), y(last)))
            }
            points.append((x(end), y(last)))
            svg.polyline(points, stroke: SVG.colour(index))
            svg.text(width + 10, 20 + Double(index) * 14, key, fill: SVG.colour(index))
        }
        return svg.document
    }

    func sharesChart() -> String {
        let rowHeight = 34.0
        var svg = SVG(width: 620, height: Double(metrics.miners.count) * rowHeight + 30)
        for (index, miner) in metrics.miners.enumerated() {
            let y = 10 + Double(index) * rowHeight
            svg.text(110, y + 12, miner.name, anchor: "end")
            svg.rect(120, y, miner.hashpowerShare * 400, 12, fill: "#bbbbbb", title: String(format: "hashpower %.1f%%", miner.hashpowerShare * 100))
            svg.rect(120, y + 13, miner.mainChainShare * 400, 12, fill: SVG.colour(index), title: String(format: "main-chain share %.1f%%", miner.mainChainShare * 100))
            svg.text(126 + max(miner.hashpowerShare, miner.mainChainShare) * 400, y + 20, String(format: "%.1f%% → %.1f%%", miner.hashpowerShare * 100, miner.mainChainShare * 100))
        }
        svg.text(120, Double(metrics.miners.count) * rowHeight + 24, "grey: hashpower share; colour: share of the final main chain")
        return svg.document
    }

    /// The share of blocks that reached 50 %, 90 % and 100 % of nodes within t seconds.
    func propagationChart() -> String {
        let samples = simulation.propagationSamples()
        let longest = samples.flatMap(\.seconds).max() ?? 0
        guard longest > 0 else { return "<p>No block propagated during the run.</p>" }
        let width = 600.0, height = 200.0, left = 50.0
        var svg = SVG(width: width + 160, height: height + 50)
        func x(_ seconds: Double) -> Double { left + seconds / longest * (width - left) }
        func y(_ share: Double) -> Double { 10 + (1 - share) * height }
        svg.line(left, y(0), width, y(0), stroke: "#444")
        svg.line(left, y(0), left, y(1), stroke: "#444")
        svg.text(left - 6, y(1) + 4, "100%", anchor: "end")
        svg.text(left - 6, y(0) + 4, "0", anchor: "end")
        svg.text(width, y(0) + 16, String(format: "%.2f s", longest), anchor: "end")
        let total = Double(metrics.blocksFound)
        for (index, sample) in samples.enumerated() {
            var points: [(Double, Double)] = [(x(0), y(0))]
            for (rank, seconds) in sample.seconds.enumerated() {
                points.append((x(seconds), y(Double(rank) / total)))
                points.append((x(seconds), y(Double(rank + 1) / total)))
            }
            svg.polyline(points, stroke: SVG.colour(index))
            svg.text(width + 10, 20 + Double(index) * 14, "\(Int(sample.coverage * 100))% of nodes", fill: SVG.colour(index))
        }
        svg.text(left, height + 40, "share of blocks (y) that reached the share of nodes within t seconds (x)")
        return svg.document
    }
}
