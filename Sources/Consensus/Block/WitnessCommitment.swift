import BitcoinCrypto

/// The BIP 141 witness commitment a coinbase carries in an output:
/// `OP_RETURN 0x24 aa21a9ed || HASH256(witness root || witness reserved value)`.
public enum WitnessCommitment {
    /// The six bytes every commitment output script starts with.
    public static let scriptPrefix: [UInt8] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]
    /// The minimum length of a commitment output script.
    public static let minimumScriptLength = 38

    /// The commitment hash: HASH256 of the witness merkle root followed by the reserved value.
    public static func commitment(witnessRoot: Hash256, reservedValue: [UInt8]) -> Hash256 {
        var buffer = witnessRoot.bytes
        buffer.append(contentsOf: reservedValue)
        return hash256(buffer)
    }

    /// The output script carrying `commitment`.
    public static func script(for commitment: Hash256) -> Script {
        Script(scriptPrefix + commitment.bytes)
    }

    /// True when `script` has the shape of a commitment output.
    public static func isCommitment(_ script: Script) -> Bool {
        script.count >= minimumScriptLength && script.bytes[0..<6].elementsEqual(scriptPrefix)
    }

    /// The index of the commitment output in `coinbase`: the last output that has the
    /// commitment's shape (Core's `GetWitnessCommitmentIndex`), or `nil`.
    public static func index(in coinbase: Transaction) -> Int? {
        coinbase.outputs.lastIndex { isCommitment($0.scriptPubKey) }
    }
}
