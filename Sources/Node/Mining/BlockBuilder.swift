import BitcoinCrypto
import Consensus

/// Builds real blocks: a coinbase with the BIP 34 height, the witness commitment when a
/// transaction carries witness data, the merkle root, and a nonce ground with the SHA-256
/// midstate until the header meets its target.
public enum BlockBuilder {
    /// The version miners signal with (BIP 9's top bits, no deployments).
    public static let version: Int32 = 0x2000_0000

    /// The coinbase for a block at `height`: scriptSig `<height> <extraNonce>` (and `tag`,
    /// at most 100 bytes in all), one output paying `value` to `script`, and the BIP 141
    /// commitment output with a zero reserved value when `witnessRoot` is given.
    public static func coinbase(height: Int, value: Amount, script: Script, extraNonce: UInt64 = 0,
                                tag: [UInt8] = [], witnessRoot: Hash256? = nil) -> Transaction {
        var scriptSig = [UInt8]()
        Script.appendNumber(Int64(height), to: &scriptSig)
        Script.appendNumber(Int64(truncatingIfNeeded: extraNonce & 0x7fff_ffff_ffff), to: &scriptSig)
        if !tag.isEmpty { Script.appendPush(Array(tag.prefix(100 - scriptSig.count - 2)), to: &scriptSig) }
        var outputs = [TxOut(value: value, scriptPubKey: script)]
        var witness = [[UInt8]]()
        if let witnessRoot {
            let reserved = [UInt8](repeating: 0, count: 32)
            outputs.append(TxOut(value: .zero, scriptPubKey: WitnessCommitment.script(
                for: WitnessCommitment.commitment(witnessRoot: witnessRoot, reservedValue: reserved))))
            witness = [reserved]
        }
        return Transaction(version: 2, inputs: [TxIn(prevout: .null, scriptSig: Script(scriptSig), sequence: TxIn.sequenceFinal, witness: witness)],
                           outputs: outputs, lockTime: 0)
    }

    /// A block on `parent` with `transactions` after a coinbase paying `coinbaseValue` to
    /// `coinbaseScript`, ground to meet `bits`.
    ///
    /// - Parameters:
    ///   - parent: the parent block's hash.
    ///   - height: the new block's height.
    ///   - time: the header time (it must exceed the parent's median time past).
    ///   - bits: the required target.
    ///   - transactions: the non-coinbase transactions, in block order.
    ///   - coinbaseScript: where the subsidy and fees go.
    ///   - coinbaseValue: subsidy plus fees (or less).
    ///   - extraNonce: the starting extranonce; distinct values give distinct blocks.
    ///   - tag: bytes added to the coinbase scriptSig (a miner's name).
    ///   - noncesPerExtraNonce: nonces tried before the coinbase's extranonce changes (all
    ///     2³² by default; smaller values make the rollover observable).
    /// - Returns: the block, the number of hashes it took, and the extranonce it used.
    public static func makeBlock(parent: BlockHash, height: Int, time: UInt32, bits: CompactTarget,
                                 transactions: [Transaction], coinbaseScript: Script, coinbaseValue: Amount,
                                 extraNonce: UInt64 = 0, tag: [UInt8] = [], version: Int32 = BlockBuilder.version,
                                 noncesPerExtraNonce: UInt64 = 1 << 32) -> (block: Block, hashes: UInt64, extraNonce: UInt64) {
        let target = bits.target ?? .zero
        var witnessRoot: Hash256?
        if transactions.contains(where: \.hasWitness) {
            // The coinbase's own wtxid counts as zero, so the root does not depend on it.
            witnessRoot = MerkleTree.root(of: [Hash256.zero] + transactions.map(\.wtxid.hash)).root
        }
        var hashes: UInt64 = 0
        var nonceRound = extraNonce
        while true {
            let coinbase = coinbase(height: height, value: coinbaseValue, script: coinbaseScript,
                                    extraNonce: nonceRound, tag: tag, witnessRoot: witnessRoot)
            let all = [coinbase] + transactions
            let root = MerkleTree.root(of: all.map(\.txid.hash)).root
            let template = BlockHeader(version: version, previousBlockHash: parent, merkleRoot: root, time: time, bits: bits, nonce: 0)
            if let nonce = grind(template, target: target, limit: noncesPerExtraNonce, hashes: &hashes) {
                let header = template.with(nonce: nonce)
                return (Block(header: header, transactions: all), hashes, nonceRound)
            }
            nonceRound &+= 1  // the 32-bit nonce space is exhausted: change the coinbase
        }
    }

    /// Tries nonces 0, 1, … (at most `limit` of them) on `header` with a midstate; returns the
    /// first that meets `target`.
    public static func grind(_ header: BlockHeader, target: UInt256, limit: UInt64 = 1 << 32, hashes: inout UInt64) -> UInt32? {
        let bytes = header.serialized
        let midstate = SHA256Midstate(first64: bytes)
        let tail = bytes[64..<76].withUnsafeBytes {
            (UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)), UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        }
        var tried: UInt64 = 0
        while tried < limit && tried < 1 << 32 {
            let nonce = UInt32(truncatingIfNeeded: tried)
            hashes &+= 1
            if UInt256(midstate.headerHash(tail12: tail.0, tail.1, nonce: nonce)) <= target { return nonce }
            tried += 1
        }
        return nil
    }
}
