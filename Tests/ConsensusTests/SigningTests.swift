import BitcoinCrypto
import Consensus
import TestSupport
import Testing

@Suite struct SigningTests {
    /// BIP 341's keyPathSpending vectors: every intermediary value, the signature message,
    /// the signature hash, the witness, and the fully signed transaction.
    @Test func bip341KeyPathSpending() throws {
        let root = try #require(try Fixture.json("bip341-wallet-test-vectors.json") as? [String: Any])
        let spending = try #require((root["keyPathSpending"] as? [[String: Any]])?.first)
        let given = try #require(spending["given"] as? [String: Any])
        let unsigned = try Transaction(bytes: bytes(try unwrap(given["rawUnsignedTx"] as? String)))
        let utxos = try #require(given["utxosSpent"] as? [[String: Any]])
        let spent = try utxos.map { utxo in
            TxOut(value: Amount(unchecked: Int64(try unwrap(utxo["amountSats"] as? Int))),
                  scriptPubKey: Script(bytes(try unwrap(utxo["scriptPubKey"] as? String))))
        }
        let precomputed = PrecomputedTransactionData(transaction: unsigned, spentOutputs: spent, force: true)
        var signed = MutableTransaction(unsigned)
        let inputs = try #require(spending["inputSpending"] as? [[String: Any]])
        #expect(inputs.count == 7)
        for input in inputs {
            let inputGiven = try #require(input["given"] as? [String: Any])
            let intermediary = try #require(input["intermediary"] as? [String: Any])
            let expected = try #require(input["expected"] as? [String: Any])
            let index = try #require(inputGiven["txinIndex"] as? Int)
            let hashType = UInt8(try #require(inputGiven["hashType"] as? Int))
            let merkleRoot = (inputGiven["merkleRoot"] as? String).flatMap { Hash256(hex: $0) }
            let key = try #require(PrivateKey(bytes: bytes(try unwrap(inputGiven["internalPrivkey"] as? String))))

            #expect(Hex.encode(key.xOnlyPublicKey.bytes) == intermediary["internalPubkey"] as? String)
            #expect(TaprootTweak.tweak(internalKey: key.xOnlyPublicKey, merkleRoot: merkleRoot).hex == intermediary["tweak"] as? String)
            #expect(key.taprootTweaked(merkleRoot: merkleRoot).map { Hex.encode($0.bytes) } == intermediary["tweakedPrivkey"] as? String)
            let message = SignatureHash.taprootMessage(precomputed: precomputed, inputIndex: index, hashType: hashType,
                                                       sigVersion: .taproot, execution: ScriptExecutionData())
            #expect(message.map(Hex.encode) == intermediary["sigMsg"] as? String)
            let sighash = SignatureHash.taproot(precomputed: precomputed, inputIndex: index, hashType: hashType,
                                                sigVersion: .taproot, execution: ScriptExecutionData())
            #expect(sighash?.hex == intermediary["sigHash"] as? String)

            // Signing this input alone gives the expected witness.
            let witness = try #require(expected["witness"] as? [String])
            let single = try signOne(unsigned, spent: spent, index: index, key: .p2trKeyPath(internalKey: key, merkleRoot: merkleRoot),
                                     hashType: hashType)
            #expect(single.map(Hex.encode) == witness)
            signed.inputs[index].witness = witness.map { bytes($0) }
        }
        // Input 2 spends a P2PKH output of private key 1 (HASH160 751e76e8…); RFC 6979 makes
        // its signature deterministic, so our signer must reproduce the vector's scriptSig.
        let one = try #require(PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1]))
        #expect(spent[2].scriptPubKey == Address.p2pkh(one.publicKey().hash160).scriptPubKey)
        var keys = [SigningKey](repeating: .p2pkh(one), count: unsigned.inputs.count)
        keys[2] = .p2pkh(one)
        let legacyOnly = TransactionSigner.sign(MutableTransaction(unsigned), spentOutputs: spent, keys: keys)
        signed.inputs[2].scriptSig = legacyOnly.inputs[2].scriptSig
        // Input 5 is P2WPKH under a key the vector does not publish: take its witness from
        // the vector; it must verify under our BIP 143 code like every other input.
        let auxiliary = try #require(spending["auxiliary"] as? [String: Any])
        let reference = try Transaction(bytes: bytes(try #require(auxiliary["fullySignedTx"] as? String)))
        signed.inputs[5].witness = reference.inputs[5].witness
        let fullySigned = signed.transaction
        #expect(fullySigned.serialized == reference.serialized)
        #expect(throws: Never.self) {
            try TransactionVerifier(signatureCache: nil, scriptCache: nil)
                .verify(fullySigned, spentOutputs: spent, flags: ScriptFlags.standardPolicy)
        }
        // Every taproot input of the signed transaction verifies.
        let signedData = PrecomputedTransactionData(transaction: fullySigned, spentOutputs: spent)
        for input in inputs {
            let index = try #require((input["given"] as? [String: Any])?["txinIndex"] as? Int)
            let checker = TransactionSignatureChecker(precomputed: signedData, inputIndex: index, amount: spent[index].value)
            #expect(throws: Never.self) {
                try ScriptVerification.verify(scriptSig: .empty, scriptPubKey: spent[index].scriptPubKey,
                                              witness: fullySigned.inputs[index].witness,
                                              flags: ScriptFlags.standardPolicy, checker: checker)
            }
        }
    }

    /// Signs one taproot input through `TransactionSigner` and returns its witness.
    private func signOne(_ unsigned: Transaction, spent: [TxOut], index: Int, key: SigningKey, hashType: UInt8) throws -> [[UInt8]] {
        guard case let .p2trKeyPath(internalKey, merkleRoot) = key else { return [] }
        let precomputed = PrecomputedTransactionData(transaction: unsigned, spentOutputs: spent, force: true)
        let sighash = try #require(SignatureHash.taproot(precomputed: precomputed, inputIndex: index, hashType: hashType,
                                                         sigVersion: .taproot, execution: ScriptExecutionData()))
        let tweaked = try #require(internalKey.taprootTweaked(merkleRoot: merkleRoot))
        let signature = tweaked.signSchnorr(message: sighash.bytes)
        return [hashType == SighashType.default ? signature : signature + [hashType]]
    }

    // MARK: Round trips through TransactionSigner

    static let consensusFlags = ChainParams.regtest.scriptFlags(height: 200, hash: .zero)

    struct Spend {
        var transaction: Transaction
        var spent: [TxOut]
    }

    func makeSpend(_ kind: String) throws -> (Spend, SigningKey) {
        let key = try #require(PrivateKey(bytes: (1...32).map { UInt8($0 * 3) }))
        let script: Script
        let signingKey: SigningKey
        switch kind {
        case "p2pkh":
            script = Address.p2pkh(key.publicKey().hash160).scriptPubKey
            signingKey = .p2pkh(key)
        case "p2wpkh":
            script = Address.witness(version: 0, program: key.publicKey().hash160).scriptPubKey
            signingKey = .p2wpkh(key)
        default:
            let output = try #require(key.xOnlyPublicKey.taprootOutputKey(merkleRoot: nil))
            script = Address.witness(version: 1, program: output.key.bytes).scriptPubKey
            signingKey = .p2trKeyPath(internalKey: key)
        }
        let spent = [TxOut(value: Amount(satoshis: 50_000)!, scriptPubKey: script)]
        let unsigned = MutableTransaction(
            version: 2, inputs: [TxIn(prevout: OutPoint(txid: Txid(Hash256(w0: 9, w1: 9, w2: 9, w3: 9)), index: 1), sequence: 0xffff_fffd)],
            outputs: [TxOut(value: Amount(satoshis: 49_000)!, scriptPubKey: Address.witness(version: 0, program: [UInt8](repeating: 7, count: 20)).scriptPubKey)])
        return (Spend(transaction: TransactionSigner.sign(unsigned, spentOutputs: spent, keys: [signingKey]), spent: spent), signingKey)
    }

    func verify(_ spend: Spend) -> ScriptError {
        do {
            try TransactionVerifier(signatureCache: nil, scriptCache: nil)
                .verify(spend.transaction, spentOutputs: spend.spent, flags: Self.consensusFlags)
            return .ok
        } catch {
            return error.error
        }
    }

    /// Replaces the first input's scriptSig or witness element.
    func tampered(_ spend: Spend, _ change: (inout TxIn) -> Void) -> Spend {
        var mutable = MutableTransaction(spend.transaction)
        change(&mutable.inputs[0])
        return Spend(transaction: mutable.transaction, spent: spend.spent)
    }

    @Test(arguments: ["p2pkh", "p2wpkh", "p2tr"])
    func signedSpendsVerifyAndTamperingFails(kind: String) throws {
        let (spend, _) = try makeSpend(kind)
        #expect(verify(spend) == .ok)

        // A flipped bit in the signature's S value (not its DER framing).
        let flippedSignature = tampered(spend) { input in
            if kind == "p2pkh" {
                var ops = input.scriptSig.bytes
                ops[Int(ops[0]) - 2] ^= 0x01  // last byte of S, before the hash type
                input.scriptSig = Script(ops)
            } else {
                input.witness[0][kind == "p2tr" ? 63 : input.witness[0].count - 2] ^= 0x01
            }
        }
        #expect(verify(flippedSignature) == (kind == "p2tr" ? .schnorrSig : .evalFalse))

        // A flipped bit in the public key (P2PKH and P2WPKH reveal it; taproot's is the output).
        if kind == "p2tr" {
            var spent = spend.spent
            var script = spent[0].scriptPubKey.bytes
            script[10] ^= 0x01
            spent[0] = TxOut(value: spent[0].value, scriptPubKey: Script(script))
            #expect(verify(Spend(transaction: spend.transaction, spent: spent)) == .schnorrSig)
        } else {
            let flippedKey = tampered(spend) { input in
                if kind == "p2pkh" {
                    var ops = input.scriptSig.bytes
                    ops[ops.count - 1] ^= 0x01
                    input.scriptSig = Script(ops)
                } else {
                    input.witness[1][32] ^= 0x01
                }
            }
            // P2WPKH runs as the P2PKH script over the witness, so both fail at OP_EQUALVERIFY.
            #expect(verify(flippedKey) == .equalVerify)
        }

        // A different amount for the spent output: segwit and taproot signatures commit to
        // it; legacy signatures do not.
        let otherAmount = Spend(transaction: spend.transaction,
                                spent: [TxOut(value: Amount(satoshis: 50_001)!, scriptPubKey: spend.spent[0].scriptPubKey)])
        let expected: ScriptError = kind == "p2pkh" ? .ok : (kind == "p2tr" ? .schnorrSig : .evalFalse)
        #expect(verify(otherAmount) == expected)
    }

    @Test func signatureCacheRemembersOnlySuccesses() throws {
        let (spend, _) = try makeSpend("p2wpkh")
        let cache = SignatureCache()
        let verifier = TransactionVerifier(signatureCache: cache, scriptCache: ScriptExecutionCache())
        try verifier.verify(spend.transaction, spentOutputs: spend.spent, flags: Self.consensusFlags)
        #expect(cache.count == 1)
        let broken = tampered(spend) { $0.witness[0][10] ^= 0x01 }
        #expect(throws: TransactionVerifier.Failure.self) {
            try verifier.verify(broken.transaction, spentOutputs: broken.spent, flags: Self.consensusFlags)
        }
        #expect(cache.count == 1)
        // A cache hit still gives the right answer for the valid transaction.
        try verifier.verify(spend.transaction, spentOutputs: spend.spent, flags: Self.consensusFlags)
    }
}

