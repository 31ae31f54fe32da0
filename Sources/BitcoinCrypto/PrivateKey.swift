import CSecp256k1

/// A secp256k1 private key: a scalar in [1, n-1], held as 32 big-endian bytes.
public struct PrivateKey: Sendable, Hashable {
    /// The 32 big-endian bytes of the scalar.
    public let bytes: [UInt8]

    /// A key from 32 bytes; `nil` unless they encode a scalar in [1, n-1].
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32,
              secp256k1_ec_seckey_verify(Secp256k1Context.shared.raw, bytes) == 1
        else { return nil }
        self.bytes = bytes
    }

    /// The public key, compressed (33 bytes) by default or uncompressed (65 bytes).
    public func publicKey(compressed: Bool = true) -> PublicKey {
        let context = Secp256k1Context.shared.raw
        var point = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(context, &point, bytes) == 1 else {
            preconditionFailure("a valid private key always has a public key")
        }
        return PublicKey(point: point, compressed: compressed)
    }

    /// The BIP 340 x-only public key of this key.
    public var xOnlyPublicKey: XOnlyPublicKey {
        let context = Secp256k1Context.shared.raw
        var keypair = makeKeypair()
        var xonly = secp256k1_xonly_pubkey()
        _ = secp256k1_keypair_xonly_pub(context, &xonly, nil, &keypair)
        return XOnlyPublicKey(point: xonly)
    }

    /// An ECDSA signature of `hash` in strict DER, with a low S and an RFC 6979 nonce (so
    /// the same key and hash always give the same signature).
    public func signECDSA(_ hash: Hash256) -> [UInt8] {
        let context = Secp256k1Context.shared.raw
        var signature = secp256k1_ecdsa_signature()
        let ok = hash.withUnsafeBytes { message in
            secp256k1_ecdsa_sign(
                context, &signature, message.baseAddress!.assumingMemoryBound(to: UInt8.self),
                bytes, nil, nil)
        }
        precondition(ok == 1, "ECDSA signing cannot fail with a valid key")
        var der = [UInt8](repeating: 0, count: 72)
        var length = 72
        _ = secp256k1_ecdsa_signature_serialize_der(context, &der, &length, &signature)
        return Array(der[0..<length])
    }

    /// A BIP 340 Schnorr signature (64 bytes) of `message` (any length), with the given 32
    /// bytes of auxiliary randomness, or none (all zero, which is deterministic).
    public func signSchnorr(message: [UInt8], auxiliaryRandomness: [UInt8]? = nil) -> [UInt8] {
        precondition(auxiliaryRandomness == nil || auxiliaryRandomness!.count == 32)
        let context = Secp256k1Context.shared.raw
        var keypair = makeKeypair()
        var signature = [UInt8](repeating: 0, count: 64)
        var aux = auxiliaryRandomness ?? [UInt8](repeating: 0, count: 32)
        let ok = aux.withUnsafeMutableBytes { auxBuffer in
            var extra = secp256k1_schnorrsig_extraparams()
            // SECP256K1_SCHNORRSIG_EXTRAPARAMS_MAGIC
            extra.magic = (0xda, 0x6f, 0xb3, 0x8c)
            extra.noncefp = nil
            extra.ndata = auxBuffer.baseAddress
            return message.withUnsafeBufferPointer { msg in
                secp256k1_schnorrsig_sign_custom(
                    context, &signature, msg.baseAddress, msg.count, &keypair, &extra)
            }
        }
        precondition(ok == 1, "Schnorr signing cannot fail with a valid key")
        return signature
    }

    /// The key that signs for the BIP 341 output key of this internal key: the scalar
    /// tweaked by `hashTapTweak(P || merkleRoot)` (or `hashTapTweak(P)` without a script
    /// tree), negated first when P has an odd y.
    public func taprootTweaked(merkleRoot: Hash256?) -> PrivateKey? {
        let context = Secp256k1Context.shared.raw
        var keypair = makeKeypair()
        let tweak = TaprootTweak.tweak(internalKey: xOnlyPublicKey, merkleRoot: merkleRoot)
        let ok = tweak.withUnsafeBytes { tweakBytes in
            secp256k1_keypair_xonly_tweak_add(
                context, &keypair, tweakBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard ok == 1 else { return nil }
        var secret = [UInt8](repeating: 0, count: 32)
        _ = secp256k1_keypair_sec(context, &secret, &keypair)
        return PrivateKey(bytes: secret)
    }

    private func makeKeypair() -> secp256k1_keypair {
        var keypair = secp256k1_keypair()
        guard secp256k1_keypair_create(Secp256k1Context.shared.raw, &keypair, bytes) == 1 else {
            preconditionFailure("a valid private key always makes a keypair")
        }
        return keypair
    }
}
