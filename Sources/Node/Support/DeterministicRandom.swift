import BitcoinCrypto
import Foundation

/// A seeded random source (xoshiro256**): the same seed gives the same sequence on every
/// run and platform. ``split(_:)`` derives independent streams by label, so each node, link
/// or miner draws from its own stream and adding one consumer never shifts another's numbers.
public struct DeterministicRandom: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A stream seeded from `seed`.
    public init(seed: UInt64) {
        // SplitMix64 expands the seed into the four words of state.
        var x = seed
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// An independent stream for `label`, derived from this stream's seed material without
    /// consuming any of its numbers.
    public func split(_ label: String) -> DeterministicRandom {
        var material = [UInt8](String(label).utf8)
        for word in [s0, s1, s2, s3] { withUnsafeBytes(of: word.littleEndian) { material.append(contentsOf: $0) } }
        return DeterministicRandom(seed: SHA256.hash(material).w0)
    }

    /// The stream `split("\(name) \(first) \(second)")` gives, without building the string:
    /// a simulation splits one per link, and formatting the label cost more than the hash.
    public func split(_ name: StaticString, _ first: Int, _ second: Int) -> DeterministicRandom {
        // Name, two numbers of at most 20 digits and a sign each, two spaces, four words.
        let capacity = name.utf8CodeUnitCount + 2 * 22 + 32
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var count = 0
            func append(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func append(_ number: Int) {
                if number < 0 { append(UInt8(ascii: "-")) }
                var magnitude = number.magnitude
                let start = count
                repeat {
                    append(UInt8(ascii: "0") + UInt8(magnitude % 10))
                    magnitude /= 10
                } while magnitude > 0
                buffer[start..<count].reverse()
            }
            name.withUTF8Buffer { for byte in $0 { append(byte) } }
            append(UInt8(ascii: " "))
            append(first)
            append(UInt8(ascii: " "))
            append(second)
            for word in [s0, s1, s2, s3] { withUnsafeBytes(of: word.littleEndian) { for byte in $0 { append(byte) } } }
            return DeterministicRandom(seed: SHA256.hash(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count]))).w0)
        }
    }

    /// A uniform double in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// An exponentially distributed value with the given mean (1 − u is never 0).
    public mutating func nextExponential(mean: Double) -> Double {
        -mean * log(1 - nextUnit())
    }
}
