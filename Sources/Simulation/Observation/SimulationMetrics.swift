import Consensus
import Foundation
import Node

/// A summary of a run: who mined what, how much was wasted, how fast blocks spread.
public struct SimulationMetrics: Sendable {
    public struct Miner: Sendable, Equatable {
        public let name: String
        public let nodes: [Int]
        /// Its share of the network's hashpower at the end of the run.
        public let hashpowerShare: Double
        public let blocksMined: Int
        /// Its blocks in the final main chain, and their share of the main chain's run blocks.
        public let mainChainBlocks: Int
        public let mainChainShare: Double
        /// Its blocks that ended off the main chain, and that count over blocks mined.
        public let staleBlocks: Int
        public let staleRate: Double

        /// The miner as a JSON object; `nodes` is the already-encoded value of its nodes
        /// (indexes here, names in a scenario's summary).
        public func json(nodes: String) -> String {
            var entry = JSONLine()
            entry.add("name", name)
            entry.addRaw("nodes", nodes)
            entry.add("hashpower-share", hashpowerShare)
            entry.add("blocks-mined", blocksMined)
            entry.add("main-chain-blocks", mainChainBlocks)
            entry.add("main-chain-share", mainChainShare)
            entry.add("stale-blocks", staleBlocks)
            entry.add("stale-rate", staleRate)
            return entry.finish()
        }
    }

    /// How long blocks took to reach a share of the nodes online when they were found.
    public struct Propagation: Sendable, Equatable {
        public let coverage: Double
        /// Blocks that reached the coverage.
        public let blocks: Int
        /// Seconds.
        public let mean: Double
        public let median: Double
        public let p90: Double
        public let max: Double
    }

    /// Simulated time, microseconds.
    public let duration: Int64
    /// Blocks found during the run that the nodes did not reject.
    public let blocksFound: Int
    /// Blocks misbehaving nodes sent that the nodes rejected (not counted as found or stale).
    public let invalidBlocks: Int
    /// Height of the most-work tip among online nodes, and its blocks found during the run.
    public let mainChainHeight: Int
    public let mainChainBlocks: Int
    public let staleBlocks: Int
    public let staleRate: Double
    public let miners: [Miner]
    public let propagation: [Propagation]
    /// Reorgs seen by nodes, by depth (ascending).
    public let reorgDepths: [(depth: Int, count: Int)]
    /// Seconds from each watched transaction's broadcast to the first block holding it.
    public let confirmationLatencies: [(txid: Txid, seconds: Double?)]
    /// The fewest miners holding more than half the main chain's blocks.
    public let nakamotoCoefficient: Int
    /// Herfindahl–Hirschman index of main-chain block shares, 0 to 10,000.
    public let herfindahlIndex: Double
    /// True when every online node has the same tip.
    public let converged: Bool
    public let distinctTips: Int
    public let messagesDelivered: UInt64
    public let bytesSent: UInt64