/// The spends inside real mainnet blocks 1–255 verify under the script rules of their height.
@Suite struct MainnetSpendTests {
    @Test func spendsInBlocks1to255Verify() throws {
        let params = ChainParams.mainnet
        let blocks = try MainnetBlockTests.blocks1to255()
        var coins = [OutPoint: TxOut]()
        for output in params.genesisBlock.transactions[0].outputs.enumerated() {
            coins[OutPoint(txid: params.genesisBlock.transactions[0].txid, index: UInt32(output.offset))] = output.element
        }
        let verifier = TransactionVerifier(signatureCache: nil, scriptCache: nil)
        var verifiedInputs = 0
        for (offset, block) in blocks.enumerated() {
            let height = offset + 1
            let flags = params.scriptFlags(height: height, hash: block.hash)
            for transaction in block.transactions {
                if !transaction.isCoinbase {
                    let spent = try transaction.inputs.map { input in try unwrap(coins.removeValue(forKey: input.prevout), "coin \(input.prevout)") }
                    #expect(throws: Never.self) { try verifier.verify(transaction, spentOutputs: spent, flags: flags) }
                    verifiedInputs += spent.count
                }
                for (index, output) in transaction.outputs.enumerated() {
                    coins[OutPoint(txid: transaction.txid, index: UInt32(index))] = output
                }
            }
        }
        #expect(verifiedInputs >= 5)
        // Block 170's spend, with its signature broken, fails.
        let spend = blocks[169].transactions[1]
        var broken = MutableTransaction(spend)
        var scriptSig = broken.inputs[0].scriptSig.bytes
        scriptSig[40] ^= 0x10
        broken.inputs[0].scriptSig = Script(scriptSig)
        let funding = try #require(blocks[8].transactions.first)
        #expect(funding.txid == spend.inputs[0].prevout.txid)
        #expect(throws: TransactionVerifier.Failure.self) {
            try verifier.verify(broken.transaction, spentOutputs: [funding.outputs[0]], flags: params.scriptFlags(height: 170, hash: blocks[169].hash))
        }
    }
}
