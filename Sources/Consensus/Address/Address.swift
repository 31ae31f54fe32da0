import BitcoinCrypto

/// A Bitcoin address: the payload of a standard output script, encoded for a chain.
///
/// The value holds no network; ``encoded(for:)`` and ``init(_:params:)`` take the chain's
/// parameters (prefixes `m`/`n`/`2` and `bcrt1` on regtest, `1`/`3` and `bc1` on mainnet).
public enum Address: Hashable, Sendable, CustomStringConvertible {
    /// Pay to public key hash: HASH160 of a public key (20 bytes).
    case p2pkh([UInt8])
    /// Pay to script hash: HASH160 of a redeem script (20 bytes).
    case p2sh([UInt8])
    /// A native segwit output: version 0–16 and a 2–40 byte program (BIP 141/173/350).
    case witness(version: Int, program: [UInt8])

    /// Why a string is not an address of the given chain.
    public enum Error: Swift.Error, Equatable, Sendable {
        case invalidEncoding
        case wrongNetwork
        case invalidWitnessVersion(Int)
        case invalidProgramLength(Int)
        case wrongChecksumVariant
        case invalidPadding
        case bech32(Bech32.Error)
    }

    /// Parses an address string for `params`' chain.
    public init(_ text: String, params: ChainParams) throws(Error) {
        if text.lowercased().hasPrefix(params.bech32HRP + "1") {
            let decoded: (hrp: String, values: [UInt8], encoding: Bech32.Encoding)
            do { decoded = try Bech32.decode(text) } catch { throw .bech32(error) }
            self = try Address.segwit(decoded)
            return
        }
        guard let payload = Base58.decodeCheck(text), payload.count == 21 else {
            // A valid Bech32 string of another chain is the wrong network, not garbage.
            if (try? Bech32.decode(text)) != nil { throw .wrongNetwork }
            throw .invalidEncoding
        }
        let hash = Array(payload[1...])
        switch payload[0] {
        case params.pubkeyAddressPrefix: self = .p2pkh(hash)
        case params.scriptAddressPrefix: self = .p2sh(hash)
        default: throw .wrongNetwork
        }
    }

    private static func segwit(_ decoded: (hrp: String, values: [UInt8], encoding: Bech32.Encoding)) throws(Error) -> Address {
        guard let version = decoded.values.first else { throw .invalidProgramLength(0) }
        guard version <= 16 else { throw .invalidWitnessVersion(Int(version)) }
        guard let program = Bech32.convertBits(Array(decoded.values.dropFirst()), from: 5, to: 8, pad: false) else {
            throw .invalidPadding
        }
        guard (2...40).contains(program.count) else { throw .invalidProgramLength(program.count) }
        if version == 0 && program.count != 20 && program.count != 32 { throw .invalidProgramLength(program.count) }
        let expected: Bech32.Encoding = version == 0 ? .bech32 : .bech32m
        guard decoded.encoding == expected else { throw .wrongChecksumVariant }
        return .witness(version: Int(version), program: program)
    }

    /// The address string for `params`' chain.
    public func encoded(for params: ChainParams) -> String {
        switch self {
        case .p2pkh(let hash): return Base58.encodeCheck([params.pubkeyAddressPrefix] + hash)
        case .p2sh(let hash): return Base58.encodeCheck([params.scriptAddressPrefix] + hash)
        case .witness(let version, let program):
            let values = [UInt8(version)] + (Bech32.convertBits(program, from: 8, to: 5, pad: true) ?? [])
            return Bech32.encode(hrp: params.bech32HRP, values: values, encoding: version == 0 ? .bech32 : .bech32m)
        }
    }

    /// The output script that pays this address.
    public var scriptPubKey: Script {
        switch self {
        case .p2pkh(let hash):
            return Script([0x76, 0xa9, 0x14] + hash + [0x88, 0xac])  // DUP HASH160 <20> EQUALVERIFY CHECKSIG
        case .p2sh(let hash):
            return Script([0xa9, 0x14] + hash + [0x87])  // HASH160 <20> EQUAL
        case .witness(let version, let program):
            let versionOpcode = UInt8(version == 0 ? 0x00 : 0x50 + version)  // OP_0 or OP_1..OP_16
            return Script([versionOpcode, UInt8(program.count)] + program)
        }
    }

    /// The address a standard output script pays, or `nil` for scripts without one (bare
    /// multisig, P2PK, OP_RETURN, non-standard).
    public init?(scriptPubKey script: Script) {
        let b = script.bytes
        if b.count == 25, b[0] == 0x76, b[1] == 0xa9, b[2] == 0x14, b[23] == 0x88, b[24] == 0xac {
            self = .p2pkh(Array(b[3..<23]))
        } else if b.count == 23, b[0] == 0xa9, b[1] == 0x14, b[22] == 0x87 {
            self = .p2sh(Array(b[2..<22]))
        } else if (4...42).contains(b.count), b[0] == 0x00 || (0x51...0x60).contains(b[0]), Int(b[1]) + 2 == b.count {
            self = .witness(version: b[0] == 0 ? 0 : Int(b[0]) - 0x50, program: Array(b[2...]))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .p2pkh(let hash): return "p2pkh(\(Hex.encode(hash)))"
        case .p2sh(let hash): return "p2sh(\(Hex.encode(hash)))"
        case .witness(let version, let program): return "witness v\(version)(\(Hex.encode(program)))"
        }
    }
}
