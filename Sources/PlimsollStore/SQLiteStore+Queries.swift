import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

/// A stored entry with its place in the log.
public struct StoredEntry: Sendable {
    public let leafIndex: UInt64
    public let height: Height
    public let entry: Entry
}

/// One holder line of a cap table.
public struct Holding: Sendable, Equatable, Codable {
    public let key: KeyRef
    public let party: PartyID?
    public let units: UInt64
}

/// Read queries: index lookups on the reader pool, never a replay (DESIGN.md: Storage).
extension SQLiteStore {
    public func latestHeight() throws -> Height {
        try read { try UInt64.fetchOne($0, sql: "SELECT MAX(height) FROM blocks") } ?? 0
    }

    /// Signed headers of blocks `from ..< from + limit`.
    public func blocks(from height: Height, limit: Int) throws -> [SignedBlockHeader] {
        let height = try DatabaseInteger.checked(height, "height")
        return try read { db in
            try Row.fetchAll(
                db, sql: "SELECT header, signature FROM blocks WHERE height >= ? ORDER BY height LIMIT ?",
                arguments: [height, limit]
            ).map { row in
                SignedBlockHeader(
                    header: try BlockHeader(canonicalBytes: Array(row["header"] as Data)),
                    signature: try SchnorrSignature(bytes: Array(row["signature"] as Data))
                )
            }
        }
    }

    /// The sequencer key in force after the block at `height`: the key that signed its header
    /// (the last sequencer rotation at or below it, else genesis's).
    public func sequencerKey(afterBlock height: Height) throws -> XOnlyPublicKey {
        try lastRotation(kind: 0x1c, atOrBelow: height) ?? genesis.sequencerKey
    }

