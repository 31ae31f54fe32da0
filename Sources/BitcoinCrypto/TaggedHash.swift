/// A BIP 340 tagged hash: `SHA256(SHA256(tag) || SHA256(tag) || data)`.
///
/// The 64-byte prefix is exactly one SHA-256 block, so each tag's state is computed once
/// and copied for every hash.
public struct TaggedHash: Sendable {
    private let prefixState: SHA256

    /// Prepares the hasher for `tag` (its UTF-8 bytes).
    public init(tag: String) {
        let tagHash = SHA256.hash(Array(tag.utf8))
        var hasher = SHA256()
        hasher.update(tagHash)
        hasher.update(tagHash)
        prefixState = hasher
    }

    /// A fresh streaming hasher with the tag prefix absorbed.
    public func hasher() -> SHA256 { prefixState }

    /// The tagged hash of `bytes`.
    public func hash(_ bytes: [UInt8]) -> Hash256 {
        var hasher = prefixState
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The tagged hash of `buffer`.
    public func hash(_ buffer: UnsafeRawBufferPointer) -> Hash256 {
        var hasher = prefixState
        hasher.update(buffer)
        return hasher.finalize()
    }

    // The tags Bitcoin uses (BIP 340, 341, 342).
    public static let bip340Challenge = TaggedHash(tag: "BIP0340/challenge")
    public static let tapTweak = TaggedHash(tag: "TapTweak")
    public static let tapLeaf = TaggedHash(tag: "TapLeaf")
    public static let tapBranch = TaggedHash(tag: "TapBranch")
    public static let tapSighash = TaggedHash(tag: "TapSighash")
}
