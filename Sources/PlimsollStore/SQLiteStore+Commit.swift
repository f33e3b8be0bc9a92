import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

extension SQLiteStore {
    /// Writes one block in ONE transaction: entries, header, the state rows it changed and its
    /// balance history. When this returns, the block is durable (`synchronous=FULL`).
    /// - Precondition: `block` extends the stored tip; `changes` are the records it changed.
    public func commit(_ block: CommittedBlock, changes: StateChanges) throws(StoreError) {
        do {
            try pool.write { db in try write(block, changes: changes, db) }
        } catch {
            throw StoreError(.io, "cannot commit block \(block.header.header.height): \(error)")
        }
    }

    /// The same, suspending instead of blocking a Swift concurrency thread while SQLite writes
    /// and syncs, so the cores stay free to verify the next batch.
    public func commit(_ block: CommittedBlock, changes: StateChanges) async throws(StoreError) {
        do {
            try await pool.write { db in try self.write(block, changes: changes, db) }
        } catch {
            throw StoreError(.io, "cannot commit block \(block.header.header.height): \(error)")
        }
    }

    func write(_ block: CommittedBlock, changes: StateChanges, _ db: Database) throws {
        let header = block.header.header
        let hash = header.hash
        if header.height > 0 {
            let previous = try Data.fetchOne(
                db, sql: "SELECT hash FROM blocks WHERE height = ?", arguments: [header.height - 1])
            precondition(
                previous.map(Array.init) == header.prevHash.bytes,
                "block \(header.height) does not extend the stored tip")
        } else {
            precondition(header.prevHash == .zero)
        }
        try db.execute(
            sql: """
                INSERT INTO blocks (height, hash, header, signature, timestamp_ms, entry_count, log_size, frontier)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                header.height, Data(hash.bytes), Data(header.canonicalBytes), Data(block.header.signature.bytes),
                header.timestampMs, header.entryCount, header.logSize, Data(Self.encode(block.frontier)),
            ]
        )
        var entryRows: [DatabaseValue] = []
        var idRows: [DatabaseValue] = []
        entryRows.reserveCapacity(block.entries.count * Self.insertEntries.columns)
        idRows.reserveCapacity(block.entries.count * Self.insertEntryIDs.columns)
        for (offset, entry) in block.entries.enumerated() {
            let bytes = entry.bytes
            let leaf = block.firstLeafIndex + UInt64(offset)
            let id = Data(entry.id.bytes).databaseValue
            entryRows.appendRow(
                leaf.databaseValue, header.height.databaseValue, bytes[0].databaseValue, id, Data(bytes).databaseValue)
            idRows.appendRow(Self.entryIDEpoch(ofLeaf: leaf).databaseValue, id, leaf.databaseValue)
        }
        try Self.insertEntries.execute(entryRows, db)
        try Self.insertEntryIDs.execute(idRows, db)
        try insertRejections(block.rejected, decidedAtMs: header.timestampMs, db)
        try writeState(changes, height: header.height, db)
        for (asset, leaf) in changes.vesselEvents {
            try db.execute(
                sql: "INSERT OR IGNORE INTO vessel_events (asset, leaf_index) VALUES (?, ?)",
                arguments: [asset.text, leaf])
        }
        for (party, leaf) in changes.partyEvents {
            try db.execute(
                sql: "INSERT OR IGNORE INTO party_events (party, leaf_index) VALUES (?, ?)",
                arguments: [party.raw, leaf])
        }
        try writeMerkleNodes(block, db)
    }

    /// Rewrites the registry row unchanged, in a durable transaction of its own: a full disk or
    /// an I/O error fails it as it would fail a block.
    public func probeWrite() async throws(StoreError) {
        do {
            try await pool.write { db in try db.execute(sql: "UPDATE registry SET id = id WHERE id = 1") }
        } catch {
            throw StoreError(.io, "the write probe failed: \(error)")
        }
    }

    /// Audits the rejections of a batch that made no block, in one transaction.
    public func recordRejections(
        _ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs
    ) async throws(StoreError) {
        let time = try DatabaseInteger.checked(decidedAtMs, "time (ms)")
        do {
            try await pool.write { db in try self.insertRejections(rejected, decidedAtMs: UInt64(time), db) }
        } catch {
            throw StoreError(.io, "cannot record \(rejected.count) rejections: \(error)")
        }
    }

    private func insertRejections(
        _ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs, _ db: Database
    ) throws {
        var rows: [DatabaseValue] = []
        rows.reserveCapacity(rejected.count * Self.insertRejections.columns)
        for rejected in rejected {
            rows.appendRow(
                Data(rejected.id.bytes).databaseValue, rejected.kind.databaseValue,
                rejected.rejection.code.rawValue.databaseValue, rejected.rejection.message.databaseValue,
                decidedAtMs.databaseValue)
        }
        try Self.insertRejections.execute(rows, db)
    }

    private func writeState(_ changes: StateChanges, height: Height, _ db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let counters = changes.counters {
            try db.execute(
                sql: "INSERT OR REPLACE INTO counters (id, record) VALUES (1, ?)",
                arguments: [try encoder.encode(counters)]
            )
        }
        for record in changes.parties {
            try db.execute(
                sql: "INSERT OR REPLACE INTO parties (id, name, country, record) VALUES (?, ?, ?, ?)",
                arguments: [
                    record.party.id.raw, record.party.name, record.party.country.code, try encoder.encode(record),
                ]
            )
        }
        var keyRows: [DatabaseValue] = []
        keyRows.reserveCapacity(changes.keys.count * Self.upsertKeys.columns)
        for record in changes.keys {
            keyRows.appendRow(
                Data(record.key.bytes).databaseValue, record.party.raw.databaseValue, record.lastNonce.databaseValue,
                Data(record.storageBytes).databaseValue)
        }
        try Self.upsertKeys.execute(keyRows, db)
        for record in changes.vessels {
            try db.execute(
                sql: "INSERT OR REPLACE INTO vessels (asset, status, record) VALUES (?, ?, ?)",
                arguments: [record.vessel.asset.text, record.vessel.status.rawValue, try encoder.encode(record)]
            )
        }
        for link in changes.links {
            try db.execute(
                sql: "INSERT OR REPLACE INTO ownership_links (id, owner, owned, record) VALUES (?, ?, ?, ?)",
                arguments: [link.id.raw, link.owner.raw, link.owned.raw, try encoder.encode(link)]
            )
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM balances WHERE asset = ? AND key = ?")
        var balanceRows: [DatabaseValue] = []
        var historyRows: [DatabaseValue] = []
        var holderRows: [DatabaseValue] = []
        balanceRows.reserveCapacity(changes.balances.count * Self.upsertBalances.columns)
        historyRows.reserveCapacity(changes.balances.count * Self.insertHistory.columns)
        let heightValue = height.databaseValue
        // Holdings are stored by the vessel's IMO number and the key's row id (migration v9).
        // The keys were written above, so a key bound in this very block is found too.
        let lookup = try db.cachedStatement(sql: "SELECT id FROM keys WHERE key = ?")
        var ids: [KeyRef: DatabaseValue] = [:]
        ids.reserveCapacity(changes.balances.count)
        for change in changes.balances {
            let (address, units, leafIndex) = (change.address, change.units, change.leafIndex)
            let asset = Int64(address.asset.number).databaseValue
            let key: DatabaseValue
            if let known = ids[address.key] {
                key = known
            } else {
                guard let id = try Int64.fetchOne(lookup, arguments: [Data(address.key.bytes)]) else {
                    throw StoreError(
                        .corrupt, "a holding of \(address.asset) names key \(address.key.hex), which is not bound")
                }
                key = id.databaseValue
                ids[address.key] = key
            }
            if units == 0 {
                // Each address changes once a block, so deleting before the upserts keeps the
                // order of the per-row statements.
                try delete.execute(arguments: [asset, key])
            } else {
                balanceRows.appendRow(asset, key, units.databaseValue)
            }
            historyRows.appendRow(asset, key, heightValue, units.databaseValue, leafIndex.databaseValue)
            if !change.heldBefore { holderRows.appendRow(asset, key) }
        }
        try Self.upsertBalances.execute(balanceRows, db)
        try Self.insertHistory.execute(historyRows, db)
        try Self.insertHolders.execute(holderRows, db)
    }

    private static let insertEntries = MultiRowInsert(
        "INSERT INTO entries (leaf_index, height, kind, entry_id, bytes) VALUES", columns: 5)
    private static let insertEntryIDs = MultiRowInsert(
        "INSERT INTO entry_ids (epoch, entry_id, leaf_index) VALUES", columns: 3)
    private static let insertRejections = MultiRowInsert(
        "INSERT OR IGNORE INTO rejections (entry_id, kind, code, message, decided_at_ms) VALUES", columns: 5)
    private static let upsertKeys = MultiRowInsert(
        "INSERT INTO keys (key, party, last_nonce, record) VALUES", columns: 4,
        tail: "ON CONFLICT(key) DO UPDATE SET last_nonce = excluded.last_nonce, record = excluded.record")
    private static let upsertBalances = MultiRowInsert(
        "INSERT INTO balances (asset, key, units) VALUES", columns: 3,
        tail: "ON CONFLICT(asset, key) DO UPDATE SET units = excluded.units")
    private static let insertHistory = MultiRowInsert(
        "INSERT OR REPLACE INTO balance_history (asset, key, height, units, leaf_index) VALUES", columns: 5)
    private static let insertHolders = MultiRowInsert(
        "INSERT OR IGNORE INTO asset_holders (asset, key) VALUES", columns: 2)

    /// A log frontier's stored bytes (`u64 size || node hashes`): the same in every store.
    public static func encodeFrontier(_ frontier: MerkleFrontier) -> [UInt8] { encode(frontier) }
    public static func decodeStoredFrontier(_ bytes: [UInt8]) -> MerkleFrontier? { decodeFrontier(bytes) }

    static func encode(_ frontier: MerkleFrontier) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: frontier.size.bigEndian) { bytes.append(contentsOf: $0) }
        for node in frontier.nodes { bytes.append(contentsOf: node.bytes) }
        return bytes
    }

    static func decodeFrontier(_ bytes: [UInt8]) -> MerkleFrontier? {
        guard bytes.count >= 8, (bytes.count - 8) % 32 == 0 else { return nil }
        let size = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let nodes = stride(from: 8, to: bytes.count, by: 32).map { try! Hash32(bytes: bytes[$0..<($0 + 32)]) }
        return MerkleFrontier(size: size, nodes: nodes)
    }
}
