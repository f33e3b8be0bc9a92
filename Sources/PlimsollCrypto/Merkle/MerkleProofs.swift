/// RFC 6962 proof generation over any source of perfect subtree roots: an in-memory tree, or a
/// store that keeps some levels and hashes the rest from leaves.
public enum MerkleProofs {
    /// Returns the root of the perfect subtree of 2^level leaves starting at leaf `index << level`.
    public typealias PerfectSubtree = (_ level: Int, _ index: UInt64) throws -> Hash32

    /// RFC 6962 2.1.1 PATH(m, D[n]).
    /// - Throws: `MerkleProofError` (`indexOutOfRange`, `sizeOutOfRange`) or the source's errors.
    public static func inclusion(
        leafIndex: UInt64, treeSize: UInt64, available: UInt64, _ subtree: PerfectSubtree
    ) throws -> [Hash32] {
        guard treeSize <= available else {
            throw MerkleProofError(.sizeOutOfRange, "tree size \(treeSize) exceeds \(available)")
        }
        guard leafIndex < treeSize else {
            throw MerkleProofError(.indexOutOfRange, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        var proof: [Hash32] = []
        try path(leafIndex, start: 0, count: treeSize, subtree, into: &proof)
        return proof
    }

    /// RFC 6962 2.1.2 PROOF(m, D[n]).
    /// - Throws: `sizeOutOfRange` unless `0 < size1 <= size2 <= available`, or the source's errors.
    public static func consistency(
        from size1: UInt64, to size2: UInt64, available: UInt64, _ subtree: PerfectSubtree
    ) throws -> [Hash32] {
        guard size2 <= available else {
            throw MerkleProofError(.sizeOutOfRange, "tree size \(size2) exceeds \(available)")
        }
        guard size1 <= size2 else { throw MerkleProofError(.sizeOutOfRange, "size1 \(size1) exceeds size2 \(size2)") }
        guard size1 > 0 else { throw MerkleProofError(.sizeOutOfRange, "no consistency proof from the empty tree") }
        var proof: [Hash32] = []
        try subproof(size1, start: 0, count: size2, complete: true, subtree, into: &proof)
        return proof
    }

    /// MTH of leaves [start, start + count) from perfect subtrees, split as RFC 6962 does.
    public static func root(start: UInt64, count: UInt64, _ subtree: PerfectSubtree) throws -> Hash32 {
        precondition(count > 0)
        if count & (count - 1) == 0 && start % count == 0 {
            return try subtree(count.trailingZeroBitCount, start / count)
        }
        let split = Merkle.largestPowerOfTwo(below: count)
        return Merkle.nodeHash(
            try root(start: start, count: split, subtree), try root(start: start + split, count: count - split, subtree)
        )
    }

    private static func path(
        _ index: UInt64, start: UInt64, count: UInt64, _ subtree: PerfectSubtree, into proof: inout [Hash32]
    ) throws {
        guard count > 1 else { return }
        let split = Merkle.largestPowerOfTwo(below: count)
        if index < split {
            try path(index, start: start, count: split, subtree, into: &proof)
            proof.append(try root(start: start + split, count: count - split, subtree))
        } else {
            try path(index - split, start: start + split, count: count - split, subtree, into: &proof)
            proof.append(try root(start: start, count: split, subtree))
        }
    }

    private static func subproof(
        _ m: UInt64, start: UInt64, count: UInt64, complete: Bool, _ subtree: PerfectSubtree, into proof: inout [Hash32]
    ) throws {
        if m == count {
            if !complete { proof.append(try root(start: start, count: count, subtree)) }
            return
        }
        let split = Merkle.largestPowerOfTwo(below: count)
        if m <= split {
            try subproof(m, start: start, count: split, complete: complete, subtree, into: &proof)
            proof.append(try root(start: start + split, count: count - split, subtree))
        } else {
            try subproof(m - split, start: start + split, count: count - split, complete: false, subtree, into: &proof)
            proof.append(try root(start: start, count: split, subtree))
        }
    }
}
