/// RFC 9162 section 2.1.3.2 and 2.1.4.2 proof verification (the RFC 6962 proofs, with the
/// transparency-dev rules for edge cases: a consistency proof from size 0 is refused).
extension Merkle {
    /// Verifies that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves with `root`.
    /// - Throws: `indexOutOfRange`, `wrongProofLength` or `rootMismatch`.
    public static func verifyInclusion(
        leafIndex: UInt64, treeSize: UInt64, leafHash: Hash32, proof: [Hash32], root: Hash32
    ) throws(MerkleProofError) {
        let computed = try rootFromInclusionProof(
            leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, proof: proof)
        guard computed == root else {
            throw MerkleProofError(.rootMismatch, "inclusion proof leads to \(computed.hex), not \(root.hex)")
        }
    }

    /// The root an inclusion proof leads to (RFC 9162 2.1.3.2 steps 1 to 6).
    public static func rootFromInclusionProof(
        leafIndex: UInt64, treeSize: UInt64, leafHash: Hash32, proof: [Hash32]
    ) throws(MerkleProofError) -> Hash32 {
        guard leafIndex < treeSize else {
            throw MerkleProofError(.indexOutOfRange, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var result = leafHash
        for element in proof {
            guard sn != 0 else { throw MerkleProofError(.wrongProofLength, "inclusion proof is too long") }
            if fn & 1 == 1 || fn == sn {
                result = nodeHash(element, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = nodeHash(result, element)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw MerkleProofError(.wrongProofLength, "inclusion proof is too short") }
        return result
    }

    /// Verifies that the tree of `size2` leaves with `root2` extends the one of `size1` with `root1`.
    /// - Throws: `sizeOutOfRange` (size1 > size2, or size1 == 0), `wrongProofLength`, `rootMismatch`.
    public static func verifyConsistency(
        size1: UInt64, size2: UInt64, root1: Hash32, root2: Hash32, proof: [Hash32]
    ) throws(MerkleProofError) {
        guard size1 <= size2 else {
            throw MerkleProofError(.sizeOutOfRange, "size1 \(size1) is greater than size2 \(size2)")
        }
        guard size1 != 0 else {
            throw MerkleProofError(.sizeOutOfRange, "a consistency proof from the empty tree proves nothing")
        }
        if size1 == size2 {
            guard proof.isEmpty else { throw MerkleProofError(.wrongProofLength, "equal sizes need an empty proof") }
            guard root1 == root2 else { throw MerkleProofError(.rootMismatch, "equal sizes but different roots") }
            return
        }
        guard !proof.isEmpty else { throw MerkleProofError(.wrongProofLength, "consistency proof is empty") }
        var path = proof[...]
        if size1 & (size1 - 1) == 0 { path = ([root1] + proof)[...] }  // size1 a power of two: seed with root1.
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var firstRoot = path.removeFirst()
        var secondRoot = firstRoot
        for element in path {
            guard sn != 0 else { throw MerkleProofError(.wrongProofLength, "consistency proof is too long") }
            if fn & 1 == 1 || fn == sn {
                firstRoot = nodeHash(element, firstRoot)
                secondRoot = nodeHash(element, secondRoot)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                secondRoot = nodeHash(secondRoot, element)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw MerkleProofError(.wrongProofLength, "consistency proof is too short") }
        guard firstRoot == root1 else { throw MerkleProofError(.rootMismatch, "proof does not lead to root1") }
        guard secondRoot == root2 else { throw MerkleProofError(.rootMismatch, "proof does not lead to root2") }
    }
}

/// Verification of proofs whose hashes arrive as raw bytes from outside (a wire format, a file).
///
/// Every hash must be 32 bytes, with one exception kept from transparency-dev: when the sizes are
/// equal a consistency proof only states that the two roots are the same bytes.
extension Merkle {
    public static func verifyInclusion(
        leafIndex: UInt64, treeSize: UInt64, leafHash: [UInt8], proof: [[UInt8]], root: [UInt8]
    ) throws(MerkleProofError) {
        try verifyInclusion(
            leafIndex: leafIndex, treeSize: treeSize, leafHash: try hash(leafHash, "leaf hash"),
            proof: try hashes(proof), root: try hash(root, "root")
        )
    }

    public static func verifyConsistency(
        size1: UInt64, size2: UInt64, root1: [UInt8], root2: [UInt8], proof: [[UInt8]]
    ) throws(MerkleProofError) {
        if size1 == size2 && size1 != 0 {
            guard proof.isEmpty else { throw MerkleProofError(.wrongProofLength, "equal sizes need an empty proof") }
            guard root1 == root2 else { throw MerkleProofError(.rootMismatch, "equal sizes but different roots") }
            return
        }
        try verifyConsistency(
            size1: size1, size2: size2, root1: try hash(root1, "root1"), root2: try hash(root2, "root2"),
            proof: try hashes(proof)
        )
    }

    private static func hash(_ bytes: [UInt8], _ what: String) throws(MerkleProofError) -> Hash32 {
        do { return try Hash32(bytes: bytes) } catch {
            throw MerkleProofError(.badHashLength, "\(what) is \(bytes.count) bytes, not 32")
        }
    }

    private static func hashes(_ list: [[UInt8]]) throws(MerkleProofError) -> [Hash32] {
        var out: [Hash32] = []
        out.reserveCapacity(list.count)
        for (index, bytes) in list.enumerated() { out.append(try hash(bytes, "proof element \(index)")) }
        return out
    }
}
