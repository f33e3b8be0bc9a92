import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

/// Merkle proofs over the stored log without holding its leaves in memory.
///
/// The store keeps the root of every perfect subtree of 2^8 leaves or more (`merkle_nodes`,
/// about one row per 128 entries); smaller subtrees are hashed from their leaves on demand
/// (at most 255 leaves each), so a proof costs O(log n) lookups and a few hundred leaf reads.
extension SQLiteStore {
    static let storedLevelMin = 8

    /// Records the perfect subtrees of 256 leaves or more that this block completes.
    func writeMerkleNodes(_ block: CommittedBlock, _ db: Database) throws {
        let chunk = UInt64(1) << UInt64(Self.storedLevelMin)
        let first = block.firstLeafIndex
        let end = block.header.header.logSize
        var chunkIndex = first / chunk
        while (chunkIndex + 1) * chunk <= end {
            let start = chunkIndex * chunk
            var hashes: [Hash32] = []
            if start < first { hashes = try leafHashes(from: start, to: first, db) }
            for entry in block.entries.prefix(Int(start + chunk - first)).dropFirst(Int(max(start, first) - first)) {
                hashes.append(entry.leafHash)
            }
            precondition(hashes.count == Int(chunk))
            try insertNode(level: Self.storedLevelMin, index: chunkIndex, hash: Merkle.root(leafHashes: hashes), db)
            var level = Self.storedLevelMin
            var index = chunkIndex
            while index & 1 == 1 {
                let left = try node(level: level, index: index - 1, db)!
                let right = try node(level: level, index: index, db)!
                level += 1
                index >>= 1
                try insertNode(level: level, index: index, hash: Merkle.nodeHash(left, right), db)
            }
            chunkIndex += 1
        }
    }

    private func insertNode(level: Int, index: UInt64, hash: Hash32, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)",
            arguments: [level, index, Data(hash.bytes)])
    }

    private func node(level: Int, index: UInt64, _ db: Database) throws -> Hash32? {
        try Data.fetchOne(
            db, sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?", arguments: [level, index]
        )
        .map { try Hash32(bytes: Array($0)) }
    }

    private func leafHashes(from start: UInt64, to end: UInt64, _ db: Database) throws -> [Hash32] {
        try Data.fetchAll(
            db, sql: "SELECT bytes FROM entries WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            arguments: [start, end]
        ).map { Merkle.leafHash(Array($0)) }
    }

    /// The perfect subtree root of 2^level leaves starting at leaf `index << level`.
    func perfectSubtree(level: Int, index: UInt64, _ db: Database) throws -> Hash32 {
        if level >= Self.storedLevelMin {
            if let stored = try node(level: level, index: index, db) { return stored }
            throw StoreError(.corrupt, "merkle node \(level)/\(index) is missing")
        }
        let start = index << UInt64(level)
        return Merkle.root(leafHashes: try leafHashes(from: start, to: start + (UInt64(1) << UInt64(level)), db))
    }

    /// RFC 6962 inclusion proof of leaf `leafIndex` in the log of size `treeSize`.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws -> [Hash32] {
        _ = try DatabaseInteger.checked(leafIndex, "leaf index")
        _ = try DatabaseInteger.checked(treeSize, "log size")
        return try read { db in
            let size = try UInt64.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM entries") ?? 0
            return try MerkleProofs.inclusion(leafIndex: leafIndex, treeSize: treeSize, available: size) {
                level, index in
                try perfectSubtree(level: level, index: index, db)
            }
        }
    }

    /// RFC 6962 consistency proof between log sizes `size1` and `size2`.
    public func consistencyProof(from size1: UInt64, to size2: UInt64) throws -> [Hash32] {
        _ = try DatabaseInteger.checked(size1, "log size")
        _ = try DatabaseInteger.checked(size2, "log size")
        return try read { db in
            let size = try UInt64.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM entries") ?? 0
            return try MerkleProofs.consistency(from: size1, to: size2, available: size) { level, index in
                try perfectSubtree(level: level, index: index, db)
            }
        }
    }
}
