/// A 32-byte hash value (SHA-256 digest, tagged hash, Merkle node, block hash).
///
/// Stored as four big-endian words so that comparisons and copies never allocate; the Merkle tree
/// and the block log hold many of these.
public struct Hash32: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// All zero bytes: the genesis block's `prev_hash` and the empty `lists_digest`.
    public static let zero = Hash32(w0: 0, w1: 0, w2: 0, w3: 0)

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Wraps exactly 32 bytes.
    /// - Throws: `CryptoError.badLength` for any other length.
    public init(bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == 32 else {
            throw CryptoError(.badLength, "a hash is 32 bytes, got \(bytes.count)")
        }
        self.init(exactly: Array(bytes))
    }

    /// Wraps bytes a reader has already cut to 32.
    /// - Precondition: `checkedBytes.count == 32`.
    public init(checkedBytes: [UInt8]) {
        self.init(exactly: checkedBytes)
    }

    /// Parses 64 hex digits of either case.
    public init(hex: some StringProtocol) throws(CryptoError) {
        self.init(exactly: try Hex.decode(hex, count: 32))
    }

    /// - Precondition: `bytes.count == 32`; callers have checked the length already.
    init(exactly bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { Hash32(buffer: $0) }
    }

    /// Wraps a raw 32-byte buffer without a length check beyond a precondition; reads the words
    /// in place (every digest comes through here, so no array is made for it).
    init(buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count == 32)
        func word(_ offset: Int) -> UInt64 {
            UInt64(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        self.init(w0: word(0), w1: word(8), w2: word(16), w3: word(24))
    }

    /// The 32 bytes, big-endian word by word.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// Bit `index` (0 ... 255) of the 32 bytes read most significant first: the path of this hash
    /// as a key in a binary trie (bit order agrees with `<`).
    public func bit(_ index: Int) -> Bool {
        precondition((0..<256).contains(index))
        let word = index < 64 ? w0 : index < 128 ? w1 : index < 192 ? w2 : w3
        return (word >> UInt64(63 - index & 63)) & 1 == 1
    }

    public static func < (lhs: Hash32, rhs: Hash32) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }

    /// Calls `body` with the 32 bytes in a stack buffer, for hashing without a heap array.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try withUnsafeBytes(of: &words) { try body($0) }
    }
}
