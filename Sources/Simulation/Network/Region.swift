/// SimBlock's six regions, with the latencies and bandwidths its Bitcoin model uses
/// (SimBlock 2019, from measurements of the Bitcoin network), so that Regsim's region
/// workloads match the published peer's.
public enum Region: Int, CaseIterable, Sendable, Codable {
    case northAmerica, europe, southAmerica, asiaPacific, japan, australia

    /// The name a scenario uses.
    public var name: String {
        ["north-america", "europe", "south-america", "asia-pacific", "japan", "australia"][rawValue]
    }

    /// The region called `name`.
    public init?(name: String) {
        guard let region = Region.allCases.first(where: { $0.name == name }) else { return nil }
        self = region
    }

    /// Mean one-way latency between regions, milliseconds (SimBlock's `LATENCY` table).
    static let meanLatency: [[Double]] = [
        [32, 124, 184, 198, 151, 189],
        [124, 11, 227, 237, 252, 294],
        [184, 227, 88, 325, 301, 322],
        [198, 237, 325, 85, 58, 198],
        [151, 252, 301, 58, 12, 126],
        [189, 294, 322, 198, 126, 16],
    ]

    /// The share of Bitcoin nodes in each region (SimBlock's `REGION_DISTRIBUTION_BITCOIN_2019`).
    public var nodeShare: Double { [0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195][rawValue] }

    /// Download and upload bandwidth, bits per second (SimBlock's 2019 figures).
    public var downloadBitsPerSecond: Double { [52_000_000, 40_000_000, 18_000_000, 22_800_000, 22_800_000, 29_900_000][rawValue] }
    public var uploadBitsPerSecond: Double { [19_200_000, 20_700_000, 5_800_000, 15_700_000, 10_200_000, 11_300_000][rawValue] }

    /// The mean latency to `other`, microseconds.
    public func meanLatency(to other: Region) -> Int64 {
        Int64(Region.meanLatency[rawValue][other.rawValue] * 1_000)
    }
}
