import Foundation
import GRDB
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// Entry ids by epoch (migration v8, issue 13): a block writes its ids into its own epoch's part
/// of `entry_ids`, and a lookup by id probes every epoch. Every settled entry must be found by
/// its id as the old whole-log index found it, in whatever epoch it lies; a registry written
/// before v8 must migrate with every id kept; and `check --full` must name a missing, stray or
/// misplaced id row.
@Suite(.timeLimit(.minutes(5)))
struct EntryIDLayoutTests {
    /// A registry with registrar entries and a few blocks of transfers; returns it with every
    /// settled entry's id and leaf index.
    static func world(seed: UInt64) async throws -> (TempRegistry, [(id: Hash32, leaf: UInt64)]) {
        let registry = try TempRegistry(seed: seed)
        let settlement = try registry.settlement()
        let keys = try await Setup.holders(settlement, count: 6, seed: seed)
        let chainID = await settlement.state.chainID
        var rng = SplitMix64(seed: seed)
        for round in 1...5 {
            var entries: [Entry] = []
            for (index, key) in keys.enumerated() {
                let to = keys[(index + 1 + Int(rng.next() % 5)) % keys.count]
                entries.append(
                    .transfer(
                        Transfer(
                            chainID: chainID, asset: IMOs.a, from: key.publicKey, to: to.publicKey, amount: 1,
                            nonce: UInt64(round), expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                        ).signed(by: key)))
            }
            _ = try await settlement.submitAll(entries)
        }
        await settlement.waitUntilIdle()
        let store = try SQLiteStore.open(at: registry.url)
        let settled = try store.entries(fromLeaf: 0, limit: 10_000).map { ($0.entry.id, $0.leafIndex) }
        return (registry, settled)
    }

    static func expectAllFound(_ store: SQLiteStore, _ settled: [(id: Hash32, leaf: UInt64)]) throws {
        #expect(settled.count > 40, "the world must settle entries to look up: \(settled.count)")
        for (id, leaf) in settled {
            #expect(try store.entry(id: id)?.leafIndex == leaf, "entry \(id.hex.prefix(8)) at leaf \(leaf)")
        }
        #expect(try store.entry(id: Hashing.sha256(Array("no such entry".utf8))) == nil)
    }

    @Test func everySettledEntryIsFoundByItsID() async throws {
        let (registry, settled) = try await Self.world(seed: 81)
        let store = try SQLiteStore.open(at: registry.url)
        try Self.expectAllFound(store, settled)
        #expect(StoreCheck.full(store).isEmpty)
    }

