import PlimsollCrypto
import PlimsollTesting
import Testing

/// Seeded property tests of proof generation and verification for tree sizes 1...2000.
///
/// A flipped size is checked against the true signed head of the flipped size: RFC 6962 binds a
/// size to its root only through that head, and a proof for one size must never verify against
/// the head of another.
struct MerklePropertyTests {
    static let sizeMax: UInt64 = 2000
    /// Room for any single-bit flip of a size up to 2000 (bits 0...10 give at most 4095).
    static let treeLeaves = 4096

    static func tree(_ rng: inout SplitMix64) -> (MerkleTree, [Hash32]) {
        let hashes = (0..<treeLeaves).map { _ in Merkle.leafHash(rng.bytes(Int(rng.next() % 40))) }
        return (MerkleTree(leafHashes: hashes), hashes)
    }

    static func flip(_ hash: Hash32, bit: Int) -> Hash32 {
        var bytes = hash.bytes
        bytes[bit / 8] ^= 1 << UInt8(bit % 8)
        return try! Hash32(bytes: bytes)
    }

    @Test(arguments: SplitMix64.seeds([1, 7, 0xC0FFEE]))
    func inclusionProofsVerifyAndAnyFlipFails(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let (tree, hashes) = Self.tree(&rng)
        for trial in 0..<400 {
            let size = 1 + rng.next() % Self.sizeMax
            let index = rng.next() % size
            let root = try tree.root(at: size)
            let proof = try tree.inclusionProof(leafIndex: index, treeSize: size)
            let context = "seed \(seed) trial \(trial) index \(index) size \(size)"
            #expect(throws: Never.self, "\(context)") {
                try Merkle.verifyInclusion(
                    leafIndex: index, treeSize: size, leafHash: hashes[Int(index)], proof: proof, root: root)
            }
            let leafFlip = Self.flip(hashes[Int(index)], bit: Int(rng.next() % 256))
            #expect(throws: MerkleProofError.self, "\(context) leaf flip") {
                try Merkle.verifyInclusion(
                    leafIndex: index, treeSize: size, leafHash: leafFlip, proof: proof, root: root)
            }
            if !proof.isEmpty {
                var flipped = proof
                let at = Int(rng.next() % UInt64(proof.count))
                flipped[at] = Self.flip(flipped[at], bit: Int(rng.next() % 256))
                #expect(throws: MerkleProofError.self, "\(context) proof node \(at) flip") {
                    try Merkle.verifyInclusion(
                        leafIndex: index, treeSize: size, leafHash: hashes[Int(index)], proof: flipped, root: root)
                }
            }
            let otherSize = size ^ (1 << (rng.next() % 11))
            let otherRoot = otherSize <= UInt64(Self.treeLeaves) ? try tree.root(at: otherSize) : root
            #expect(throws: MerkleProofError.self, "\(context) size flip to \(otherSize)") {
                try Merkle.verifyInclusion(
                    leafIndex: index, treeSize: otherSize, leafHash: hashes[Int(index)], proof: proof, root: otherRoot)
            }
            let otherIndex = index ^ (1 << (rng.next() % 11))
            #expect(throws: MerkleProofError.self, "\(context) index flip to \(otherIndex)") {
                try Merkle.verifyInclusion(
                    leafIndex: otherIndex, treeSize: size, leafHash: hashes[Int(index)], proof: proof, root: root)
            }
        }
    }

    @Test(arguments: SplitMix64.seeds([2, 11, 0xBEEF]))
    func consistencyProofsVerifyAndAnyFlipFails(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let (tree, _) = Self.tree(&rng)
        for trial in 0..<400 {
            let size2 = 1 + rng.next() % Self.sizeMax
            let size1 = 1 + rng.next() % size2
            let root1 = try tree.root(at: size1)
            let root2 = try tree.root(at: size2)
            let proof = try tree.consistencyProof(from: size1, to: size2)
            let context = "seed \(seed) trial \(trial) \(size1)->\(size2)"
            #expect(throws: Never.self, "\(context)") {
                try Merkle.verifyConsistency(size1: size1, size2: size2, root1: root1, root2: root2, proof: proof)
            }
            if !proof.isEmpty {
                var flipped = proof
                let at = Int(rng.next() % UInt64(proof.count))
                flipped[at] = Self.flip(flipped[at], bit: Int(rng.next() % 256))
                #expect(throws: MerkleProofError.self, "\(context) proof node \(at) flip") {
                    try Merkle.verifyConsistency(size1: size1, size2: size2, root1: root1, root2: root2, proof: flipped)
                }
            }
            let bit = Int(rng.next() % 256)
            #expect(throws: MerkleProofError.self, "\(context) root1 flip") {
                try Merkle.verifyConsistency(
                    size1: size1, size2: size2, root1: Self.flip(root1, bit: bit), root2: root2, proof: proof)
            }
            #expect(throws: MerkleProofError.self, "\(context) root2 flip") {
                try Merkle.verifyConsistency(
                    size1: size1, size2: size2, root1: root1, root2: Self.flip(root2, bit: bit), proof: proof)
            }
            let other1 = size1 ^ (1 << (rng.next() % 11))
            #expect(throws: MerkleProofError.self, "\(context) size1 flip to \(other1)") {
                try Merkle.verifyConsistency(
                    size1: other1, size2: size2, root1: try tree.root(at: other1), root2: root2, proof: proof)
            }
            let other2 = size2 ^ (1 << (rng.next() % 11))
            #expect(throws: MerkleProofError.self, "\(context) size2 flip to \(other2)") {
                try Merkle.verifyConsistency(
                    size1: size1, size2: other2, root1: root1, root2: try tree.root(at: other2), proof: proof)
            }
        }
    }

    /// The O(log n) tree and frontier agree with the naive recursive MTH at every size.
    @Test(arguments: SplitMix64.seeds([3]))
    func incrementalRootsMatchNaiveRoots(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var tree = MerkleTree()
        var frontier = MerkleFrontier()
        var hashes: [Hash32] = []
        for size in 1...600 {
            let hash = Merkle.leafHash(rng.bytes(8))
            hashes.append(hash)
            tree.append(leafHash: hash)
            frontier.append(leafHash: hash)
            let naive = Merkle.root(leafHashes: hashes)
            #expect(tree.root == naive, "seed \(seed) size \(size)")
            #expect(frontier.root == naive, "seed \(seed) size \(size)")
        }
        for size in stride(from: 0, through: 600, by: 37) {
            #expect(try tree.root(at: UInt64(size)) == Merkle.root(leafHashes: hashes.prefix(size)))
        }
    }
}
