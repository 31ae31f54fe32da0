import BitcoinCrypto

/// Block rules that need no UTXO set (Core's `CheckBlockHeader`, `CheckBlock`,
/// `ContextualCheckBlockHeader` and `ContextualCheckBlock`), with Core's reject strings.
public enum BlockCheck {
    /// What a header is checked against: facts about its parent chain and the node's clock.
    public struct HeaderContext: Sendable {
        /// The height the block would have.
        public let height: Int
        /// The median time past of its parent (BIP 113's clock).
        public let previousMedianTimePast: Int64
        /// The bits the chain requires at this height (Core's `GetNextWorkRequired`).
        public let expectedBits: CompactTarget
        /// The node's current time (adjusted network time), Unix seconds.
        public let now: Int64

        public init(height: Int, previousMedianTimePast: Int64, expectedBits: CompactTarget, now: Int64) {
            self.height = height
            self.previousMedianTimePast = previousMedianTimePast
            self.expectedBits = expectedBits
            self.now = now
        }
    }

    /// Proof of work against the header's own bits (Core's `CheckBlockHeader`).
    public static func checkHeader(_ header: BlockHeader, params: ChainParams) throws(ValidationError) {
        guard ProofOfWork.check(hash: header.hash.hash, bits: header.bits, powLimit: params.powLimit) else {
            throw ValidationError(.invalidHeader, "high-hash", "proof of work failed")
        }
    }

    /// Context-free block checks (Core's `CheckBlock`): proof of work, merkle root and its
    /// mutation, size, one coinbase first, every transaction's own checks, legacy sigops.
    ///
    /// The result depends only on the block and the proof-of-work limit, so it is computed
    /// once per block per process and remembered in the block's shared storage.
    public static func check(_ block: Block, params: ChainParams) throws(ValidationError) {
        if let cached = block.cachedContextFreeCheck(powLimit: params.powLimit) {
            if let error = cached { throw error }
            return
        }
        let result: ValidationError?
        do {
            try uncachedCheck(block, params: params)
            result = nil
        } catch {
            result = error
        }
        block.rememberContextFreeCheck(result, powLimit: params.powLimit)
        if let result { throw result }
    }

    static func uncachedCheck(_ block: Block, params: ChainParams) throws(ValidationError) {
        try checkHeader(block.header, params: params)
        if block.header.merkleRoot != block.computedMerkleRoot {
            throw ValidationError(.mutated, "bad-txnmrklroot", "hashMerkleRoot mismatch")
        }
        if block.isMerkleMutated {
            throw ValidationError(.mutated, "bad-txns-duplicate", "duplicate transaction")
        }
        let maxWeight = Weight.maxBlock.units
        let scale = Weight.witnessScaleFactor
        if block.transactions.isEmpty || block.transactions.count * scale > maxWeight || block.strippedSize * scale > maxWeight {
            throw .consensus("bad-blk-length", "size limits failed")
        }
        guard block.transactions[0].isCoinbase else { throw .consensus("bad-cb-missing", "first tx is not coinbase") }
        if block.transactions.dropFirst().contains(where: \.isCoinbase) {
            throw .consensus("bad-cb-multiple", "more than one coinbase")
        }
        for transaction in block.transactions {
            do {
                try TransactionCheck.check(transaction)
            } catch {
                throw .consensus(error.reason, "transaction check failed (tx \(transaction.txid))")
            }
        }
        let sigOps = block.transactions.reduce(0) { $0 + $1.legacySigOpCount }
        if sigOps * scale > ChainParams.maxBlockSigOpsCost {
            throw .consensus("bad-blk-sigops", "out-of-bounds SigOpCount")
        }
    }

    /// Header rules that need the parent (Core's `ContextualCheckBlockHeader`): the required
    /// bits, a time after the median time past and at most two hours ahead of the node's
    /// clock, and the minimum version once BIPs 34, 66 and 65 are active.
    public static func contextualCheckHeader(_ header: BlockHeader, context: HeaderContext, params: ChainParams) throws(ValidationError) {
        if header.bits != context.expectedBits {
            throw ValidationError(.invalidHeader, "bad-diffbits", "incorrect proof of work")
        }
        if Int64(header.time) <= context.previousMedianTimePast {
            throw ValidationError(.invalidHeader, "time-too-old", "block's timestamp is too early")
        }
        if Int64(header.time) > context.now + ChainParams.maxFutureBlockTime {
            throw ValidationError(.timeInFuture, "time-too-new", "block timestamp too far in the future")
        }
        let version = header.version
        if (version < 2 && context.height >= params.bip34Height) || (version < 3 && context.height >= params.bip66Height)
            || (version < 4 && context.height >= params.bip65Height) {
            let hex = String(UInt32(bitPattern: version), radix: 16)
            let padded = String(repeating: "0", count: 8 - hex.count) + hex
            throw ValidationError(.invalidHeader, "bad-version(0x\(padded))", "rejected nVersion=0x\(padded) block")
        }
    }

    /// Block rules that need the parent (Core's `ContextualCheckBlock`): every transaction
    /// final, the BIP 34 height at the start of the coinbase, the witness commitment
    /// (BIP 141), and the weight limit.
    public static func contextualCheck(_ block: Block, height: Int, previousMedianTimePast: Int64, params: ChainParams) throws(ValidationError) {
        let lockTimeCutoff = height >= params.csvHeight ? previousMedianTimePast : Int64(block.header.time)
        for transaction in block.transactions where !LockTime.isFinal(transaction, height: height, time: lockTimeCutoff) {
            throw .consensus("bad-txns-nonfinal", "non-final transaction")
        }
        if height >= params.bip34Height {
            var expected = [UInt8]()
            expected.reserveCapacity(10)
            Script.appendNumber(Int64(height), to: &expected)
            guard block.transactions[0].inputs[0].scriptSig.bytes.starts(with: expected) else {
                throw .consensus("bad-cb-height", "block height mismatch in coinbase")
            }
        }
        try checkWitnessCommitment(block, expected: height >= params.segwitHeight)
        if block.weight > Weight.maxBlock {
            throw .consensus("bad-blk-weight", "weight limit failed")
        }
    }

    /// Core's `CheckWitnessMalleation`.
    static func checkWitnessCommitment(_ block: Block, expected: Bool) throws(ValidationError) {
        if expected, let position = WitnessCommitment.index(in: block.transactions[0]) {
            let witness = block.transactions[0].inputs[0].witness
            guard witness.count == 1, witness[0].count == 32 else {
                throw ValidationError(.mutated, "bad-witness-nonce-size", "invalid witness reserved value size")
            }
            let commitment = WitnessCommitment.commitment(witnessRoot: block.computeWitnessMerkleRoot().root, reservedValue: witness[0])
            let script = block.transactions[0].outputs[position].scriptPubKey.bytes
            guard script[6..<38].elementsEqual(commitment.bytes) else {
                throw ValidationError(.mutated, "bad-witness-merkle-match", "witness merkle commitment mismatch")
            }
            return
        }
        if block.transactions.contains(where: \.hasWitness) {
            throw ValidationError(.mutated, "unexpected-witness", "unexpected witness data found")
        }
    }
}
