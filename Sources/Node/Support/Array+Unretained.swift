extension Array where Element: AnyObject {
    /// The object at `index` as an address, not retained: for the hottest loops over
    /// objects the array keeps alive throughout, where a retain and a release are two atomic
    /// operations on memory that may not be in cache. Valid while the array holds the object.
    @inlinable public func unretained(at index: Int) -> Unmanaged<Element> {
        precondition(index >= 0 && index < count, "index out of range")
        return withUnsafeBytes { bytes in
            Unmanaged.fromOpaque(bytes.load(fromByteOffset: index * MemoryLayout<Element>.stride, as: UnsafeRawPointer.self))
        }
    }
}
