import Consensus
import Foundation
import Simulation

/// Writes a run's files: `metrics.json`, `confirmations.csv`, `blocktree.dot`,
/// `blocktree.svg` and a self-contained `report.html`.
struct ReportWriter {
    let runner: ScenarioRunner
    let metrics: SimulationMetrics
    var scenario: Scenario { runner.scenario }
    var simulation: Simulation { runner.simulation }
    var directory: String { runner.options.outputDirectory }

    func write() throws(RunFileError) {
        try save("metrics.json", metrics.json + "\n")
        try save("summary.json", runner.summaryJSON() + "\n")
        try save("confirmations.csv", confirmationsCSV())
        let blocks = simulation.foundBlocks()
        let main = simulation.mainChain()
        try save("blocktree.dot", blockTreeDOT(blocks, main: main))
        let tree = blockTreeSVG(blocks, main: main)
        try save("blocktree.svg", tree)
        try save("report.html", html(tree: tree))
    }

    func save(_ name: String, _ text: String) throws(RunFileError) {
        let path = directory + "/" + name
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw RunFileError(path: path, reason: "could not be written: \(error.localizedDescription)")
        }
    }

    func confirmationsCSV() -> String {
        var csv = "tx,txid,node,time_seconds,confirmations\n"
        for entry in runner.confirmationSeries {
            csv += "\(entry.id),\(entry.txid),\(scenario.nodeNames[entry.node]),\(JSONLine.number(SimulationTime.toSeconds(entry.time))),\(entry.count)\n"
        }
        return csv
    }

    func minerName(_ index: Int) -> String { index >= 0 ? scenario.minerNames[index] : "scripted" }

    func blockTreeDOT(_ blocks: [FoundBlock], main: Set<BlockHash>) -> String {
        var dot = "digraph blocktree {\n  rankdir=LR;\n  node [shape=box, style=filled, fontname=\"sans-serif\"];\n"
        let known = Set(blocks.map(\.hash))
        for block in blocks {
            let fill = main.contains(block.hash) ? SVG.colour(block.miner) : "#dddddd"
            dot += "  \"\(block.hash)\" [label=\"\(block.height)\\n\(minerName(block.miner))\\n\(block.hash.description.prefix(8))\", fillcolor=\"\(fill)\"];\n"
            if known.contains(block.parent) { dot += "  \"\(block.parent)\" -> \"\(block.hash)\";\n" }
        }
        return dot + "}\n"
    }

    /// The block tree: one column per height, the main chain on the first row, stale
    /// branches below; filled with the miner's colour (stale blocks outlined). The last 150
    /// heights at most.
    func blockTreeSVG(_ blocks: [FoundBlock], main: Set<BlockHash>) -> String {
        let lastHeight = blocks.map(\.height).max() ?? 0
        let firstHeight = max(blocks.map(\.height).min() ?? 0, lastHeight - 149)
        let shown = blocks.filter { $0.height >= firstHeight }
        var lane: [BlockHash: Int] = [:]
        var used: [Int: Set<Int>] = [:]
        for block in shown where main.contains(block.hash) {
            lane[block.hash] = 0
            used[block.height, default: []].insert(0)
        }
        for block in shown where !main.contains(block.hash) {
            var candidate = max(1, lane[block.parent] ?? 1)
            while used[block.height]?.contains(candidate) == true { candidate += 1 }
            lane[block.hash] = candidate
            used[block.height, default: []].insert(candidate)
        }
        let lanes = (lane.values.max() ?? 0) + 1
        let cell = 22.0, box = 16.0, left = 40.0, top = 30.0
        let legend = Double(scenario.minerNames.count + 1) * 16
        var svg = SVG(width: max(300, left + Double(lastHeight - firstHeight + 1) * cell + 20), height: top + Double(lanes) * cell + 30 + legend)
        svg.text(left, 18, "Block tree, heights \(firstHeight)–\(lastHeight): main chain on top, stale branches below", size: 12)
        func position(_ block: FoundBlock) -> (Double, Double) {
            (left + Double(block.height - firstHeight) * cell, top + Double(lane[block.hash] ?? 0) * cell)
        }
        let byHash = Dictionary(shown.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        for block in shown {
            guard let parent = byHash[block.parent] else { continue }
            let (x1, y1) = position(parent), (x2, y2) = position(block)
            svg.line(x1 + box, y1 + box / 2, x2, y2 + box / 2, stroke: "#888")
        }
        for block in shown {
            let (x, y) = position(block)
            let stale = !main.contains(block.hash)
            svg.rect(x, y, box, box, fill: stale ? "white" : SVG.colour(block.miner), stroke: SVG.colour(block.miner),
                     title: "height \(block.height), \(minerName(block.miner)), \(block.hash)\(stale ? " (stale)" : ""), found at \(Units.clock(block.time))")
        }
        var y = top + Double(lanes) * cell + 20
        for (index, name) in scenario.minerNames.enumerated() {
            svg.rect(left, y - 10, 10, 10, fill: SVG.colour(index))
            svg.text(left + 16, y, name)
            y += 16
        }
        svg.rect(left, y - 10, 10, 10, fill: "white", stroke: "#999")
        svg.text(left + 16, y, "stale (outlined in its miner's colour)")
        return svg.document
    }
}
