import Consensus
import Foundation
import Simulation

/// Parsers for the units people write in scenarios: `250ms`, `10m`, `1.5 BTC`, `30%`,
/// `1MB/s`, `535kB`. Each returns `nil` for text it does not understand; the loader turns
/// that into a diagnostic naming the expected form.
public enum Units {
    /// Splits `"1.5 BTC"` into 1.5 and `"btc"` (unit lower-cased, spaces ignored).
    static func split(_ text: String) -> (Double, String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var end = trimmed.startIndex
        while end < trimmed.endIndex, "0123456789.+-eE".contains(trimmed[end]) {
            // An "e" belongs to the number only before a digit (1e3), not in a unit.
            if "eE".contains(trimmed[end]) {
                let next = trimmed.index(after: end)
                guard next < trimmed.endIndex, trimmed[next].isNumber else { break }
            }
            end = trimmed.index(after: end)
        }
        guard let value = Double(trimmed[..<end]), value.isFinite else { return nil }
        return (value, trimmed[end...].trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// A duration in simulation microseconds: `us`, `ms`, `s`, `m`/`min`, `h`, `d`; a bare
    /// number is seconds.
    public static func duration(_ text: String) -> Int64? {
        // Compound forms such as 3h29m or 1d 6h: the sum of their parts.
        let parts = durationParts(text)
        if parts.count > 1 {
            var total: Int64 = 0
            for part in parts {
                guard let value = duration(part) else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(value)
                guard !overflow else { return nil }
                total = sum
            }
            return total
        }
        guard let (value, unit) = split(text), value >= 0 else { return nil }
        let scale: Double
        switch unit {
        case "us", "µs": scale = 1
        case "ms": scale = 1e3
        case "", "s", "sec": scale = 1e6
        case "m", "min": scale = 60e6
        case "h": scale = 3_600e6
        case "d": scale = 86_400e6
        default: return nil
        }
        let micros = value * scale
        guard micros < 9e18 else { return nil }
        return Int64(micros.rounded())
    }

    /// `3h29m` → `["3h", "29m"]`: a new part starts at a digit after a letter.
    static func durationParts(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        for character in text where character != " " {
            if character.isNumber, let last = current.last, last.isLetter {
                parts.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    /// An amount: `1.5 BTC`, `1000 sat`; a bare number is bitcoin.
    public static func amount(_ text: String) -> Amount? {
        guard let (value, unit) = split(text), value >= 0 else { return nil }
        switch unit {
        case "", "btc": return Amount(btc: value)
        case "sat", "sats", "satoshi", "satoshis":
            guard value == value.rounded() else { return nil }
            return Amount(satoshis: Int64(value))
        default: return nil
        }
    }

    /// A fraction from `30%` or a bare number in [0, 1].
    public static func fraction(_ text: String) -> Double? {
        guard let (value, unit) = split(text) else { return nil }
        switch unit {
        case "%": return (0...100).contains(value) ? value / 100 : nil
        case "": return (0...1).contains(value) ? value : nil
        default: return nil
        }
    }

    /// Bandwidth in bits per second: `1MB/s` (bytes), `8Mbit/s`, `100kB/s`, `20Mbps`.
    public static func bandwidth(_ text: String) -> Double? {
        guard let (value, unit) = split(text), value > 0 else { return nil }
        let units: [String: Double] = [
            "b/s": 8, "kb/s": 8e3, "mb/s": 8e6, "gb/s": 8e9,
            "bit/s": 1, "kbit/s": 1e3, "mbit/s": 1e6, "gbit/s": 1e9,
            "bps": 1, "kbps": 1e3, "mbps": 1e6, "gbps": 1e9,
        ]
        return units[unit].map { value * $0 }
    }

    /// A size in bytes: `535kB`, `1MB`, `300B`; a bare number is bytes.
    public static func size(_ text: String) -> Int? {
        guard let (value, unit) = split(text), value >= 0 else { return nil }
        let units: [String: Double] = ["": 1, "b": 1, "kb": 1e3, "mb": 1e6]
        guard let scale = units[unit], value * scale < 1e12 else { return nil }
        return Int((value * scale).rounded())
    }

    /// A fee rate: `20 sat/vB`; a bare number is sat/vB.
    public static func feeRate(_ text: String) -> FeeRate? {
        guard let (value, unit) = split(text), value >= 0, unit == "" || unit == "sat/vb" else { return nil }
        return FeeRate(satoshisPerKilovirtualByte: Int64((value * 1000).rounded()))
    }

    /// `01:02:03` for a simulation time (with `Nd ` in front past a day).
    public static func clock(_ time: Int64) -> String {
        let seconds = time / SimulationTime.second
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let text = String(format: "%02lld:%02lld:%02lld", rest / 3600, rest % 3600 / 60, rest % 60)
        return days > 0 ? "\(days)d \(text)" : text
    }
}
