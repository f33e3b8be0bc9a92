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

    /// Rows placed in later epochs, as in a log of millions of entries, are still found; and the
    /// full check names each row that is not where its leaf index puts it.
    @Test func aLookupProbesEveryEpochAndTheCheckNamesAMisplacedRow() async throws {
        let (registry, settled) = try await Self.world(seed: 82)
        let queue = try DatabaseQueue(path: registry.url.path)
        let moved = [settled[3].leaf, settled[settled.count / 2].leaf, settled.last!.leaf]
        for (offset, leaf) in moved.enumerated() {
            try await queue.write { db in
                try db.execute(
                    sql: "UPDATE entry_ids SET epoch = ? WHERE leaf_index = ?", arguments: [[1, 7, 3][offset], leaf])
            }
        }
        try queue.close()
        let store = try SQLiteStore.open(at: registry.url)
        try Self.expectAllFound(store, settled)
        let problems = StoreCheck.full(store).filter { $0.table == "entry_ids" }
        for leaf in moved {
            #expect(problems.contains { $0.row?.hasSuffix("leaf \(leaf))") == true && $0.message == "missing" })
        }
        #expect(problems.filter { $0.message == "is not produced by the log" }.count == moved.count)
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
