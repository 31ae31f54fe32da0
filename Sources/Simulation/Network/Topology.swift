import Node

/// Who connects to whom. Edges are directed from the node that dials (outbound) to the one
/// that accepts (inbound); messages flow both ways.
public enum Topology: Sendable, Equatable {
    /// Every pair connected.
    case fullMesh
    /// Each node dials the next, the last dials the first.
    case ring
    /// Every node dials node `center`.
    case star(center: Int)
    /// Each node has exactly `degree` neighbours (when `degree × count` is even), drawn at random.
    case randomRegular(degree: Int)
    /// Each pair is connected with probability `probability`.
    case erdosRenyi(probability: Double)
    /// Bitcoin Core's pattern: each node dials `outbound` random peers that still accept
    /// inbound connections (at most `maxInbound` each).
    case bitcoin(outbound: Int, maxInbound: Int)
    /// Exactly these connections, `(dialler, acceptor)`.
    case edges([Edge])

    public struct Edge: Sendable, Equatable, Hashable {
        public let from: Int
        public let to: Int
        public init(_ from: Int, _ to: Int) {
            self.from = from
            self.to = to
        }
    }

    /// Why a topology cannot be built.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The connections for `count` nodes, in a deterministic order; no self-loops, no
    /// duplicate pairs.
    public func edges(count: Int, random: inout DeterministicRandom) throws(Error) -> [Edge] {
        switch self {
        case .fullMesh:
            var result = [Edge]()
            result.reserveCapacity(count * (count - 1) / 2)
            for a in 0..<count { for b in (a + 1)..<max(a + 1, count) { result.append(Edge(a, b)) } }
            return result
        case .ring:
            guard count > 1 else { return [] }
            if count == 2 { return [Edge(0, 1)] }
            return (0..<count).map { Edge($0, ($0 + 1) % count) }
        case .star(let center):
            guard (0..<count).contains(center) else { throw Error(description: "star centre \(center) is not one of the \(count) nodes") }
            return (0..<count).filter { $0 != center }.map { Edge($0, center) }
        case .randomRegular(let degree):
            return try Topology.randomRegular(count: count, degree: degree, random: &random)
        case .erdosRenyi(let probability):
            guard (0...1).contains(probability) else { throw Error(description: "edge probability \(probability) is not between 0 and 1") }
            var result = [Edge]()
            for a in 0..<count { for b in (a + 1)..<max(a + 1, count) where random.nextUnit() < probability { result.append(Edge(a, b)) } }
            return result
        case .bitcoin(let outbound, let maxInbound):
            return try Topology.bitcoinLike(count: count, outbound: outbound, maxInbound: maxInbound, random: &random)
        case .edges(let list):
            var seen = Set<Edge>()
            var result = [Edge]()
            for edge in list {
                guard (0..<count).contains(edge.from), (0..<count).contains(edge.to) else {
                    throw Error(description: "edge \(edge.from)-\(edge.to) names a node outside 0..<\(count)")
                }
                guard edge.from != edge.to else { throw Error(description: "edge \(edge.from)-\(edge.to) connects a node to itself") }
                let key = Edge(min(edge.from, edge.to), max(edge.from, edge.to))
                if seen.insert(key).inserted { result.append(edge) }
            }
            return result
        }
    }

    /// Each node dials `outbound` distinct random peers with inbound room, as Core's address
    /// manager would in a network of this size.
    static func bitcoinLike(count: Int, outbound: Int, maxInbound: Int, random: inout DeterministicRandom) throws(Error) -> [Edge] {
        guard outbound >= 0, maxInbound >= 0 else { throw Error(description: "peer counts cannot be negative") }
        guard count <= 1 || outbound < count else { throw Error(description: "\(outbound) outbound peers need more than \(count) nodes") }
        guard count * outbound <= count * maxInbound else {
            throw Error(description: "\(count) nodes × \(outbound) outbound exceeds the inbound capacity \(maxInbound) per node")
        }
        var inbound = [Int](repeating: 0, count: count)
        var neighbours = [Set<Int>](repeating: [], count: count)
        var result = [Edge]()
        result.reserveCapacity(count * outbound)
        for node in 0..<count {
            var attempts = 0
            while neighbours[node].count < min(outbound, count - 1) && attempts < 100 * max(outbound, 1) {
                attempts += 1
                let peer = Int(random.next() % UInt64(count))
                guard peer != node, !neighbours[node].contains(peer), inbound[peer] < maxInbound else { continue }
                neighbours[node].insert(peer)
                neighbours[peer].insert(node)
                inbound[peer] += 1
                result.append(Edge(node, peer))
            }
        }
        return result
    }

    /// A random `degree`-regular graph: stubs paired at random, each with a partner that
    /// keeps the graph simple (Steger–Wormald's method), restarted on a dead end.
    static func randomRegular(count: Int, degree: Int, random: inout DeterministicRandom) throws(Error) -> [Edge] {
        guard degree >= 0, degree < max(count, 1) else { throw Error(description: "degree \(degree) needs more than \(count) nodes") }
        guard (count * degree) % 2 == 0 else { throw Error(description: "degree \(degree) × \(count) nodes is odd: no regular graph exists") }
        attempt: for _ in 0..<100 {
            var stubs = [Int]()
            stubs.reserveCapacity(count * degree)
            for node in 0..<count { stubs += [Int](repeating: node, count: degree) }
            var seen = Set<Edge>()
            var result = [Edge]()
            while let a = stubs.popLast() {
                var partner: Int?
                for _ in 0..<(10 + stubs.count) {
                    guard !stubs.isEmpty else { break }
                    let j = Int(random.next() % UInt64(stubs.count))
                    let b = stubs[j]
                    if b != a, !seen.contains(Edge(min(a, b), max(a, b))) {
                        partner = j
                        break
                    }
                }
                guard let j = partner else { continue attempt }
                let b = stubs[j]
                stubs.swapAt(j, stubs.count - 1)
                stubs.removeLast()
                seen.insert(Edge(min(a, b), max(a, b)))
                result.append(Edge(a, b))
            }
            return result
        }
        throw Error(description: "no simple \(degree)-regular graph on \(count) nodes found after 100 tries")
    }
}
