import BitcoinCrypto
import Consensus

/// The compact encodings of Bitcoin Core's chainstate database: amounts in a form that makes
/// round numbers short, and standard scripts as 21 or 33 bytes (Core's `compressor.h`).
public enum CoinCompression {
    // MARK: Amounts

    /// Core's `CompressAmount`: trailing decimal zeros (up to nine) folded into the last digit.
    public static func compress(amount: UInt64) -> UInt64 {
        guard amount != 0 else { return 0 }
        var n = amount
        var exponent: UInt64 = 0
        while n % 10 == 0 && exponent < 9 {
            n /= 10
            exponent += 1
        }
        if exponent < 9 {
            let digit = n % 10
            n /= 10
            return 1 + (n * 9 + digit - 1) * 10 + exponent
        }
        return 1 + (n - 1) * 10 + 9
    }

    /// Core's `DecompressAmount`, the inverse of ``compress(amount:)``.
    public static func decompress(amount compressed: UInt64) -> UInt64 {
        guard compressed != 0 else { return 0 }
        var x = compressed - 1
        var exponent = x % 10
        x /= 10
        var n: UInt64
        if exponent < 9 {
            let digit = x % 9 + 1
            x /= 9
            n = x &* 10 &+ digit
        } else {
            n = x &+ 1
        }
        while exponent > 0 {
            n = n &* 10
            exponent -= 1
        }
        return n
    }

    // MARK: Scripts

    /// Special script encodings: 0 = P2PKH hash, 1 = P2SH hash, 2/3 = compressed P2PK key,
    /// 4/5 = uncompressed P2PK key stored as its x and y parity. Other scripts are their size
    /// plus 6, then the bytes.
    static let specialScripts: UInt64 = 6

    static func write(script: Script, to writer: inout ByteWriter) {
        // The byte patterns are tested directly: this runs for every coin a block creates.
        let b = script.bytes
        let checkSig = Opcode.checkSig.rawValue
        if b.count == 25, b[0] == Opcode.dup.rawValue, b[1] == Opcode.hash160.rawValue, b[2] == 20,
           b[23] == Opcode.equalVerify.rawValue, b[24] == checkSig {
            writer.write(UInt8(0)); writer.write(b[3..<23]); return
        }
        if script.isPayToScriptHash {
            writer.write(UInt8(1)); writer.write(b[2..<22]); return
        }
        if b.count == 35, b[0] == 33, b[34] == checkSig, b[1] == 0x02 || b[1] == 0x03 {
            writer.write(b[1]); writer.write(b[2..<34]); return
        }
        if b.count == 67, b[0] == 65, b[66] == checkSig, b[1] == 0x04, PublicKey(bytes: Array(b[1..<66])) != nil {
            writer.write(4 | (b[65] & 1)); writer.write(b[2..<34]); return
        }
        VarInt.write(UInt64(b.count) + specialScripts, to: &writer)
        writer.write(b)
    }

    static func readScript(from reader: inout ByteReader) throws(DecodingError) -> Script {
        let start = reader.offset
        let code = try VarInt.read(from: &reader)
        switch code {
        case 0:
            return Address.p2pkh(try reader.readBytes(20)).scriptPubKey
        case 1:
            return Address.p2sh(try reader.readBytes(20)).scriptPubKey
        case 2, 3:
            let key = [UInt8(code)] + (try reader.readBytes(32))
            return Script(Script.push(key) + [Opcode.checkSig.rawValue])
        case 4, 5:
            let x = try reader.readBytes(32)
            guard let compressed = PublicKey(bytes: [UInt8(code - 2)] + x) else {
                throw .invalidValue(field: "compressed P2PK script", offset: start, reason: "x is not on the curve")
            }
            let full = compressed.uncompressed
            return Script(Script.push(full) + [Opcode.checkSig.rawValue])
        default:
            let size = code - specialScripts
            guard size <= UInt64(Script.maxSize), Int(size) <= reader.remaining else {
                throw .oversizedAllocation(field: "script", offset: start, requested: size, max: UInt64(min(reader.remaining, Script.maxSize)))
            }
            return Script(try reader.readBytes(Int(size)))
        }
    }

    // MARK: Coins

    /// Core's coin serialisation: VARINT(height × 2 + coinbase), compressed amount, compressed script.
    static func write(_ coin: Coin, to writer: inout ByteWriter) {
        VarInt.write(UInt64(coin.height) << 1 | (coin.isCoinbase ? 1 : 0), to: &writer)
        VarInt.write(compress(amount: UInt64(bitPattern: coin.output.value.satoshis)), to: &writer)
        write(script: coin.output.scriptPubKey, to: &writer)
    }

    static func readCoin(from reader: inout ByteReader) throws(DecodingError) -> Coin {
        let code = try VarInt.read(from: &reader)
        let amount = decompress(amount: try VarInt.read(from: &reader))
        let script = try readScript(from: &reader)
        guard code >> 1 <= UInt64(Int32.max) else {
            throw .invalidValue(field: "coin height", offset: reader.offset, reason: "out of range")
        }
        return Coin(output: TxOut(value: Amount(unchecked: Int64(bitPattern: amount)), scriptPubKey: script),
                    height: Int(code >> 1), isCoinbase: code & 1 == 1)
    }
}
