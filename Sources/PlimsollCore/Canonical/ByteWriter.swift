/// Appends the big-endian integers and fixed-width fields of the canonical formats.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    public mutating func u16(_ value: UInt16) { append(bigEndian: value) }
    public mutating func u32(_ value: UInt32) { append(bigEndian: value) }
    public mutating func u64(_ value: UInt64) { append(bigEndian: value) }
    public mutating func raw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }

    private mutating func append<T: FixedWidthInteger>(bigEndian value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
