import CSecp256k1

/// ECDSA verification as Bitcoin's consensus rules perform it.
///
/// Signatures are parsed laxly (the DER violations present in the chain before BIP 66 are
/// accepted) and S is normalised to the low half before verifying. Strict DER and low-S
/// are script flags, checked by the interpreter, not here.
public enum ECDSA {
    /// Verifies `signature` (DER, without the sighash byte) over `hash` with the serialised
    /// `publicKey`. Returns false for any unparsable key or signature.
    public static func verify(signature: UnsafeRawBufferPointer, hash: Hash256, publicKey: UnsafeRawBufferPointer) -> Bool {
        let context = Secp256k1Context.shared.raw
        var point = secp256k1_pubkey()
        guard let keyBase = publicKey.baseAddress,
              secp256k1_ec_pubkey_parse(
                context, &point, keyBase.assumingMemoryBound(to: UInt8.self), publicKey.count) == 1
        else { return false }
        guard let lax = parseDERLax(signature) else { return false }
        var parsed = secp256k1_ecdsa_signature()
        withUnsafePointer(to: lax) { _ = secp256k1_ecdsa_signature_normalize(context, &parsed, $0) }
        return hash.withUnsafeBytes { message in
            secp256k1_ecdsa_verify(
                context, &parsed, message.baseAddress!.assumingMemoryBound(to: UInt8.self), &point) == 1
        }
    }

    /// Verifies `signature` (DER, without the sighash byte) over `hash` with `publicKey`.
    public static func verify(signature: [UInt8], hash: Hash256, publicKey: [UInt8]) -> Bool {
        signature.withUnsafeBytes { sig in
            publicKey.withUnsafeBytes { key in verify(signature: sig, hash: hash, publicKey: key) }
        }
    }

    /// True when the laxly parsed signature already has a low S (BIP 62 / BIP 146's LOW_S
    /// rule). False when it does not parse.
    public static func hasLowS(signature: [UInt8]) -> Bool {
        let parsed = signature.withUnsafeBytes { parseDERLax($0) }
        guard var signature = parsed else { return false }
        return secp256k1_ecdsa_signature_normalize(Secp256k1Context.shared.raw, nil, &signature) == 0
    }

    /// Bitcoin Core's `ecdsa_signature_parse_der_lax`: accepts negative integers, excess
    /// padding, garbage after the signature and overlong length descriptors. An R or S that
    /// does not fit 32 bytes, or is not below the group order, yields the all-zero
    /// signature, which never verifies.
    static func parseDERLax(_ input: UnsafeRawBufferPointer) -> secp256k1_ecdsa_signature? {
        let context = Secp256k1Context.shared.raw
        let count = input.count
        var pos = 0

        // Reads a DER length at `pos`; long forms may carry leading zero bytes.
        func readLength(skippingZeros: Bool) -> Int? {
            guard pos < count else { return nil }
            var lengthByte = Int(input[pos]); pos += 1
            guard lengthByte & 0x80 != 0 else { return lengthByte }
            lengthByte -= 0x80
            guard pos + lengthByte <= count else { return nil }
            if !skippingZeros { pos += lengthByte; return 0 }
            while lengthByte > 0 && input[pos] == 0 { pos += 1; lengthByte -= 1 }
            guard lengthByte < MemoryLayout<Int>.size else { return nil }
            var length = 0
            while lengthByte > 0 { length = (length << 8) + Int(input[pos]); pos += 1; lengthByte -= 1 }
            return length
        }

        guard pos < count, input[pos] == 0x30 else { return nil }
        pos += 1
        guard readLength(skippingZeros: false) != nil else { return nil }

        guard pos < count, input[pos] == 0x02 else { return nil }
        pos += 1
        guard let rLength = readLength(skippingZeros: true), rLength <= count - pos else { return nil }
        var rPos = pos, rLen = rLength
        pos += rLength

        guard pos < count, input[pos] == 0x02 else { return nil }
        pos += 1
        guard let sLength = readLength(skippingZeros: true), sLength <= count - pos else { return nil }
        var sPos = pos, sLen = sLength

        var compact = [UInt8](repeating: 0, count: 64)
        var overflow = false
        while rLen > 0 && input[rPos] == 0 { rLen -= 1; rPos += 1 }
        if rLen > 32 { overflow = true } else {
            for i in 0..<rLen { compact[32 - rLen + i] = input[rPos + i] }
        }
        while sLen > 0 && input[sPos] == 0 { sLen -= 1; sPos += 1 }
        if sLen > 32 { overflow = true } else {
            for i in 0..<sLen { compact[64 - sLen + i] = input[sPos + i] }
        }
        var signature = secp256k1_ecdsa_signature()
        if overflow || secp256k1_ecdsa_signature_parse_compact(context, &signature, compact) != 1 {
            let zero = [UInt8](repeating: 0, count: 64)
            _ = secp256k1_ecdsa_signature_parse_compact(context, &signature, zero)
        }
        return signature
    }
}
