import CSecp256k1

/// The one libsecp256k1 context of the process.
///
/// It is created once, on first use, and never mutated afterwards, which makes it safe to
/// share between threads for verification and signing (libsecp256k1 only requires that
/// a context is not used while `secp256k1_context_randomize` runs on it, and that happens
/// once here, before publication).
public final class Secp256k1Context: @unchecked Sendable {
    /// The context pointer handed to libsecp256k1 calls.
    @usableFromInline let raw: OpaquePointer

    /// The shared context.
    public static let shared = Secp256k1Context()

    private init() {
        // SECP256K1_CONTEXT_NONE: a context sufficient for all functionality.
        guard let context = secp256k1_context_create(1) else {
            preconditionFailure("libsecp256k1 could not allocate a context")
        }
        // Blinding protects signing against side channels; it never changes any result
        // (signatures are deterministic, RFC 6979 / BIP 340).
        var seed = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in seed.indices { seed[index] = generator.next() }
        _ = secp256k1_context_randomize(context, seed)
        raw = context
    }

    deinit { secp256k1_context_destroy(raw) }
}

/// libsecp256k1's serialisation flags (the C macros are composite and do not import).
@usableFromInline enum Secp256k1Flags {
    static let compressed: UInt32 = (1 << 1) | (1 << 8)
    static let uncompressed: UInt32 = 1 << 1
}
