import Foundation
import PlimsollCrypto
import Testing

/// transparency-dev inclusion and consistency probe files, and the RFC 6962 reference tree.
struct MerkleVectorTests {
    struct InclusionCase: Decodable {
        let leafIdx: UInt64
        let treeSize: UInt64
        let root: Data
        let leafHash: Data
        let proof: [Data]?
        let desc: String
        let wantErr: Bool
    }

    struct ConsistencyCase: Decodable {
        let size1: UInt64
        let size2: UInt64
        let root1: Data
        let root2: Data
        let proof: [Data]?
        let desc: String
        let wantErr: Bool
    }

    @Test func inclusionProbes() throws {
        let files = try VectorFiles.jsonFiles(under: "merkle/inclusion")
        #expect(files.count == 98)
        var passed = 0
        var failed = 0
        for file in files {
            let probe = try JSONDecoder().decode(InclusionCase.self, from: Data(contentsOf: file))
            let outcome = Result { () throws(MerkleProofError) in
                try Merkle.verifyInclusion(
                    leafIndex: probe.leafIdx, treeSize: probe.treeSize, leafHash: Array(probe.leafHash),
                    proof: (probe.proof ?? []).map { Array($0) }, root: Array(probe.root)
                )
            }
            let verified = (try? outcome.get()) != nil
            #expect(verified == !probe.wantErr, "\(file.path): \(probe.desc)")
            if verified { passed += 1 } else { failed += 1 }
        }
        #expect((passed, failed) == (6, 92))
    }

    @Test func consistencyProbes() throws {
        let files = try VectorFiles.jsonFiles(under: "merkle/consistency")
        #expect(files.count == 98)
        var passed = 0
        var failed = 0
        for file in files {
            let probe = try JSONDecoder().decode(ConsistencyCase.self, from: Data(contentsOf: file))
            let outcome = Result { () throws(MerkleProofError) in
                try Merkle.verifyConsistency(
                    size1: probe.size1, size2: probe.size2, root1: Array(probe.root1), root2: Array(probe.root2),
                    proof: (probe.proof ?? []).map { Array($0) }
                )
            }
            let verified = (try? outcome.get()) != nil
            #expect(verified == !probe.wantErr, "\(file.path): \(probe.desc)")
            if verified { passed += 1 } else { failed += 1 }
        }
        #expect((passed, failed) == (6, 92))
    }

    struct Reference: Decodable {
        struct Root: Decodable {
            let treeSize: UInt64
            let root: String
        }

        struct Inclusion: Decodable {
            let leafIndex: UInt64
            let treeSize: UInt64
            let leafHash: String
            let root: String
            let proof: [String]
        }

        struct Consistency: Decodable {
            let size1: UInt64
            let size2: UInt64
            let root1: String
            let root2: String
            let proof: [String]
        }

        struct HasherVector: Decodable {
            let desc: String
            let kind: String
            let input: String?
            let left: String?
            let right: String?
            let want: String
        }

        let emptyTreeRoot: String
        let leaves: [String]
        let roots: [Root]
        let nodeHashes: [[String]]
        let inclusionProofs: [Inclusion]
        let consistencyProofs: [Consistency]
        let hasherVectors: [HasherVector]
    }

    @Test func referenceTreeRootsNodesAndGeneratedProofs() throws {
        let reference = try VectorFiles.json(Reference.self, "merkle/rfc6962_roots.json")
        #expect(Merkle.emptyRoot.hex == reference.emptyTreeRoot)
        let leafHashes = try reference.leaves.map { Merkle.leafHash(try Hex.decode($0)) }
        var tree = MerkleTree()
        var frontier = MerkleFrontier()
        #expect(reference.roots.count == 9)
        for root in reference.roots {
            while tree.size < root.treeSize {
                tree.append(leafHash: leafHashes[Int(tree.size)])
                frontier.append(leafHash: leafHashes[Int(frontier.size)])
            }
            #expect(tree.root.hex == root.root, "size \(root.treeSize)")
            #expect(frontier.root.hex == root.root, "frontier size \(root.treeSize)")
            #expect(Merkle.root(leafHashes: leafHashes.prefix(Int(root.treeSize))).hex == root.root)
        }
        var nodes = 0
        for (level, hashes) in reference.nodeHashes.enumerated() {
            for (index, hash) in hashes.enumerated() {
                let width = 1 << level
                let start = index * width
                #expect(
                    Merkle.root(leafHashes: leafHashes[start..<(start + width)]).hex == hash, "node \(level)/\(index)")
                nodes += 1
            }
        }
        #expect(nodes == 15)
        #expect(reference.inclusionProofs.count == 5)
        for item in reference.inclusionProofs {
            let proof = try tree.inclusionProof(leafIndex: item.leafIndex, treeSize: item.treeSize)
            #expect(proof.map(\.hex) == item.proof, "inclusion \(item.leafIndex)/\(item.treeSize)")
            try Merkle.verifyInclusion(
                leafIndex: item.leafIndex, treeSize: item.treeSize, leafHash: try Hash32(hex: item.leafHash),
                proof: proof, root: try Hash32(hex: item.root)
            )
        }
        #expect(reference.consistencyProofs.count == 5)
        for item in reference.consistencyProofs {
            let proof = try tree.consistencyProof(from: item.size1, to: item.size2)
            #expect(proof.map(\.hex) == item.proof, "consistency \(item.size1)->\(item.size2)")
            try Merkle.verifyConsistency(
                size1: item.size1, size2: item.size2, root1: try Hash32(hex: item.root1),
                root2: try Hash32(hex: item.root2), proof: proof
            )
        }
    }

    @Test func hasherVectors() throws {
        let reference = try VectorFiles.json(Reference.self, "merkle/rfc6962_roots.json")
        #expect(reference.hasherVectors.count == 4)
        for vector in reference.hasherVectors {
            switch vector.kind {
            case "emptyRoot":
                #expect(Merkle.emptyRoot.hex == vector.want, "\(vector.desc)")
            case "leaf":
                #expect(Merkle.leafHash(try Hex.decode(vector.input ?? "")).hex == vector.want, "\(vector.desc)")
            case "node":
                // Children that are not 32 bytes: this only exercises the 0x01 prefix.
                let bytes = [0x01] + (try Hex.decode(vector.left ?? "")) + (try Hex.decode(vector.right ?? ""))
                #expect(Hashing.sha256(bytes).hex == vector.want, "\(vector.desc)")
            default:
                Issue.record("unknown hasher vector kind \(vector.kind)")
            }
        }
    }
}
