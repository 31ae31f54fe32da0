/// A map from small integer keys (peer and node indexes) to values, kept in insertion order.
///
/// Most nodes have a few dozen peers, and a lookup happens for every message a simulated
/// node handles: scanning a short contiguous array of keys beats hashing into a dictionary
/// whose buckets are cold. Past 32 entries a dictionary of positions takes over, so a hub
/// with thousands of peers stays O(1).
public struct SmallIntMap<Value> {
    /// Keys in insertion order; `values[i]` belongs to `keys[i]`.
    @usableFromInline var storedKeys: [Int] = []
    @usableFromInline var storedValues: [Value] = []
    @usableFromInline var positions: [Int: Int]?

    @usableFromInline static var scanLimit: Int { 32 }

    public init() {}

    /// The keys, in insertion order.
    @inlinable public var keys: [Int] { storedKeys }
    /// The values, in the order of ``keys``.
    @inlinable public var values: [Value] { storedValues }
    @inlinable public var count: Int { storedKeys.count }
    @inlinable public var isEmpty: Bool { storedKeys.isEmpty }

    /// The position of `key` in ``keys`` and ``values``, if present.
    @inlinable public func position(of key: Int) -> Int? {
        guard let positions else { return storedKeys.firstIndex(of: key) }
        return positions[key]
    }

    /// The value for `key`; setting `nil` removes it (later entries keep their order).
    @inlinable public subscript(key: Int) -> Value? {
        get { position(of: key).map { storedValues[$0] } }
        set {
            if let newValue {
                if let position = position(of: key) { storedValues[position] = newValue } else { append(key, newValue) }
            } else if let position = position(of: key) {
                remove(at: position)
            }
        }
    }

    /// Changes the value for `key` in place (no copy of a value with storage of its own);
    /// false when `key` is absent.
    @inlinable @discardableResult
    public mutating func modify(_ key: Int, _ body: (inout Value) -> Void) -> Bool {
        guard let position = position(of: key) else { return false }
        body(&storedValues[position])
        return true
    }

    @usableFromInline mutating func append(_ key: Int, _ value: Value) {
        storedKeys.append(key)
        storedValues.append(value)
        if positions != nil {
            positions?[key] = storedKeys.count - 1
        } else if storedKeys.count > Self.scanLimit {
            positions = Dictionary(uniqueKeysWithValues: zip(storedKeys, storedKeys.indices))
        }
    }

    @usableFromInline mutating func remove(at position: Int) {
        storedKeys.remove(at: position)
        storedValues.remove(at: position)
        if positions != nil {
            positions = storedKeys.count > Self.scanLimit ? Dictionary(uniqueKeysWithValues: zip(storedKeys, storedKeys.indices)) : nil
        }
    }
}

extension SmallIntMap {
    /// Where the keys and the values are held, for prefetching later (see ``CacheLines``).
    @inlinable public var storageAddresses: (keys: UnsafeRawPointer?, values: UnsafeRawPointer?) {
        (storedKeys.withUnsafeBytes { $0.baseAddress }, storedValues.withUnsafeBytes { $0.baseAddress })
    }

    /// Asks the cache for the keys and the values held inline (not what they refer to): for
    /// a caller about to look up many keys a little later. Mutating only so that a map stored
    /// in an object is reached in place: reading it would copy it, retaining its arrays.
    @inlinable public mutating func prefetchStorage() {
        storedKeys.withUnsafeBytes { CacheHint.prefetch(lines: $0) }
        storedValues.withUnsafeBytes { CacheHint.prefetch(lines: $0) }
    }
}

extension SmallIntMap where Value: AnyObject {
    /// The value at `position` (in the order of ``values``) as an address, not retained: for
    /// a loop over every peer of a node, where a retain and a release per value were a tenth
    /// of the loop's work. Valid while the map holds the value.
    @inlinable public func unretainedValue(at position: Int) -> Unmanaged<Value> {
        storedValues.unretained(at: position)
    }

    /// Asks the cache for the first two lines of every value's object without retaining any
    /// (a retain would touch each object at once): for a caller about to do other work
    /// before visiting them all. Two lines hold the fields of a peer record that an
    /// announcement reads, wherever its allocation starts.
    @inlinable public func prefetchValues() {
        storedValues.withUnsafeBytes { bytes in
            for offset in stride(from: 0, to: bytes.count, by: MemoryLayout<Value>.stride) {
                let object = bytes.load(fromByteOffset: offset, as: UnsafeRawPointer.self)
                CacheHint.prefetch(lines: 2, at: object)
            }
        }
    }
}
