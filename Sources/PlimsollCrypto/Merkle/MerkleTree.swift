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
    public var root: Hash32 { size == 0 ? Merkle.emptyRoot : try! MerkleProofs.root(start: 0, count: size, stored) }

    /// The root the tree had when it held `treeSize` leaves.
    /// - Throws: `sizeOutOfRange` when `treeSize` exceeds the current size.
    public func root(at treeSize: UInt64) throws(MerkleProofError) -> Hash32 {
        guard treeSize <= size else {
            throw MerkleProofError(.sizeOutOfRange, "tree size \(treeSize) exceeds \(size)")
        }
        return treeSize == 0 ? Merkle.emptyRoot : try! MerkleProofs.root(start: 0, count: treeSize, stored)
    }

    /// RFC 6962 2.1.1 PATH(m, D[n]): the inclusion proof of leaf `leafIndex` in the tree of size `treeSize`.
    /// - Throws: `indexOutOfRange` unless `leafIndex < treeSize`, `sizeOutOfRange` if `treeSize > size`.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(MerkleProofError) -> [Hash32] {
        do {
            return try MerkleProofs.inclusion(leafIndex: leafIndex, treeSize: treeSize, available: size, stored)
        } catch {
            throw error as! MerkleProofError  // The in-memory source never throws anything else.
        }
    }

    /// RFC 6962 2.1.2 PROOF(m, D[n]): the consistency proof from size `size1` to size `size2`.
    /// - Throws: `sizeOutOfRange` unless `0 < size1 <= size2 <= size`.
    public func consistencyProof(from size1: UInt64, to size2: UInt64) throws(MerkleProofError) -> [Hash32] {
        do { return try MerkleProofs.consistency(from: size1, to: size2, available: size, stored) } catch {
            throw error as! MerkleProofError
        }
    }

    /// The stored root of a perfect subtree (it exists once all its leaves were appended).
    private func stored(level: Int, index: UInt64) -> Hash32 {
        levels[level][Int(index)]
    }
}
