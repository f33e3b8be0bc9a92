/// RFC 6962 section 2.1 hashing: leaf = SHA256(0x00 || data), node = SHA256(0x01 || left || right),
/// empty tree = SHA256("").
public enum Merkle {
    /// "The hash of an empty list is the hash of an empty string" (RFC 6962, 2.1).
    public static let emptyRoot: Hash32 = Hashing.sha256([UInt8]())

    /// MTH({d(0)}) = SHA-256(0x00 || d(0)).
    public static func leafHash(_ data: some Collection<UInt8>) -> Hash32 {
        var state = leafPrefix
        state.absorb(data)
        return state.finalize()
    }

    /// SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        nodePrefix.finalize(left, right)
    }

    /// The states after the one-byte domain prefixes, copied per hash.
    private static let leafPrefix = prefixed(0x00)
    private static let nodePrefix = prefixed(0x01)

    private static func prefixed(_ byte: UInt8) -> SHA256State {
        var state = SHA256State()
        withUnsafeBytes(of: byte) { state.update($0) }
        return state
    }

    /// MTH(D[n]) over leaf hashes: split at k, the largest power of two smaller than n.
    public static func root(leafHashes: some RandomAccessCollection<Hash32>) -> Hash32 {
        let hashes = Array(leafHashes)
        if hashes.isEmpty { return emptyRoot }
        return subtreeRoot(hashes[...])
    }

    static func subtreeRoot(_ hashes: ArraySlice<Hash32>) -> Hash32 {
        precondition(!hashes.isEmpty)
        if hashes.count == 1 { return hashes[hashes.startIndex] }
        let split = hashes.startIndex + Int(largestPowerOfTwo(below: UInt64(hashes.count)))
        return nodeHash(subtreeRoot(hashes[..<split]), subtreeRoot(hashes[split...]))
    }

    /// The largest power of two strictly smaller than `n`.
    /// - Precondition: `n > 1`.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n > 1)
        return UInt64(1) << (63 - UInt64((n - 1).leadingZeroBitCount))
    }
}
