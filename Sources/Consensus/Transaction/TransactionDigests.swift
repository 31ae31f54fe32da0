import BitcoinCrypto

/// The single-SHA256 digests of a transaction's parts that signature hashes commit to
/// (BIP 341's `sha_prevouts`, `sha_sequences`, `sha_outputs`; BIP 143 uses their SHA-256
/// again). A pure function of the transaction; see ``Transaction/digests``.
public struct TransactionDigests: Sendable, Equatable {
    /// SHA256 of every input's outpoint.
    public let prevouts: Hash256
    /// SHA256 of every input's sequence.
    public let sequences: Hash256
    /// SHA256 of every output's encoding.
    public let outputs: Hash256

    init(_ tx: Transaction) {
        // Streamed piece by piece into SHA-256: no buffer is allocated.
        var hasher = SHA256()
        for input in tx.inputs { hasher.update(input.prevout) }
        prevouts = hasher.finalize()
        hasher = SHA256()
        for input in tx.inputs { hasher.updateLittleEndian(input.sequence) }
        sequences = hasher.finalize()
        hasher = SHA256()
        for output in tx.outputs { hasher.update(output) }
        outputs = hasher.finalize()
    }
}

extension SHA256 {
    /// Absorbs a fixed-width integer in little-endian order.
    mutating func updateLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    /// Absorbs a CompactSize.
    mutating func updateCompactSize(_ value: Int) {
        switch value {
        case 0..<0xfd: updateLittleEndian(UInt8(value))
        case 0xfd...0xffff: updateLittleEndian(UInt8(0xfd)); updateLittleEndian(UInt16(value))
        case 0x10000...0xffff_ffff: updateLittleEndian(UInt8(0xfe)); updateLittleEndian(UInt32(value))
        default: updateLittleEndian(UInt8(0xff)); updateLittleEndian(UInt64(value))
        }
    }

    /// Absorbs an outpoint's encoding.
    mutating func update(_ outpoint: OutPoint) {
        update(outpoint.txid.hash)
        updateLittleEndian(outpoint.index)
    }

    /// Absorbs an output's encoding.
    mutating func update(_ output: TxOut) {
        updateLittleEndian(output.value.satoshis)
        updateCompactSize(output.scriptPubKey.count)
        update(output.scriptPubKey.bytes)
    }
}
