import Foundation
import Simulation
import Testing

@Suite struct JSONLineTests {
    /// Every string comes back unchanged through a JSON parser, escaped or not.
    @Test(arguments: ["block-found", "", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
                      "say \"hi\"", "back\\slash", "line\nbreak\r\ttab", "bell\u{07} nul\u{00} esc\u{1B}", "café ₿ 🧱"])
    func quotedStringsParseBack(_ string: String) throws {
        let quoted = JSONLine.quote(string)
        let parsed = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed)
        #expect(parsed as? String == string)
    }

    @Test func escapesAreTheShortForms() {
        #expect(JSONLine.quote("plain") == "\"plain\"")
        #expect(JSONLine.quote("a\"b\\c\nd\u{01}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
    }

    @Test func fieldsKeepTheirOrder() {
        var line = JSONLine()
        line.add("t", Int64(5))
        line.add("type", "note")
        line.add("text", "x\"y")
        line.add("share", 0.25)
        line.add("none", nil as Int?)
        #expect(line.finish() == "{\"t\":5,\"type\":\"note\",\"text\":\"x\\\"y\",\"share\":0.25,\"none\":null}")
    }
}
