/// SipHash-2-4 (Aumasson and Bernstein), the keyed hash of BIP 152 short transaction IDs.
public enum SipHash {
    /// SipHash-2-4 of `data` with keys `k0`, `k1`.
    public static func hash(k0: UInt64, k1: UInt64, _ data: [UInt8]) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1

        func round() {
            v0 = v0 &+ v1; v1 = (v1 << 13) | (v1 >> 51); v1 ^= v0; v0 = (v0 << 32) | (v0 >> 32)
            v2 = v2 &+ v3; v3 = (v3 << 16) | (v3 >> 48); v3 ^= v2
            v0 = v0 &+ v3; v3 = (v3 << 21) | (v3 >> 43); v3 ^= v0
            v2 = v2 &+ v1; v1 = (v1 << 17) | (v1 >> 47); v1 ^= v2; v2 = (v2 << 32) | (v2 >> 32)
        }

        let blocks = data.count / 8
        for block in 0..<blocks {
            var m: UInt64 = 0
            for byte in 0..<8 { m |= UInt64(data[block * 8 + byte]) << (8 * UInt64(byte)) }
            v3 ^= m
            round(); round()
            v0 ^= m
        }
        var last = UInt64(data.count & 0xff) << 56
        for byte in 0..<(data.count % 8) { last |= UInt64(data[blocks * 8 + byte]) << (8 * UInt64(byte)) }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}
