import BitcoinCrypto

/// BIP 341 script-tree hashing and control blocks.
public enum Taproot {
    /// The leaf version of BIP 342 tapscript.
    public static let tapscriptLeafVersion: UInt8 = 0xc0
    /// The bits of the control block's first byte that hold the leaf version.
    public static let leafMask: UInt8 = 0xfe
    /// The first byte of an annex (the optional last witness element).
    public static let annexTag: UInt8 = 0x50
    /// A control block's leaf version byte and internal key.
    public static let controlBaseSize = 33
    /// Each merkle path node in a control block.
    public static let controlNodeSize = 32
    /// The deepest allowed script tree.
    public static let controlMaxNodeCount = 128
    /// The largest control block.
    public static var controlMaxSize: Int { controlBaseSize + controlNodeSize * controlMaxNodeCount }

    /// `hashTapLeaf(leafVersion || compact_size(script) || script)`.
    public static func leafHash(leafVersion: UInt8, script: [UInt8]) -> Hash256 {
        var writer = ByteWriter(capacity: script.count + 4)
        writer.write(leafVersion)
        writer.writeVarBytes(script)
        return TaggedHash.tapLeaf.hash(writer.bytes)
    }

    /// `hashTapBranch` of two child hashes in lexicographic order.
    public static func branchHash(_ a: [UInt8], _ b: [UInt8]) -> Hash256 {
        let (first, second) = a.lexicographicallyPrecedes(b) ? (a, b) : (b, a)
        return TaggedHash.tapBranch.hash(first + second)
    }

    /// The script tree root proven by a control block's path for a leaf (Core's
    /// `ComputeTaprootMerkleRoot`).
    public static func merkleRoot(control: [UInt8], leafHash: Hash256) -> Hash256 {
        let pathLength = (control.count - controlBaseSize) / controlNodeSize
        var node = leafHash
        for index in 0..<pathLength {
            let start = controlBaseSize + controlNodeSize * index
            node = branchHash(node.bytes, Array(control[start..<start + controlNodeSize]))
        }
        return node
    }

    /// True when `control` proves that `program` (the output key) commits to the leaf
    /// (Core's `VerifyTaprootCommitment`).
    public static func verifyCommitment(control: [UInt8], program: [UInt8], leafHash: Hash256) -> Bool {
        guard let internalKey = XOnlyPublicKey(bytes: Array(control[1..<controlBaseSize])) else { return false }
        let root = merkleRoot(control: control, leafHash: leafHash)
        return internalKey.checkTaprootTweak(outputKey: program, oddY: control[0] & 1 == 1, merkleRoot: root)
    }

    /// The control block for a tree of one tapscript leaf (the tree is the leaf itself).
    public static func singleLeafControlBlock(internalKey: XOnlyPublicKey, script: [UInt8]) -> (control: [UInt8], outputKey: XOnlyPublicKey)? {
        let leaf = leafHash(leafVersion: tapscriptLeafVersion, script: script)
        guard let output = internalKey.taprootOutputKey(merkleRoot: leaf) else { return nil }
        return ([tapscriptLeafVersion | (output.oddY ? 1 : 0)] + internalKey.bytes, output.key)
    }
}
