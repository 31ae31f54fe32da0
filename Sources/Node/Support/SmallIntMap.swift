/// A map from small integer keys (peer and node indexes) to values, kept in insertion order.
///
/// Most nodes have a few dozen peers, and a lookup happens for every message a simulated
/// node handles: scanning a short contiguous array of keys beats hashing into a dictionary
/// whose buckets are cold. Past ``scanLimit`` entries a dictionary of positions takes over,
/// so a hub with thousands of peers stays O(1).
struct SmallIntMap<Value> {
    /// Keys in insertion order; `values[i]` belongs to `keys[i]`.
    private(set) var keys: [Int] = []
    private(set) var values: [Value] = []
    private var positions: [Int: Int]?

    static var scanLimit: Int { 32 }

    init() {}

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// The position of `key` in ``keys`` and ``values``, if present.
    func position(of key: Int) -> Int? {
        positions == nil ? keys.firstIndex(of: key) : positions?[key]
    }

    /// The value for `key`; setting `nil` removes it (later entries keep their order).
    subscript(key: Int) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            if let newValue {
                if let position = position(of: key) { values[position] = newValue } else { append(key, newValue) }
            } else if let position = position(of: key) {
                remove(at: position)
            }
        }
    }

    /// Changes the value for `key` in place (no copy of a value with storage of its own);
    /// false when `key` is absent.
    @discardableResult
    mutating func modify(_ key: Int, _ body: (inout Value) -> Void) -> Bool {
        guard let position = position(of: key) else { return false }
        body(&values[position])
        return true
    }

    private mutating func append(_ key: Int, _ value: Value) {
        keys.append(key)
        values.append(value)
        if positions != nil {
            positions?[key] = keys.count - 1
        } else if keys.count > Self.scanLimit {
            positions = Dictionary(uniqueKeysWithValues: zip(keys, keys.indices))
        }
    }

    private mutating func remove(at position: Int) {
        keys.remove(at: position)
        values.remove(at: position)
        if positions != nil {
            positions = keys.count > Self.scanLimit ? Dictionary(uniqueKeysWithValues: zip(keys, keys.indices)) : nil
        }
    }
}
