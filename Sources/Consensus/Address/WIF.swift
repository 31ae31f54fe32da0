import BitcoinCrypto

/// Wallet Import Format for private keys (Base58Check of prefix, key, optional 0x01).
public enum WIF {
    /// The WIF string of `key` for `params`' chain.
    public static func encode(_ key: PrivateKey, compressed: Bool = true, params: ChainParams) -> String {
        Base58.encodeCheck([params.secretKeyPrefix] + key.bytes + (compressed ? [0x01] : []))
    }

    /// Decodes a WIF string of `params`' chain; `nil` when it is not one.
    public static func decode(_ text: String, params: ChainParams) -> (key: PrivateKey, compressed: Bool)? {
        guard let payload = Base58.decodeCheck(text), payload.first == params.secretKeyPrefix else { return nil }
        switch payload.count {
        case 33: return PrivateKey(bytes: Array(payload[1...])).map { ($0, false) }
        case 34 where payload[33] == 0x01: return PrivateKey(bytes: Array(payload[1..<33])).map { ($0, true) }
        default: return nil
        }
    }
}
