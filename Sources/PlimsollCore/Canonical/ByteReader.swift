public import PlimsollCrypto

/// Reads the canonical formats back, with a typed error instead of a trap on short input.
public struct ByteReader {
    private let bytes: [UInt8]
    public private(set) var offset = 0
    /// Where `key()` looks a key up before parsing it (nil: every key is parsed).
    let keys: XOnlyKeyCache?

    public init(_ bytes: [UInt8], keys: XOnlyKeyCache? = nil) {
        self.bytes = bytes
        self.keys = keys
    }

    public var remaining: Int { bytes.count - offset }

    public mutating func u8() throws(CoreError) -> UInt8 { try raw(1)[0] }
    public mutating func u16() throws(CoreError) -> UInt16 { UInt16(try integer(2)) }
    public mutating func u32() throws(CoreError) -> UInt32 { UInt32(try integer(4)) }
    public mutating func u64() throws(CoreError) -> UInt64 { try integer(8) }

    public mutating func raw(_ count: Int) throws(CoreError) -> [UInt8] {
        guard count >= 0, count <= remaining else {
            throw CoreError(.malformed, "truncated: wanted \(count) bytes at offset \(offset), \(remaining) left")
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    public mutating func expectEnd() throws(CoreError) {
        guard remaining == 0 else { throw CoreError(.malformed, "\(remaining) trailing bytes at offset \(offset)") }
    }

    private mutating func integer(_ width: Int) throws(CoreError) -> UInt64 {
        try raw(width).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
