import BitcoinCrypto

/// Bitcoin's merkle tree over transaction hashes (Core's `ComputeMerkleRoot`).
public enum MerkleTree {
    /// The merkle root of `leaves`, and whether the tree is *mutated*: two identical
    /// siblings somewhere, which lets a different transaction list (CVE-2012-2459) produce
    /// the same root. An empty list has the zero root.
    public static func root(of leaves: [Hash256]) -> (root: Hash256, mutated: Bool) {
        guard !leaves.isEmpty else { return (.zero, false) }
        var level = leaves
        var mutated = false
        while level.count > 1 {
            var position = 0
            while position + 1 < level.count {
                if level[position] == level[position + 1] { mutated = true }
                position += 2
            }
            if level.count % 2 == 1 { level.append(level[level.count - 1]) }
            var next = [Hash256]()
            next.reserveCapacity(level.count / 2)
            for pair in stride(from: 0, to: level.count, by: 2) {
                next.append(hash256(level[pair], level[pair + 1]))
            }
            level = next
        }
        return (level[0], mutated)
    }
}
