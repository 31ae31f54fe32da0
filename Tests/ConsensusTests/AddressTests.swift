import BitcoinCrypto
import Consensus
import TestSupport
import Testing

@Suite struct AddressTests {
    static let mainnet = ChainParams.mainnet
    static let testnetLike: ChainParams = {
        var params = ChainParams.regtest
        params.bech32HRP = "tb"
        return params
    }()

    // BIP 173 valid Bech32 strings and BIP 350 valid Bech32m strings.
    @Test(arguments: [
        ("A12UEL5L", Bech32.Encoding.bech32), ("a12uel5l", .bech32),
        ("an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs", .bech32),
        ("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", .bech32),
        ("11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j", .bech32),
        ("split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", .bech32),
        ("?1ezyfcl", .bech32),
        ("A1LQFN3A", .bech32m), ("a1lqfn3a", .bech32m),
        ("an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6", .bech32m),
        ("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", .bech32m),
        ("11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8", .bech32m),
        ("split1checkupstagehandshakeupstreamerranterredcaperredlc445v", .bech32m),
        ("?1v759aa", .bech32m),
    ])
    func validBech32Strings(text: String, encoding: Bech32.Encoding) throws {
        let decoded = try Bech32.decode(text)
        #expect(decoded.encoding == encoding)
        #expect(Bech32.encode(hrp: decoded.hrp, values: decoded.values, encoding: encoding) == text.lowercased())
    }

    // BIP 173 and BIP 350 invalid strings.
    @Test(arguments: [
        "\u{20}1nwldj5", "\u{7f}1axkwrx", "\u{80}1eym55h",
        "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
        "pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "de1lg7wt\u{ff}", "A1G7SGD8", "10a06t8", "1qzzfhee",
        "\u{20}1xj0phk", "\u{7f}1g6xzxy", "\u{80}1vctc34",
        "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
        "qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0", "in1muywd", "mm1crxm3i", "au1s5cgom",
        "M1VUXWEZ", "16plkw9", "1p2gdwpf",
    ])
    func invalidBech32Strings(text: String) {
        #expect(throws: Bech32.Error.self) { try Bech32.decode(text) }
    }

    // BIP 350 valid segwit addresses (mainnet "bc" and testnet "tb").
    @Test(arguments: [
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
        ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"),
        ("BC1SW50QGDZ25J", "6002751e"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
        ("tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
        ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
    ])
    func validSegwitAddresses(text: String, scriptHex: String) throws {
        let params = text.lowercased().hasPrefix("tb") ? Self.testnetLike : Self.mainnet
        let address = try Address(text, params: params)
        #expect(address.scriptPubKey.bytes == bytes(scriptHex))
        #expect(address.encoded(for: params) == text.lowercased())
        #expect(Address(scriptPubKey: Script(bytes(scriptHex))) == address)
    }

    // BIP 173 and BIP 350 invalid segwit addresses.
    @Test(arguments: [
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
        "bc1pw5dgrnzv",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
        "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
        "bc1gmk9yu",
        "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
        "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
        "bc1rw5uspcuh",
        "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
        "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
    ])
    func invalidSegwitAddresses(text: String) {
        let params = text.lowercased().hasPrefix("tb") ? Self.testnetLike : Self.mainnet
        #expect(throws: Address.Error.self) { try Address(text, params: params) }
    }

    @Test func legacyAddressesAndWIF() throws {
        let key = try #require(PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1]))
        let hash = key.publicKey().hash160
        #expect(Address.p2pkh(hash).encoded(for: Self.mainnet) == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")
        #expect(Address.p2pkh(hash).encoded(for: .regtest) == "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r")
        #expect(try Address("mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", params: .regtest) == .p2pkh(hash))
        #expect(throws: Address.Error.wrongNetwork) { try Address("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH", params: .regtest) }
        #expect(throws: Address.Error.wrongNetwork) { try Address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", params: .regtest) }
        #expect(throws: Address.Error.invalidEncoding) { try Address("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMi", params: .mainnet) }
        let p2sh = Address.p2sh(hash)
        #expect(p2sh.encoded(for: .regtest).hasPrefix("2"))
        #expect(try Address(p2sh.encoded(for: .regtest), params: .regtest) == p2sh)
        let p2wpkh = Address.witness(version: 0, program: hash)
        #expect(p2wpkh.encoded(for: .regtest) == "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
        #expect(WIF.encode(key, params: Self.mainnet) == "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn")
        #expect(WIF.encode(key, compressed: false, params: Self.mainnet) == "5HpHagT65TZzG1PH3CSu63k8DbpvD8s5ip4nEB3kEsreAnchuDf")
        #expect(WIF.decode("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn", params: Self.mainnet)?.key == key)
        #expect(WIF.decode("KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn", params: .regtest) == nil)
        #expect(Base58.encode([0, 0, 1]) == "112")
        #expect(Base58.decode("112") == [0, 0, 1])
        #expect(Base58.decode("0OIl") == nil)
    }
}
