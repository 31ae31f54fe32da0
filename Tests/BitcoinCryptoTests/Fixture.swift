import Foundation
import BitcoinCrypto

/// Test fixtures live beside the tests, in `Fixtures/`, so a clone is self-contained.
enum Fixture {
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(name))
    }
}

func bytes(_ hex: String) -> [UInt8] {
    guard let decoded = Hex.decode(hex) else { fatalError("bad hex in test: \(hex)") }
    return decoded
}
