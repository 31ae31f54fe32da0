/// One simulated node's place in the network.
public struct NodeConfiguration: Sendable, Equatable {
    public var name: String
    /// The region, for the region latency model and default bandwidths.
    public var region: Region
    /// Upload and download bandwidth, bits per second; `nil` is unlimited (no transmission delay).
    public var uploadBitsPerSecond: Double?
    public var downloadBitsPerSecond: Double?

    public init(name: String, region: Region = .northAmerica, uploadBitsPerSecond: Double? = nil, downloadBitsPerSecond: Double? = nil) {
        self.name = name
        self.region = region
        self.uploadBitsPerSecond = uploadBitsPerSecond
        self.downloadBitsPerSecond = downloadBitsPerSecond
    }

    /// `count` nodes named `n1`, `n2`, … spread over SimBlock's regions in its 2019
    /// proportions (deterministically: node *i* goes to the region whose cumulative share
    /// covers (i + 0.5) / count), with that region's bandwidth.
    public static func regional(count: Int) -> [NodeConfiguration] {
        (0..<count).map { index in
            let position = (Double(index) + 0.5) / Double(count)
            var cumulative = 0.0
            var region = Region.australia
            for candidate in Region.allCases {
                cumulative += candidate.nodeShare
                if position < cumulative {
                    region = candidate
                    break
                }
            }
            return NodeConfiguration(name: "n\(index + 1)", region: region,
                                     uploadBitsPerSecond: region.uploadBitsPerSecond,
                                     downloadBitsPerSecond: region.downloadBitsPerSecond)
        }
    }

    /// `count` nodes named `n1`, `n2`, … in one region with unlimited bandwidth.
    public static func named(count: Int) -> [NodeConfiguration] {
        (0..<count).map { NodeConfiguration(name: "n\($0 + 1)") }
    }
}
