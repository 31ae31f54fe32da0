import BitcoinCrypto
import Synchronization

/// Keeps one copy of equal byte arrays written by many in-memory stores, named by a
/// 32-bit handle.
///
/// The nodes of a simulation store the same chain: the same keys and mostly the same values
/// (coins, undo records, markers). A ``MemoryStore`` keeps each key and each value up to
/// ``maximumValueSize`` bytes here and holds only their handles, so ten thousand nodes hold
/// one array where they would hold ten thousand equal ones, and a store's table holds plain
/// numbers: writing, replacing and finally releasing an entry touch no reference count of
/// an array the other nodes (and the other threads) share. Arrays stay until the interner is
/// released (a few hundred bytes per block for a simulated chain). Thread-safe: the stores of
/// nodes running on several threads may share one.
public final class ByteInterner: Sendable {
    /// Larger values are not interned: a store keeps them itself (a block's bytes are already
    /// one shared buffer, and hashing them for every node would cost more than it saves).
    public static let maximumValueSize = 1_024

    /// Handles stay below this (31 bits), so that a table may mark entries of its own with the
    /// top bit (``MemoryStore`` does, for values it keeps itself).
    static let handleLimit: UInt32 = 1 << 31

    /// The name of an interned array: its position in the interner.
    struct Handle: Hashable {
        let index: UInt32

        /// Handles are small consecutive numbers: spread them before tables bucket them.
        func hash(into hasher: inout Hasher) { hasher.combine(index) }
        func _rawHashValue(seed: Int) -> Int { Hash256.rawHash(of: UInt64(index) &* 0x9E37_79B9_7F4A_7C15, seed: seed) }
    }

    private let state = Mutex(State())

    public init() {}

    /// The number of distinct arrays held.
    public var count: Int { state.withLock { $0.arrays.count } }

    /// The handles of a key and, when it is given and small enough to intern, of its value
    /// (each added when new): one lock for both (a store writes them together).
    func handles(key: [UInt8], value: [UInt8]?) -> (key: Handle, value: Handle?) {
        state.withLock { state in
            let keyHandle = state.intern(key)
            guard let value, value.count <= ByteInterner.maximumValueSize else { return (keyHandle, nil) }
            return (keyHandle, state.intern(value))
        }
    }

    /// The handle of `bytes` if they were ever interned (no store can hold a key that was not).
    func existingHandle(_ bytes: [UInt8]) -> Handle? {
        state.withLock { $0.find(bytes, tag: State.tag(of: bytes)).handle }
    }

    /// The array named by `handle`.
    func bytes(_ handle: Handle) -> [UInt8] {
        state.withLock { $0.arrays[Int(handle.index)] }
    }

    /// The arrays and an open-addressed table over them. A slot holds the array's folded hash
    /// beside its handle, so a probe reads one slot and compares bytes only on a hash match.
    private struct State {
        struct Slot {
            /// The folded hash with its low bit set; 0 marks an empty slot.
            var tag: UInt64
            var index: UInt32
        }

        var arrays: [[UInt8]] = []
        var slots = [Slot](repeating: Slot(tag: 0, index: 0), count: 64)
        /// Handles of arrays kept as given, by the address of their bytes (direct-mapped):
        /// the very same array interned again — a block's database keys, which every node's
        /// chain state takes from the block's shared header record — is found without
        /// hashing. Only arrays the interner keeps are entered, so an address found here
        /// still names the array it was entered for.
        var byAddress = [(address: UInt, index: UInt32)](repeating: (0, 0), count: 1_024)

        static func address(of bytes: [UInt8]) -> UInt {
            bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        }

        static func addressSlot(_ address: UInt) -> Int { Int(truncatingIfNeeded: (address >> 4) & 1_023) }

        static func tag(of bytes: [UInt8]) -> UInt64 { MemoryKey.fold(bytes) | 1 }

        /// Where `bytes` are (their handle) or would go (an empty slot).
        func find(_ bytes: [UInt8], tag: UInt64) -> (slot: Int, handle: Handle?) {
            let mask = slots.count - 1
            var position = Int(truncatingIfNeeded: tag >> 7) & mask
            while true {
                let slot = slots[position]
                if slot.tag == 0 { return (position, nil) }
                if slot.tag == tag && MemoryKey.equal(arrays[Int(slot.index)], bytes) { return (position, Handle(index: slot.index)) }
                position = (position + 1) & mask
            }
        }

        mutating func intern(_ bytes: [UInt8]) -> Handle {
            let address = State.address(of: bytes)
            let known = byAddress[State.addressSlot(address)]
            if address != 0 && known.address == address { return Handle(index: known.index) }
            let tag = State.tag(of: bytes)
            let (position, found) = find(bytes, tag: tag)
            if let found { return found }
            precondition(arrays.count < Int(ByteInterner.handleLimit), "more than 2^31 distinct arrays interned")
            let index = UInt32(arrays.count)
            arrays.append(bytes)
            if address != 0 { byAddress[State.addressSlot(address)] = (address, index) }
            slots[position] = Slot(tag: tag, index: index)
            if arrays.count * 4 > slots.count * 3 { grow() }
            return Handle(index: index)
        }

        mutating func grow() {
            var grown = [Slot](repeating: Slot(tag: 0, index: 0), count: slots.count * 2)
            let mask = grown.count - 1
            for slot in slots where slot.tag != 0 {
                var position = Int(truncatingIfNeeded: slot.tag >> 7) & mask
                while grown[position].tag != 0 { position = (position + 1) & mask }
                grown[position] = slot
            }
            slots = grown
        }
    }
}
