import Foundation

/// A one-line JSON object written in the order fields are added (Foundation's encoder does
/// not promise an order, and logs must be byte-identical across runs).
public struct JSONLine {
    var text = "{"
    var first = true

    public init() {}

    mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += JSONLine.quote(name) + ":"
    }

    public mutating func add(_ name: String, _ value: String) { key(name); text += JSONLine.quote(value) }
    public mutating func add(_ name: String, _ value: Int) { key(name); text += String(value) }
    public mutating func add(_ name: String, _ value: Int64) { key(name); text += String(value) }
    public mutating func add(_ name: String, _ value: Bool) { key(name); text += value ? "true" : "false" }
    /// Doubles are written with up to 6 significant decimals, the same on every platform.
    public mutating func add(_ name: String, _ value: Double) { key(name); text += JSONLine.number(value) }
    public mutating func add(_ name: String, _ value: Int?) {
        key(name)
        text += value.map(String.init) ?? "null"
    }
    public mutating func add(_ name: String, _ values: [String]) {
        key(name)
        text += "[" + values.map(JSONLine.quote).joined(separator: ",") + "]"
    }
    /// Adds already-encoded JSON.
    public mutating func addRaw(_ name: String, _ json: String) { key(name); text += json }

    public func finish() -> String { text + "}" }

    /// A JSON number for `value` (`null` for NaN and infinities, which JSON lacks).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var digits = String(format: "%.6f", value)
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits
    }

    /// A JSON string literal.
    public static func quote(_ string: String) -> String {
        // Nearly every string (event types, keys, hashes, names) needs no escape: copy it
        // whole rather than a scalar at a time.
        let needsEscape = string.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        guard needsEscape else { return "\"" + string + "\"" }
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
