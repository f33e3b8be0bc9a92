import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

/// One thing found wrong in a stored registry, named by its table and row, so an operator knows
/// what to restore (`plimsoll check`, `serve` at start-up).
public struct StoreProblem: Sendable, Equatable, CustomStringConvertible {
    public let table: String
    public let row: String?
    public let message: String

    public init(table: String, row: String? = nil, _ message: String) {
        self.table = table
        self.row = row
        self.message = message
    }

    public var description: String { "table \(table)\(row.map { " row \($0)" } ?? ""): \(message)" }
}

/// The rows of the tables derived from the log that the state digest does not cover, for
/// `check --full` to compare with a replay.
public struct DerivedRows: Sendable {
    public struct HistoryKey: Hashable, Sendable {
        public let asset: String, key: [UInt8], height: UInt64
        public init(asset: String, key: [UInt8], height: UInt64) {
            self.asset = asset
            self.key = key
            self.height = height
        }
    }
    public struct HistoryValue: Equatable, Sendable {
        public let units: UInt64, leafIndex: UInt64
        public init(units: UInt64, leafIndex: UInt64) {
            self.units = units
            self.leafIndex = leafIndex
        }
    }
    public struct Pair<A: Hashable & Sendable, B: Hashable & Sendable>: Hashable, Sendable {
        public let a: A, b: B
        public init(_ a: A, _ b: B) {
            self.a = a
            self.b = b
        }
    }

    public var balanceHistory: [HistoryKey: HistoryValue] = [:]
    public var assetHolders: Set<Pair<String, [UInt8]>> = []
    public var vesselEvents: Set<Pair<String, UInt64>> = []
    public var partyEvents: Set<Pair<UInt64, UInt64>> = []
    public var merkleNodes: [Pair<Int, UInt64>: Hash32] = [:]
    /// One `entry_ids` row, whole: two rows for one leaf with different ids are two rows.
    public struct EntryIDRow: Hashable, Sendable {
        public let epoch: UInt64, leaf: UInt64, id: [UInt8]
        public init(epoch: UInt64, leaf: UInt64, id: [UInt8]) {
            self.epoch = epoch
            self.leaf = leaf
            self.id = id
        }
    }
    public var entryIDs: Set<EntryIDRow> = []
    public init() {}

    /// The `entry_ids` row an entry at `leaf` must have.
    public mutating func expectEntryID(_ id: Hash32, leaf: UInt64) {
        entryIDs.insert(EntryIDRow(epoch: SQLiteStore.entryIDEpoch(ofLeaf: leaf), leaf: leaf, id: id.bytes))
    }
}

