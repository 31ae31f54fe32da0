import CSecp256k1

/// A BIP 340 x-only public key: the 32-byte x coordinate of a point with even y.
public struct XOnlyPublicKey: Sendable, Hashable {
    /// The 32 bytes of the x coordinate.
    public let bytes: [UInt8]

    /// Parses 32 bytes; `nil` unless they are the x coordinate of a curve point.
    public init?(bytes: [UInt8]) {
        var point = secp256k1_xonly_pubkey()
        guard bytes.count == 32,
              secp256k1_xonly_pubkey_parse(Secp256k1Context.shared.raw, &point, bytes) == 1
        else { return nil }
        self.bytes = bytes
    }

    init(point: secp256k1_xonly_pubkey) {
        var point = point
        var out = [UInt8](repeating: 0, count: 32)
        _ = secp256k1_xonly_pubkey_serialize(Secp256k1Context.shared.raw, &out, &point)
        bytes = out
    }

    /// The BIP 341 output key `Q = P + t·G` for this internal key and an optional script
    /// tree root, with the parity of Q's y (true when odd), as a control block carries it.
    /// `nil` in the negligible case where the tweak is not a valid scalar.
    public func taprootOutputKey(merkleRoot: Hash256?) -> (key: XOnlyPublicKey, oddY: Bool)? {
        let context = Secp256k1Context.shared.raw
        var internalPoint = secp256k1_xonly_pubkey()
        _ = secp256k1_xonly_pubkey_parse(context, &internalPoint, bytes)
        let tweak = TaprootTweak.tweak(internalKey: self, merkleRoot: merkleRoot)
        var output = secp256k1_pubkey()
        let ok = tweak.withUnsafeBytes { tweakBytes in
            secp256k1_xonly_pubkey_tweak_add(
                context, &output, &internalPoint,
                tweakBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard ok == 1 else { return nil }
        var outputX = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        _ = secp256k1_xonly_pubkey_from_pubkey(context, &outputX, &parity, &output)
        return (XOnlyPublicKey(point: outputX), parity == 1)
    }

    /// Checks that `outputKey` (with y parity `oddY`) is this internal key tweaked by
    /// `merkleRoot`, as a taproot script-path spend requires (BIP 341).
    public func checkTaprootTweak(outputKey: [UInt8], oddY: Bool, merkleRoot: Hash256?) -> Bool {
        let context = Secp256k1Context.shared.raw
        var internalPoint = secp256k1_xonly_pubkey()
        guard outputKey.count == 32,
              secp256k1_xonly_pubkey_parse(context, &internalPoint, bytes) == 1
        else { return false }
        let tweak = TaprootTweak.tweak(internalKey: self, merkleRoot: merkleRoot)
        return tweak.withUnsafeBytes { tweakBytes in
            secp256k1_xonly_pubkey_tweak_add_check(
                context, outputKey, oddY ? 1 : 0, &internalPoint,
                tweakBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1
        }
    }
}

/// The BIP 341 tweak: `hashTapTweak(P || merkleRoot)`, or `hashTapTweak(P)` for a key with
/// no script tree.
public enum TaprootTweak {
    public static func tweak(internalKey: XOnlyPublicKey, merkleRoot: Hash256?) -> Hash256 {
        var hasher = TaggedHash.tapTweak.hasher()
        hasher.update(internalKey.bytes)
        if let merkleRoot { hasher.update(merkleRoot) }
        return hasher.finalize()
    }
}