    /// A row moved out of its epoch is named by the full check and is not found (a lookup probes
    /// only the epochs the log reaches); entries at leaves of later epochs, as in a log of
    /// millions, are found in theirs.
    @Test func aLookupFindsLaterEpochsAndTheCheckNamesAMisplacedRow() async throws {
        let (registry, settled) = try await Self.world(seed: 82)
        let queue = try DatabaseQueue(path: registry.url.path)
        let moved = [settled[3], settled[settled.count / 2], settled.last!]
        for (offset, (_, leaf)) in moved.enumerated() {
            try await queue.write { db in
                try db.execute(
                    sql: "UPDATE entry_ids SET epoch = ? WHERE leaf_index = ?", arguments: [[1, 7, 3][offset], leaf])
            }
        }
        try queue.close()
        let store = try SQLiteStore.open(at: registry.url)
        let problems = StoreCheck.full(store).filter { $0.table == "entry_ids" }
        for (id, leaf) in moved {
            #expect(problems.contains { $0.row == "(epoch 0, leaf \(leaf))" && $0.message == "missing" })
            #expect(try store.entry(id: id) == nil, "a misplaced row is not an answer")
        }
        #expect(problems.filter { $0.message == "is not produced by the log" }.count == moved.count)

        // Far leaves: copies of a settled entry's row under fresh ids, each in its own epoch.
        let far: [(id: Hash32, leaf: UInt64)] = [70_000, 300_000, 1 << 20].map {
            (Hashing.sha256(Array("far \($0)".utf8)), $0)
        }
        let writer = try DatabaseQueue(path: registry.url.path)
        for (id, leaf) in far {
            try await writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO entries (leaf_index, height, kind, entry_id, bytes)
                            SELECT ?, height, kind, ?, bytes FROM entries WHERE leaf_index = ?
                        """, arguments: [leaf, Data(id.bytes), settled[0].leaf])
                try db.execute(
                    sql: "INSERT INTO entry_ids (epoch, entry_id, leaf_index) VALUES (?, ?, ?)",
                    arguments: [SQLiteStore.entryIDEpoch(ofLeaf: leaf), Data(id.bytes), leaf])
            }
        }
        try writer.close()
        let grown = try SQLiteStore.open(at: registry.url)
        #expect(far.map { SQLiteStore.entryIDEpoch(ofLeaf: $0.leaf) } == [1, 4, 16])
        for (id, leaf) in far { #expect(try grown.entry(id: id)?.leafIndex == leaf, "leaf \(leaf)") }
        #expect(try grown.entry(id: settled[0].id)?.leafIndex == settled[0].leaf)
    }

    /// The migration's SQL (`leaf_index >> 16`) and the commit's `entryIDEpoch` put every leaf in
    /// the same epoch.
    @Test func theMigrationAndTheCommitAgreeOnEpochs() throws {
        let queue = try DatabaseQueue()
        for leaf: UInt64 in [0, 1, 65_535, 65_536, 70_000, 300_000, 1 << 40, UInt64(Int64.max)] {
            let sql = try queue.read { db in try Int64.fetchOne(db, sql: "SELECT ? >> 16", arguments: [Int64(leaf)]) }
            #expect(sql.map(UInt64.init) == SQLiteStore.entryIDEpoch(ofLeaf: leaf), "leaf \(leaf)")
        }
    }

    /// A second row for a leaf, under another id, is named: the check compares whole rows.
    @Test func theCheckNamesASecondRowForALeaf() async throws {
        let (registry, settled) = try await Self.world(seed: 85)
        let queue = try DatabaseQueue(path: registry.url.path)
        let (id, leaf) = settled[7]
        let forged = Hashing.sha256(Array("forged".utf8))
        try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO entry_ids (epoch, entry_id, leaf_index) VALUES (0, ?, ?)",
                arguments: [Data(forged.bytes), leaf])
        }
        try queue.close()
        let store = try SQLiteStore.open(at: registry.url)
        #expect(try store.entry(id: forged) == nil, "a row whose id is not the entry's is not an answer")
        #expect(try store.entry(id: id)?.leafIndex == leaf)
        let problems = StoreCheck.full(store).filter { $0.table == "entry_ids" }
        #expect(problems.map(\.message) == ["is not produced by the log"])
        #expect(problems.first?.row == "(epoch 0, leaf \(leaf))")
    }

    @Test func theCheckNamesAMissingAndAStrayRow() async throws {
        let (registry, settled) = try await Self.world(seed: 83)
        let queue = try DatabaseQueue(path: registry.url.path)
        let (lost, _) = settled[5]
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM entry_ids WHERE entry_id = ?", arguments: [Data(lost.bytes)])
            try db.execute(
                sql: "INSERT INTO entry_ids (epoch, entry_id, leaf_index) VALUES (0, ?, 99999)",
                arguments: [Data(Hashing.sha256(Array("stray".utf8)).bytes)])
        }
        try queue.close()
        let store = try SQLiteStore.open(at: registry.url)
        #expect(try store.entry(id: lost) == nil, "the lookup reads entry_ids only")
        let problems = StoreCheck.full(store).filter { $0.table == "entry_ids" }
        #expect(problems.map(\.message).sorted() == ["is not produced by the log", "missing"])
        #expect(problems.contains { $0.row == "(epoch 0, leaf \(settled[5].leaf))" })
    }

    /// A registry with the v7 layout (one index over every entry's id) migrates on open: the ids
    /// move to `entry_ids`, the old index goes, and every entry is found as before.
    @Test func aV7RegistryMigrates() async throws {
        let (registry, settled) = try await Self.world(seed: 84)
        let queue = try DatabaseQueue(path: registry.url.path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE INDEX entries_by_id ON entries(entry_id);
                    DROP TABLE entry_ids;
                    DELETE FROM grdb_migrations WHERE identifier = 'v8-entry-ids-by-epoch';
                    """)
        }
        try queue.close()
        let store = try SQLiteStore.open(at: registry.url)
        let (indexes, rows) = try await DatabaseQueue(path: registry.url.path).read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry_ids") ?? 0
            )
        }
        #expect(!indexes.contains("entries_by_id"))
        #expect(rows == settled.count)
        try Self.expectAllFound(store, settled)
        #expect(StoreCheck.full(store).isEmpty)
    }
}
