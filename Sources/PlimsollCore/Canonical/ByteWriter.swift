/// Appends the big-endian integers and fixed-width fields of the canonical formats.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { append(bigEndian: value) }
    mutating func u32(_ value: UInt32) { append(bigEndian: value) }
    mutating func u64(_ value: UInt64) { append(bigEndian: value) }
    mutating func raw(_ value: some Sequence<UInt8>) { bytes.append(contentsOf: value) }

    private mutating func append<T: FixedWidthInteger>(bigEndian value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
