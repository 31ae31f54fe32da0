import CSecp256k1

/// A secp256k1 public key in its serialised form: 33 bytes compressed, 65 uncompressed
/// (or hybrid, which consensus accepts outside STRICTENC).
public struct PublicKey: Sendable, Hashable {
    /// The serialised key.
    public let bytes: [UInt8]

    /// Parses a serialised key; `nil` unless it is a valid point encoding.
    public init?(bytes: [UInt8]) {
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.raw, &point, bytes, bytes.count) == 1
        else { return nil }
        self.bytes = bytes
    }

    init(point: secp256k1_pubkey, compressed: Bool) {
        var point = point
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        _ = secp256k1_ec_pubkey_serialize(
            Secp256k1Context.shared.raw, &out, &length, &point,
            compressed ? Secp256k1Flags.compressed : Secp256k1Flags.uncompressed)
        bytes = Array(out[0..<length])
    }

    /// The 65-byte uncompressed serialisation of this key.
    public var uncompressed: [UInt8] { reserialized(compressed: false) }

    /// The 33-byte compressed serialisation of this key.
    public var compressed: [UInt8] { reserialized(compressed: true) }

    private func reserialized(compressed: Bool) -> [UInt8] {
        var point = secp256k1_pubkey()
        _ = secp256k1_ec_pubkey_parse(Secp256k1Context.shared.raw, &point, bytes, bytes.count)
        return PublicKey(point: point, compressed: compressed).bytes
    }

    /// True for a 33-byte key.
    public var isCompressed: Bool { bytes.count == 33 }

    /// HASH160 of the serialised key (the P2PKH and P2WPKH program).
    public var hash160: [UInt8] { BitcoinCrypto.hash160(bytes) }

    /// The x-only form (BIP 340): the 32-byte x coordinate.
    public var xOnly: XOnlyPublicKey {
        var point = secp256k1_pubkey()
        _ = secp256k1_ec_pubkey_parse(Secp256k1Context.shared.raw, &point, bytes, bytes.count)
        var xonly = secp256k1_xonly_pubkey()
        _ = secp256k1_xonly_pubkey_from_pubkey(Secp256k1Context.shared.raw, &xonly, nil, &point)
        return XOnlyPublicKey(point: xonly)
    }
}
