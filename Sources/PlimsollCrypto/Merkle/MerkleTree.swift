/// An append-only RFC 6962 tree that keeps every perfect subtree root, so that it can answer
/// roots, inclusion proofs and consistency proofs for its current size and any earlier size.
///
/// Append is amortised O(1) and O(log n) at worst; root and proofs touch O(log n) stored nodes
/// (O(log^2 n) hashes at worst), never a rehash of all leaves.
public struct MerkleTree: Sendable {
    /// `levels[l][i]` is the root of the perfect subtree of 2^l leaves starting at leaf i * 2^l.
    private var levels: [[Hash32]] = [[]]

    public init() {}

    public init(leafHashes: some Sequence<Hash32>) {
        for hash in leafHashes { append(leafHash: hash) }
    }

    public var size: UInt64 { UInt64(levels[0].count) }

    public mutating func append(leafHash: Hash32) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = Merkle.nodeHash(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    public mutating func append(leaf data: some Collection<UInt8>) {
        append(leafHash: Merkle.leafHash(data))
    }

    public func leafHash(at index: UInt64) throws(MerkleProofError) -> Hash32 {
        guard index < size else { throw MerkleProofError(.indexOutOfRange, "leaf \(index) of a tree of \(size)") }
        return levels[0][Int(index)]
    }

    /// The root of the whole tree.
    public var root: Hash32 { size == 0 ? Merkle.emptyRoot : subtreeHash(start: 0, count: size) }

    /// The root the tree had when it held `treeSize` leaves.
    /// - Throws: `sizeOutOfRange` when `treeSize` exceeds the current size.
    public func root(at treeSize: UInt64) throws(MerkleProofError) -> Hash32 {
        guard treeSize <= size else {
            throw MerkleProofError(.sizeOutOfRange, "tree size \(treeSize) exceeds \(size)")
        }
        return treeSize == 0 ? Merkle.emptyRoot : subtreeHash(start: 0, count: treeSize)
    }

    /// RFC 6962 2.1.1 PATH(m, D[n]): the inclusion proof of leaf `leafIndex` in the tree of size `treeSize`.
    /// - Throws: `indexOutOfRange` unless `leafIndex < treeSize`, `sizeOutOfRange` if `treeSize > size`.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(MerkleProofError) -> [Hash32] {
        guard treeSize <= size else {
            throw MerkleProofError(.sizeOutOfRange, "tree size \(treeSize) exceeds \(size)")
        }
        guard leafIndex < treeSize else {
            throw MerkleProofError(.indexOutOfRange, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        var proof: [Hash32] = []
        path(leafIndex, start: 0, count: treeSize, into: &proof)
        return proof
    }

    /// RFC 6962 2.1.2 PROOF(m, D[n]): the consistency proof from size `size1` to size `size2`.
    /// - Throws: `sizeOutOfRange` unless `0 < size1 <= size2 <= size`.
    public func consistencyProof(from size1: UInt64, to size2: UInt64) throws(MerkleProofError) -> [Hash32] {
        guard size2 <= size else { throw MerkleProofError(.sizeOutOfRange, "tree size \(size2) exceeds \(size)") }
        guard size1 <= size2 else { throw MerkleProofError(.sizeOutOfRange, "size1 \(size1) exceeds size2 \(size2)") }
        guard size1 > 0 else { throw MerkleProofError(.sizeOutOfRange, "no consistency proof from the empty tree") }
        var proof: [Hash32] = []
        subproof(size1, start: 0, count: size2, complete: true, into: &proof)
        return proof
    }

    private func path(_ index: UInt64, start: UInt64, count: UInt64, into proof: inout [Hash32]) {
        guard count > 1 else { return }
        let split = Merkle.largestPowerOfTwo(below: count)
        if index < split {
            path(index, start: start, count: split, into: &proof)
            proof.append(subtreeHash(start: start + split, count: count - split))
        } else {
            path(index - split, start: start + split, count: count - split, into: &proof)
            proof.append(subtreeHash(start: start, count: split))
        }
    }

    private func subproof(_ m: UInt64, start: UInt64, count: UInt64, complete: Bool, into proof: inout [Hash32]) {
        if m == count {
            if !complete { proof.append(subtreeHash(start: start, count: count)) }
            return
        }
        let split = Merkle.largestPowerOfTwo(below: count)
        if m <= split {
            subproof(m, start: start, count: split, complete: complete, into: &proof)
            proof.append(subtreeHash(start: start + split, count: count - split))
        } else {
            subproof(m - split, start: start + split, count: count - split, complete: false, into: &proof)
            proof.append(subtreeHash(start: start, count: split))
        }
    }

    /// MTH of leaves [start, start + count): a stored node when the range is a perfect aligned
    /// subtree, otherwise split as RFC 6962 does (only right-edge ranges take this path).
    private func subtreeHash(start: UInt64, count: UInt64) -> Hash32 {
        precondition(count > 0)
        precondition(start + count <= size)
        if count & (count - 1) == 0 && start % count == 0 {
            let level = count.trailingZeroBitCount
            return levels[level][Int(start / count)]
        }
        let split = Merkle.largestPowerOfTwo(below: count)
        return Merkle.nodeHash(subtreeHash(start: start, count: split), subtreeHash(start: start + split, count: count - split))
    }
}