    /// The metrics as one JSON object with a fixed key order.
    public var json: String {
        var object = JSONLine()
        object.add("duration-seconds", SimulationTime.toSeconds(duration))
        object.add("blocks-found", blocksFound)
        object.add("invalid-blocks", invalidBlocks)
        object.add("main-chain-height", mainChainHeight)
        object.add("main-chain-blocks", mainChainBlocks)
        object.add("stale-blocks", staleBlocks)
        object.add("stale-rate", staleRate)
        object.addRaw("miners", "[" + miners.map { $0.json(nodes: "[" + $0.nodes.map(String.init).joined(separator: ",") + "]") }.joined(separator: ",") + "]")
        object.addRaw("propagation", "[" + propagation.map { item in
            var entry = JSONLine()
            entry.add("coverage", item.coverage)
            entry.add("blocks", item.blocks)
            entry.add("mean-seconds", item.mean)
            entry.add("median-seconds", item.median)
            entry.add("p90-seconds", item.p90)
            entry.add("max-seconds", item.max)
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.addRaw("reorg-depths", "{" + reorgDepths.map { "\"\($0.depth)\":\($0.count)" }.joined(separator: ",") + "}")
        object.addRaw("confirmation-latencies", "[" + confirmationLatencies.map { item in
            var entry = JSONLine()
            entry.add("txid", item.txid.description)
            entry.addRaw("seconds", item.seconds.map(JSONLine.number) ?? "null")
            return entry.finish()
        }.joined(separator: ",") + "]")
        object.add("nakamoto-coefficient", nakamotoCoefficient)
        object.add("hhi", herfindahlIndex)
        object.add("converged", converged)
        object.add("distinct-tips", distinctTips)
        object.add("messages", Int64(messagesDelivered))
        object.add("bytes", Int64(bytesSent))
        return object.finish()
    }
}

extension Simulation {
    /// The metrics of the run so far, against the most-work tip among online nodes.
    public func metrics() -> SimulationMetrics {
        let tips = nodes.filter(\.online).map { $0.node.chain.tip }
        let best = bestTip(among: tips) ?? nodes[0].node.chain.tip
        let mainChain = mainChainBlocks(from: best.hash)
        var mined = [Int](repeating: 0, count: miners.count)
        var onMain = [Int](repeating: 0, count: miners.count)
        var stale = 0
        let found = acceptedFoundOrder()
        for hash in found {
            guard let record = records[hash] else { continue }
            let isMain = mainChain.contains(hash)
            if !isMain { stale += 1 }
            guard record.miner >= 0 else { continue }
            mined[record.miner] += 1
            if isMain { onMain[record.miner] += 1 }
        }
        let mainCount = found.filter { mainChain.contains($0) }.count
        let totalHashpower = miners.reduce(0) { $0 + $1.hashpower }
        let minerMetrics = miners.indices.map { index in
            SimulationMetrics.Miner(
                name: miners[index].configuration.name, nodes: miners[index].configuration.nodes,
                hashpowerShare: totalHashpower > 0 ? miners[index].hashpower / totalHashpower : 0,
                blocksMined: mined[index], mainChainBlocks: onMain[index],
                mainChainShare: mainCount > 0 ? Double(onMain[index]) / Double(mainCount) : 0,
                staleBlocks: mined[index] - onMain[index],
                staleRate: mined[index] > 0 ? Double(mined[index] - onMain[index]) / Double(mined[index]) : 0)
        }
        let shares = minerMetrics.map(\.mainChainShare).sorted(by: >)
        var cumulative = 0.0
        var nakamoto = 0
        for share in shares where cumulative <= 0.5 {
            cumulative += share
            nakamoto += 1
        }
        let latencies: [(txid: Txid, seconds: Double?)] = watchOrder.map { txid in
            let first = (watched[txid] ?? []).compactMap { records[$0]?.found }.min()
            return (txid, first.map { SimulationTime.toSeconds($0 - (watchStart[txid] ?? 0)) })
        }
        return SimulationMetrics(
            duration: now, blocksFound: found.count, invalidBlocks: foundOrder.count - found.count,
            mainChainHeight: best.height, mainChainBlocks: mainCount,
            staleBlocks: stale, staleRate: found.isEmpty ? 0 : Double(stale) / Double(found.count),
            miners: minerMetrics, propagation: propagationMetrics(),
            reorgDepths: reorgDepths.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            confirmationLatencies: latencies,
            nakamotoCoefficient: mainCount > 0 ? nakamoto : 0,
            herfindahlIndex: shares.reduce(0) { $0 + ($1 * 100) * ($1 * 100) },
            converged: Set(tips.map(\.hash)).count <= 1, distinctTips: Set(tips.map(\.hash)).count,
            messagesDelivered: messagesDelivered, bytesSent: bytesDelivered)
    }

    /// Hashes of the run's blocks on the chain ending at `tip`.
    func mainChainBlocks(from tip: BlockHash) -> Set<BlockHash> {
        var result = Set<BlockHash>()
        var walk = tip
        while records[walk] != nil, let block = blocks[walk] {
            result.insert(walk)
            walk = block.header.previousBlockHash
        }
        return result
    }

    func propagationMetrics() -> [SimulationMetrics.Propagation] {
        propagationSamples().map { coverage, times in
            func quantile(_ q: Double) -> Double {
                guard !times.isEmpty else { return 0 }
                return times[min(times.count - 1, Int((q * Double(times.count - 1)).rounded()))]
            }
            return SimulationMetrics.Propagation(
                coverage: coverage, blocks: times.count, mean: times.isEmpty ? 0 : times.reduce(0, +) / Double(times.count),
                median: quantile(0.5), p90: quantile(0.9), max: times.last ?? 0)
        }
    }
}

/// A block found during a run, for drawing the block tree.
public struct FoundBlock: Sendable, Equatable {
    public let hash: BlockHash
    public let parent: BlockHash
    public let height: Int
    /// The miner's index, or -1 for scripted blocks.
    public let miner: Int
    /// When it was found, microseconds.
    public let time: Int64
    public let transactions: Int
}

extension Simulation {
    /// Every block found during the run, in the order found, without those misbehaving nodes
    /// sent and the nodes rejected.
    public func foundBlocks() -> [FoundBlock] {
        acceptedFoundOrder().compactMap { hash in
            guard let record = records[hash], let block = blocks[hash] else { return nil }
            return FoundBlock(hash: hash, parent: block.header.previousBlockHash, height: record.height, miner: record.miner,
                              time: record.found, transactions: block.transactions.count)
        }
    }

    /// The blocks of the run on the most-work tip among online nodes.
    public func mainChain() -> Set<BlockHash> {
        guard let best = bestTip(among: nodes.filter(\.online).map { $0.node.chain.tip }) else { return [] }
        return mainChainBlocks(from: best.hash)
    }

    /// The tip with the most work (the lower hash on a tie, for a deterministic answer).
    func bestTip(among tips: [BlockInfo]) -> BlockInfo? {
        tips.max { a, b in a.chainWork != b.chainWork ? a.chainWork < b.chainWork : a.hash > b.hash }
    }

    /// The height of the blocks known before the run (genesis and bootstrap).
    public var startHeight: Int { bootstrapHeight }
}

extension Simulation {
    /// For each coverage (50 %, 90 %, 100 % of nodes), the seconds each block took to reach
    /// it, sorted (blocks that never reached it left out): the propagation CDF.
    public func propagationSamples() -> [(coverage: Double, seconds: [Double])] {
        let accepted = acceptedFoundOrder()
        return BlockRecord.coverages.enumerated().map { slot, coverage in
            (coverage, accepted.compactMap { records[$0]?.reachTimes[slot] }.map(SimulationTime.toSeconds).sorted())
        }
    }
}