    /// The sequencer key rotations among the first `leafCount` leaves, in log order.
    public func sequencerRotations(belowLeaf leafCount: UInt64) throws -> [StoredEntry] {
        let leafCount = try DatabaseInteger.checked(leafCount, "leaf index")
        return try read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT leaf_index, height, bytes FROM entries WHERE kind = 28 AND leaf_index < ? ORDER BY leaf_index",
                arguments: [leafCount]
            ).map { row in
                StoredEntry(
                    leafIndex: row["leaf_index"], height: row["height"],
                    entry: try Entry(bytes: Array(row["bytes"] as Data)))
            }
        }
    }

    /// The registrar key in force after the block at `height`.
    public func registrarKey(afterBlock height: Height) throws -> XOnlyPublicKey {
        try lastRotation(kind: 0x1b, atOrBelow: height) ?? genesis.registrarKey
    }

    private func lastRotation(kind: UInt8, atOrBelow height: Height) throws -> XOnlyPublicKey? {
        let height = try DatabaseInteger.checked(height, "height")
        // `kind = 27` / `kind = 28` literally, so SQLite uses the partial index of that kind.
        let bytes = try read { db in
            try Data.fetchOne(
                db,
                sql:
                    "SELECT bytes FROM entries WHERE kind = \(kind) AND height <= ? ORDER BY height DESC, leaf_index DESC LIMIT 1",
                arguments: [height])
        }
        guard let bytes else { return nil }
        switch (try? Entry(bytes: Array(bytes))).flatMap({ entry -> RegistrarAction? in
            if case .registrar(let registrar) = entry { return registrar.action }
            return nil
        }) {
        case .rotateRegistrarKey(let rotation)? where kind == 0x1b: return rotation.newKey
        case .rotateSequencerKey(let rotation)? where kind == 0x1c: return rotation.newKey
        default: throw StoreError(.corrupt, table: "entries", "a kind \(kind) entry is not a key rotation")
        }
    }

    public func block(at height: Height) throws -> SignedBlockHeader? {
        try blocks(from: height, limit: 1).first { $0.header.height == height }
    }

    /// The entries of one block, in log order: the leaf range the block's header names (leaf
    /// indices grow with height, so no index on height is needed).
    public func entries(inBlock height: Height) throws -> [StoredEntry] {
        let height = try DatabaseInteger.checked(height, "height")
        return try read { db in
            guard
                let block = try Row.fetchOne(
                    db, sql: "SELECT log_size, entry_count FROM blocks WHERE height = ?", arguments: [height])
            else { return [] }
            let (end, count) = (block["log_size"] as Int64, block["entry_count"] as Int64)
            guard count >= 0, count <= end else {
                throw StoreError(
                    .corrupt, table: "blocks", "row height \(height): entry_count \(count) exceeds log_size \(end)")
            }
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT leaf_index, height, bytes FROM entries WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                arguments: [end - count, end]
            ).map(Self.storedEntry)
        }
    }

    /// Entries `from ..< from + limit` by leaf index, for export and replay.
    public func entries(fromLeaf index: UInt64, limit: Int) throws -> [StoredEntry] {
        let index = try DatabaseInteger.checked(index, "leaf index")
        return try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT leaf_index, height, bytes FROM entries WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
                arguments: [index, limit]
            ).map(Self.storedEntry)
        }
    }

    /// The settled entry with this id (a transfer id, or the SHA-256 of other entries' bytes).
    ///
    /// One primary-key probe per epoch of `entry_ids` (migration v8), up to the epoch of the
    /// log's last entry (a damaged row with a far epoch cannot make a lookup run on): measured
    /// p50 0.3 ms, p99 0.55 ms at 1,003,018 entries (16 epochs), so about 20 us an epoch, and a
    /// log of 10,000,000 entries (153 epochs) would take a few milliseconds; no block ever writes
    /// outside its own epoch.
    public func entry(id: Hash32) throws -> StoredEntry? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    WITH RECURSIVE epochs(n) AS (
                        SELECT 0 WHERE EXISTS (SELECT 1 FROM entries)
                        UNION ALL SELECT n + 1 FROM epochs
                        WHERE n < (SELECT MAX(leaf_index) FROM entries) >> \(Self.entryIDEpochBits)
                    )
                    SELECT e.leaf_index, e.height, e.bytes
                    FROM epochs JOIN entry_ids i ON i.epoch = epochs.n AND i.entry_id = ?1
                    JOIN entries e ON e.leaf_index = i.leaf_index AND e.entry_id = ?1
                    ORDER BY e.leaf_index LIMIT 1
                    """,
                arguments: [Data(id.bytes)]
            ).map(Self.storedEntry)
        }
    }

    /// Current non-zero balances of one key.
    public func balances(of key: KeyRef) throws -> [(asset: AssetID, units: UInt64)] {
        try read { db in
            try Row.fetchAll(
                db,
                // Straight from `balances`, which the state commitment covers, one primary-key
                // probe per registered vessel (there is no by-key index: issue 13, Docs/ledger.md).
                sql: """
                    SELECT b.asset, b.units FROM vessels v
                    JOIN balances b ON b.asset = CAST(substr(v.asset, 4) AS INTEGER)
                        AND b.key = (SELECT id FROM keys WHERE key = ?)
                    ORDER BY b.asset
                    """,
                arguments: [Data(key.bytes)]
            )
            .map { (try Self.asset(number: $0["asset"]), $0["units"] as UInt64) }
        }
    }

    /// Holders of `asset` at `height` (latest when nil), largest first; index lookups only.
    public func capTable(_ asset: AssetID, at height: Height? = nil) throws -> [Holding] {
        let height = try height.map { height throws(StoreError) in try DatabaseInteger.checked(height, "height") }
        return try read { db in
            let rows: [Row]
            if let height {
                // One index seek per key that ever held the vessel (bounded by the holder limit),
                // never a scan of the history.
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT k.key AS key, k.party AS party,
                            (SELECT h.units FROM balance_history h WHERE h.asset = ?1 AND h.key = a.key AND h.height <= ?2
                             ORDER BY h.height DESC LIMIT 1) AS units
                        FROM asset_holders a JOIN keys k ON k.id = a.key
                        WHERE a.asset = ?1
                        """,
                    arguments: [Int64(asset.number), height]
                ).filter { ($0["units"] as UInt64?).map { $0 > 0 } ?? false }
            } else {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT k.key AS key, b.units AS units, k.party AS party
                        FROM balances b JOIN keys k ON k.id = b.key WHERE b.asset = ?
                        """,
                    arguments: [Int64(asset.number)]
                )
            }
            return try rows.map { row in
                Holding(
                    key: try XOnlyPublicKey(bytes: Array(row["key"] as Data)),
                    party: (row["party"] as UInt64?).map(PartyID.init), units: row["units"]
                )
            }.sorted { ($0.units, $1.key) > ($1.units, $0.key) }
        }
    }

    /// The latest rejection recorded for an entry id (one indexed row, however often it was sent).
    public func lastRejection(of id: Hash32) throws -> (code: String, message: String, atMs: UInt64)? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT code, message, decided_at_ms FROM rejections WHERE entry_id = ? ORDER BY seq DESC LIMIT 1",
                arguments: [Data(id.bytes)]
            ).map { ($0["code"], $0["message"], $0["decided_at_ms"]) }
        }
    }

    /// Rejections recorded for an entry id (the audit table regulators read).
    public func rejections(of id: Hash32) throws -> [(code: String, message: String, atMs: UInt64)] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT code, message, decided_at_ms FROM rejections WHERE entry_id = ? ORDER BY seq",
                arguments: [Data(id.bytes)]
            ).map { ($0["code"], $0["message"], $0["decided_at_ms"]) }
        }
    }

    private static func storedEntry(_ row: Row) throws -> StoredEntry {
        StoredEntry(
            leafIndex: row["leaf_index"], height: row["height"], entry: try Entry(bytes: Array(row["bytes"] as Data)))
    }
}
