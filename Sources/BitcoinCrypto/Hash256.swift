/// A 256-bit hash value, held as 32 bytes in the order the hash function produced them.
///
/// Bitcoin shows block hashes and txids byte-reversed; ``displayHex`` gives that form and
/// ``hex`` the internal one. The value is stored as four 64-bit words so that comparing and
/// hashing it (UTXO maps, block indexes) costs a few instructions.
public struct Hash256: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Bytes 0..<8 in w0 (little-endian), 8..<16 in w1, and so on.
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The all-zero hash (the null previous-block hash, the coinbase prevout).
    public static let zero = Hash256(w0: 0, w1: 0, w2: 0, w3: 0)

    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Reads 32 bytes from `buffer`, which must hold at least 32 bytes.
    @inlinable
    public init(_ buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count >= 32, "Hash256 needs 32 bytes")
        w0 = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        w1 = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        w2 = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        w3 = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    /// Creates a hash from exactly 32 bytes in internal order; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        let array = Array(bytes)
        self = array.withUnsafeBytes { Hash256($0) }
    }

    /// Parses 64 hex digits in internal byte order.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == 32 else { return nil }
        self.init(bytes: bytes)!
    }

    /// Parses 64 hex digits in Bitcoin's display order (byte-reversed).
    public init?(displayHex: String) {
        guard let bytes = Hex.decode(displayHex), bytes.count == 32 else { return nil }
        self.init(bytes: bytes.reversed())!
    }

    /// The 32 bytes in internal order.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Calls `body` with the 32 bytes in internal order.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian)
        return try Swift.withUnsafeBytes(of: &words) { try body($0) }
    }

    /// Hex of the bytes in internal order.
    public var hex: String { Hex.encode(bytes) }

    /// Hex of the bytes reversed, as Bitcoin Core displays txids and block hashes.
    public var displayHex: String { Hex.encode(bytes.reversed()) }

    public var description: String { displayHex }

    /// True when every byte is zero.
    public var isZero: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// Orders hashes as 256-bit little-endian numbers (the way Bitcoin compares a block
    /// hash with its target).
    @inlinable
    public static func < (lhs: Hash256, rhs: Hash256) -> Bool {
        if lhs.w3 != rhs.w3 { return lhs.w3 < rhs.w3 }
        if lhs.w2 != rhs.w2 { return lhs.w2 < rhs.w2 }
        if lhs.w1 != rhs.w1 { return lhs.w1 < rhs.w1 }
        return lhs.w0 < rhs.w0
    }

    public func hash(into hasher: inout Hasher) {
        // The value is already a uniformly distributed hash: one word is plenty.
        hasher.combine(w0)
    }

    /// What `Set` and `Dictionary` bucket by: ``w0`` mixed with the table's seed.
    public func _rawHashValue(seed: Int) -> Int { Hash256.rawHash(of: w0, seed: seed) }

    /// A table hash of `word`, a value that is already uniformly distributed (a slice of a
    /// hash), mixed with a table's `seed`.
    ///
    /// `Hasher` runs SipHash on every lookup, which protects tables keyed by values an
    /// attacker chooses freely; a simulated node instead looks up hashes it received — a dozen
    /// lookups per node per block — and SipHash's set-up and finalisation were most of their
    /// cost. MurmurHash3's 64-bit finaliser spreads every bit of the seeded word over the low
    /// bits the table buckets by. Equal words always give equal results, as `Hashable` requires.
    @inlinable
    public static func rawHash(of word: UInt64, seed: Int) -> Int {
        var mixed = word ^ UInt64(UInt(bitPattern: seed))
        mixed = (mixed ^ (mixed >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        mixed = (mixed ^ (mixed >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 33))
    }
}