extension SQLiteStore {
    /// Every table of the schema, in the order a check reads them.
    public func tableNames() throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
    }

    /// SQLite's own page-level check, one table at a time so each problem names its table:
    /// `quick_check` (b-tree structure) or, with `full`, `integrity_check` (also the indexes
    /// against their tables).
    public func structureProblems(full: Bool) -> [StoreProblem] {
        let names: [String]
        do { names = try tableNames() } catch {
            return [StoreProblem(table: "sqlite_master", "the schema cannot be read: \(error)")]
        }
        var problems: [StoreProblem] = []
        for name in names {
            do {
                let lines = try read { db in
                    try String.fetchAll(
                        db, sql: "PRAGMA \(full ? "integrity_check" : "quick_check")(\(name.quotedDatabaseIdentifier))")
                }
                if lines != ["ok"] {
                    problems.append(StoreProblem(table: name, lines.prefix(3).joined(separator: "; ")))
                }
            } catch {
                problems.append(StoreProblem(table: name, "cannot be read: \(error)"))
            }
            // Reading every row also finds damage inside records that the page checks pass.
            do {
                _ = try read { db in
                    let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier)")
                    while try rows.next() != nil {}
                }
            } catch {
                problems.append(StoreProblem(table: name, "a row cannot be read: \(error)"))
            }
        }
        return problems
    }

    /// The state tables as they are, with no check against any header (`loadLedger` checks).
    /// - Throws: `StoreProblem` naming the table whose rows do not decode.
    public func loadTables() throws(StoreProblem) -> LedgerState {
        func read<T>(_ table: String, _ body: (Database) throws -> T) throws(StoreProblem) -> T {
            do { return try self.read(body) } catch { throw StoreProblem(table: table, "rows do not decode: \(error)") }
        }
        let decoder = JSONDecoder()
        let counters = try read("counters") { db in
            try Data.fetchOne(db, sql: "SELECT record FROM counters WHERE id = 1").map {
                try decoder.decode(RegistryCounters.self, from: $0)
            }
                ?? RegistryCounters()
        }
        let parties = try read("parties") { db in
            try Data.fetchAll(db, sql: "SELECT record FROM parties").map {
                try decoder.decode(PartyRecord.self, from: $0)
            }
        }
        let keys = try read("keys") { db in
            try Row.fetchAll(db, sql: "SELECT key, record FROM keys").map { row in
                try KeyRecord(
                    key: try XOnlyPublicKey(bytes: Array(row["key"] as Data)),
                    storageBytes: Array(row["record"] as Data))
            }
        }
        let vessels = try read("vessels") { db in
            try Data.fetchAll(db, sql: "SELECT record FROM vessels").map {
                try decoder.decode(VesselRecord.self, from: $0)
            }
        }
        let links = try read("ownership_links") { db in
            try Data.fetchAll(db, sql: "SELECT record FROM ownership_links").map {
                try decoder.decode(OwnershipLink.self, from: $0)
            }
        }
        let balances = try read("balances") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT b.asset, b.key AS key_id, k.key, b.units FROM balances b LEFT JOIN keys k ON k.id = b.key"
            ).map { row in
                let units = try Self.count(row, "units")
                guard units <= Limits.vesselUnitsMax else {
                    throw StoreError(.corrupt, "units \(units) exceed any vessel's total")
                }
                guard let key = row["key"] as Data? else {
                    throw StoreError(.corrupt, "a balance names key row \(row["key_id"] as Int64), which is not bound")
                }
                return (
                    BalanceKey(asset: try Self.asset(number: row["asset"]), key: try XOnlyPublicKey(bytes: Array(key))),
                    units
                )
            }
        }
        return LedgerState(
            genesis: genesis, counters: counters, parties: parties, keys: keys, vessels: vessels, links: links,
            balances: balances
        )
    }

    /// The derived tables' rows, each table read on its own so a damaged one is named.
    /// - Throws: `StoreProblem` naming the table that cannot be read.
    public func derivedRows() throws(StoreProblem) -> DerivedRows {
        var rows = DerivedRows()
        func scan(_ table: String, _ sql: String, _ body: (Row) throws -> Void) throws(StoreProblem) {
            do {
                try read { db in try Row.fetchCursor(db, sql: sql).forEach(body) }
            } catch {
                throw StoreProblem(table: table, "rows cannot be read: \(error)")
            }
        }
        // Holdings as the replay names them: the vessel's text and the key's bytes (a row whose key
        // id is not bound names "unbound key id N" instead, which no replay expects).
        try scan(
            "balance_history",
            """
            SELECT printf('IMO%07d', h.asset) AS asset, COALESCE(k.key, CAST('unbound key id ' || h.key AS BLOB)) AS key, h.height, h.units, h.leaf_index
            FROM balance_history h LEFT JOIN keys k ON k.id = h.key
            """
        ) { row in
            let key = DerivedRows.HistoryKey(
                asset: row["asset"], key: Array(row["key"] as Data), height: try Self.count(row, "height"))
            rows.balanceHistory[key] = .init(
                units: try Self.count(row, "units"), leafIndex: try Self.count(row, "leaf_index"))
        }
        try scan(
            "asset_holders",
            """
            SELECT printf('IMO%07d', a.asset) AS asset, COALESCE(k.key, CAST('unbound key id ' || a.key AS BLOB)) AS key
            FROM asset_holders a LEFT JOIN keys k ON k.id = a.key
            """
        ) { row in
            rows.assetHolders.insert(.init(row["asset"] as String, Array(row["key"] as Data)))
        }
        try scan("vessel_events", "SELECT asset, leaf_index FROM vessel_events") { row in
            rows.vesselEvents.insert(.init(row["asset"] as String, try Self.count(row, "leaf_index")))
        }
        try scan("party_events", "SELECT party, leaf_index FROM party_events") { row in
            rows.partyEvents.insert(.init(try Self.count(row, "party"), try Self.count(row, "leaf_index")))
        }
        try scan("entry_ids", "SELECT epoch, entry_id, leaf_index FROM entry_ids") { row in
            rows.entryIDs.insert(
                .init(
                    epoch: try Self.count(row, "epoch"), leaf: try Self.count(row, "leaf_index"),
                    id: Array(row["entry_id"] as Data)))
        }
        try scan("merkle_nodes", "SELECT level, idx, hash FROM merkle_nodes") { row in
            rows.merkleNodes[.init(row["level"] as Int, try Self.count(row, "idx"))] = try Hash32(
                bytes: Array(row["hash"] as Data))
        }
        return rows
    }

    /// Problems with one block's row and its entries' rows that the replay cannot see: the
    /// columns kept beside the bytes (hash, time, counts; kind, id, height of each entry).
    public func rowProblems(of block: SignedBlockHeader) -> [StoreProblem] {
        let header = block.header
        var problems: [StoreProblem] = []
        do {
            try read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT hash, timestamp_ms, entry_count, log_size FROM blocks WHERE height = ?",
                        arguments: [try DatabaseInteger.checked(header.height, "height")]
                    )
                else { return }
                if Array(row["hash"] as Data) != header.hash.bytes
                    || (row["timestamp_ms"] as Int64?) != Int64(exactly: header.timestampMs)
                    || (row["entry_count"] as Int64?) != Int64(header.entryCount)
                    || (row["log_size"] as Int64?) != Int64(exactly: header.logSize)
                {
                    problems.append(
                        StoreProblem(
                            table: "blocks", row: "height \(header.height)", "columns disagree with the signed header"))
                }
                guard UInt64(header.entryCount) <= header.logSize else {
                    problems.append(
                        StoreProblem(table: "blocks", row: "height \(header.height)", "entry_count exceeds log_size"))
                    return
                }
                let first = header.logSize - UInt64(header.entryCount)
                let entries = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT leaf_index, height, kind, entry_id, bytes FROM entries WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                    arguments: [
                        try DatabaseInteger.checked(first, "leaf index"),
                        try DatabaseInteger.checked(header.logSize, "leaf index"),
                    ]
                )
                for row in entries {
                    let leaf: Int64 = row["leaf_index"]
                    let bytes = Array(row["bytes"] as Data)
                    guard let entry = try? Entry(bytes: bytes) else {
                        problems.append(
                            StoreProblem(table: "entries", row: "leaf_index \(leaf)", "bytes do not decode as an entry")
                        )
                        continue
                    }
                    if (row["height"] as Int64?) != Int64(exactly: header.height)
                        || (row["kind"] as Int64?) != Int64(bytes[0])
                        || Array(row["entry_id"] as Data) != entry.id.bytes
                    {
                        problems.append(
                            StoreProblem(
                                table: "entries", row: "leaf_index \(leaf)",
                                "height, kind or entry_id disagree with the entry's bytes"))
                    }
                }
            }
        } catch {
            problems.append(StoreProblem(table: "blocks", row: "height \(header.height)", "cannot be read: \(error)"))
        }
        return problems
    }

    /// A non-negative integer column; a negative or absent value is damage, not a trap.
    static func count(_ row: Row, _ column: String) throws -> UInt64 {
        guard let value = row[column] as Int64?, value >= 0 else {
            throw StoreError(.corrupt, "\(column) is not a non-negative integer")
        }
        return UInt64(value)
    }
}

extension StoreProblem: Error {}
