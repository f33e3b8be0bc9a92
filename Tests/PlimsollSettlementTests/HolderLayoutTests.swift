import Foundation
import GRDB
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// The holder tables' layout (migration v7, issue 13): `keys` in binding order and no by-key
/// index on balances or their history. Reads by key and by party go through `asset_holders`;
/// they must answer exactly what the old by-key index answered (the same SQL, run here over a
/// full scan as the reference), and a registry written before v7 must migrate with nothing lost.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct HolderLayoutTests {
    /// Two vessels, four parties, the first with three keys; random transfers in both vessels.
    final class World {
        let registry: TempRegistry
        let keys: [SigningKey]
        let parties: [PartyID]
        let state: LedgerState

        init(seed: UInt64) async throws {
            registry = try TempRegistry(seed: seed)
            let settlement = try registry.settlement()
            var rng = SplitMix64(seed: seed)
            let holders = (0..<4).map { _ in SigningKey.generate(using: &rng) }
            let seeded = try await RegistrySeed.seed(
                settlement, holders: holders.enumerated().map { ("Holder \($0)", $1) },
                vessels: [(IMOs.a, 400), (IMOs.b, 400)],
                issues: holders.indices.flatMap {
                    [
                        RegistrySeed.Issue(vessel: IMOs.a, holder: $0, units: 100),
                        RegistrySeed.Issue(vessel: IMOs.b, holder: $0, units: 100),
                    ]
                },
                kycUntilMs: Settlement.wallClockMs() + 365 * 86_400_000)
            let extra = (0..<2).map { _ in SigningKey.generate(using: &rng) }
            for key in extra {
                let outcome = try await settlement.submitRegistrar(.bindKey(key.publicKey, to: seeded.holders[0].party))
                guard case .settled = outcome else { throw SetupError("bind: \(outcome)") }
            }
            var keys = holders + extra
            parties = seeded.holders.map(\.party)
            let chainID = await settlement.state.chainID
            var nonces = [UInt64](repeating: 0, count: keys.count)
            for _ in 0..<12 {
                var entries: [Entry] = []
                for _ in 0..<40 {
                    // Extra keys only receive until they hold something; holders send.
                    let from = Int(rng.next() % 4)
                    let to = (from + 1 + Int(rng.next() % 5)) % keys.count
                    nonces[from] += 1
                    entries.append(
                        .transfer(
                            Transfer(
                                chainID: chainID, asset: rng.next() % 2 == 0 ? IMOs.a : IMOs.b,
                                from: keys[from].publicKey, to: keys[to].publicKey, amount: 1,
                                nonce: nonces[from], expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                            ).signed(by: keys[from])))
                }
                _ = try await settlement.submitAll(entries)
            }
            // A holding that drops to zero and comes back; a bound key that never holds anything.
            let emptied = await settlement.state.balance(IMOs.b, keys[3].publicKey)
            for (from, to, amount) in [(3, 2, emptied), (2, 3, UInt64(5))] {
                nonces[from] += 1
                let outcome = try await settlement.submit(
                    .transfer(
                        Transfer(
                            chainID: chainID, asset: IMOs.b, from: keys[from].publicKey, to: keys[to].publicKey,
                            amount: amount, nonce: nonces[from],
                            expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                        ).signed(by: keys[from])))
                guard case .settled = outcome else { throw SetupError("move \(from) -> \(to): \(outcome)") }
            }
            let idle = SigningKey.generate(using: &rng)
            guard case .settled = try await settlement.submitRegistrar(.bindKey(idle.publicKey, to: parties[1]))
            else { throw SetupError("bind an idle key") }
            keys.append(idle)
            await settlement.waitUntilIdle()
            state = await settlement.state
            self.keys = keys
        }
    }

    /// The by-key reads against the old index's query, over a scan: every key and party, several
    /// heights and limits.
    static func expectSameAnswers(_ store: SQLiteStore, _ world: World, url: URL) throws {
        let reference = try DatabaseQueue(path: url.path)
        let latest = try store.latestHeight()
        let columns =
            "printf('IMO%07d', h.asset) AS asset, k.key AS key, h.height, h.leaf_index, h.units, b.timestamp_ms"
        func rows(
            _ filter: String, _ value: any DatabaseValueConvertible, before: UInt64, limit: Int
        ) throws
            -> [[String]]
        {
            try reference.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(columns) FROM balance_history h NOT INDEXED JOIN blocks b ON b.height = h.height
                        JOIN keys k ON k.id = h.key
                        WHERE \(filter) AND h.height < ? ORDER BY h.height DESC, h.leaf_index DESC, k.key, h.asset LIMIT ?
                        """,
                    arguments: [value, before, limit]
                ).map { row in
                    [
                        row["asset"] as String, Hex.encode(Array(row["key"] as Data)), "\(row["height"] as UInt64)",
                        "\(row["leaf_index"] as UInt64)", "\(row["units"] as UInt64)",
                    ]
                }
            }
        }
        func strings(_ changes: [HoldingChange]) -> [[String]] {
            changes.map { [$0.asset.text, $0.key.hex, "\($0.height)", "\($0.leafIndex)", "\($0.units)"] }
        }
        var answered = 0
        for before in [latest + 1, latest / 2, 3] {
            for limit in [1, 7, 1000] {
                for key in world.keys.map(\.publicKey) {
                    let expected = try rows("k.key = ?", Data(key.bytes), before: before, limit: limit)
                    #expect(
                        strings(try store.keyHistory(key, beforeHeight: before, limit: limit)) == expected,
                        "key \(key.hex.prefix(8)) before \(before) limit \(limit)")
                    answered += expected.count
                }
                for party in world.parties {
                    let expected = try rows("k.party = ?", party.raw, before: before, limit: limit)
                    #expect(
                        strings(try store.partyHoldingHistory(party, beforeHeight: before, limit: limit)) == expected,
                        "party \(party) before \(before) limit \(limit)")
                }
            }
        }
        #expect(answered > 100, "the world must make history to compare: \(answered) rows")
        for key in world.keys.map(\.publicKey) {
            let held = try store.balances(of: key)
            let expected = [IMOs.a, IMOs.b].sorted { $0.text < $1.text }.map { ($0, world.state.balance($0, key)) }
                .filter { $0.1 > 0 }
            #expect(held.map(\.asset) == expected.map(\.0) && held.map(\.units) == expected.map(\.1))
        }
    }

    @Test func byKeyReadsAnswerAsTheOldIndexDid() async throws {
        let world = try await World(seed: 31)
        try Self.expectSameAnswers(try SQLiteStore.open(at: world.registry.url), world, url: world.registry.url)
    }

    /// A registry with the v6 layout (keys keyed by the key itself, both by-key indexes, holdings
    /// by text and bytes) is migrated on open: the same state loads, the same answers come back, and the new layout
    /// is in place.
    @Test func aV6RegistryMigrates() async throws {
        let world = try await World(seed: 32)
        let url = world.registry.url
        let queue = try DatabaseQueue(path: url.path)
        try await Self.revertV9(queue)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.inTransaction {
                try db.execute(
                    sql: """
                        CREATE TABLE keys_v6 (key BLOB PRIMARY KEY, party INTEGER NOT NULL REFERENCES parties(id), last_nonce INTEGER NOT NULL, record BLOB NOT NULL) WITHOUT ROWID;
                        INSERT INTO keys_v6 SELECT key, party, last_nonce, record FROM keys;
                        DROP TABLE keys;
                        ALTER TABLE keys_v6 RENAME TO keys;
                        CREATE INDEX keys_by_party ON keys(party);
                        CREATE INDEX balances_by_key ON balances(key);
                        CREATE INDEX balance_history_by_key ON balance_history(key, height);
                        DROP INDEX asset_holders_by_key;
                        DELETE FROM grdb_migrations WHERE identifier = 'v7-holder-locality';
                        """)
                return .commit
            }
        }
        try queue.close()
        let store = try SQLiteStore.open(at: url)
        let indexes = try await DatabaseQueue(path: url.path).read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'")
        }
        #expect(indexes.contains("asset_holders_by_key"))
        #expect(!indexes.contains("balances_by_key") && !indexes.contains("balance_history_by_key"))
        let loaded = try store.loadLedger()
        #expect(loaded.state.keys == world.state.keys)
        #expect(loaded.state.balances == world.state.balances)
        #expect(loaded.tip.header.header.height == (try store.latestHeight()))
        try Self.expectSameAnswers(store, world, url: url)
    }

    /// Puts the holder tables back as they were before v9: holdings named by the vessel's text and
    /// the key's 32 bytes.
    static func revertV9(_ queue: DatabaseQueue, andThen extra: String = "") async throws {
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE balances_v8 (asset TEXT NOT NULL, key BLOB NOT NULL, units INTEGER NOT NULL CHECK (units > 0), PRIMARY KEY (asset, key)) WITHOUT ROWID;
                    INSERT INTO balances_v8 SELECT printf('IMO%07d', b.asset), k.key, b.units FROM balances b JOIN keys k ON k.id = b.key;
                    DROP TABLE balances;
                    ALTER TABLE balances_v8 RENAME TO balances;
                    CREATE TABLE balance_history_v8 (
                        asset TEXT NOT NULL, key BLOB NOT NULL, height INTEGER NOT NULL, units INTEGER NOT NULL CHECK (units >= 0),
                        leaf_index INTEGER NOT NULL, PRIMARY KEY (asset, key, height)
                    ) WITHOUT ROWID;
                    INSERT INTO balance_history_v8
                        SELECT printf('IMO%07d', h.asset), k.key, h.height, h.units, h.leaf_index FROM balance_history h JOIN keys k ON k.id = h.key;
                    DROP TABLE balance_history;
                    ALTER TABLE balance_history_v8 RENAME TO balance_history;
                    CREATE TABLE asset_holders_v8 (asset TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (asset, key)) WITHOUT ROWID;
                    INSERT INTO asset_holders_v8 SELECT printf('IMO%07d', a.asset), k.key FROM asset_holders a JOIN keys k ON k.id = a.key;
                    DROP TABLE asset_holders;
                    ALTER TABLE asset_holders_v8 RENAME TO asset_holders;
                    CREATE INDEX asset_holders_by_key ON asset_holders(key, asset);
                    DELETE FROM grdb_migrations WHERE identifier = 'v9-holder-ids';
                    \(extra)
                    """)
        }
    }

    static func holderRows(_ url: URL) async throws -> [Int] {
        try await DatabaseQueue(path: url.path).read { db in
            try ["balances", "balance_history", "asset_holders"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0
            }
        }
    }

    /// What the registry answers about holdings, recorded to compare across a migration: every
    /// key's and party's history, every vessel's cap table at every height, and its history.
    struct Answers: Equatable {
        var keys: [[HoldingChange]] = []
        var parties: [[HoldingChange]] = []
        var capTables: [[Holding]] = []
        var vessels: [[HoldingChange]] = []
    }

    static func answers(_ store: SQLiteStore, _ world: World) throws -> Answers {
        var answers = Answers()
        answers.keys = try world.keys.map { try store.keyHistory($0.publicKey) }
        answers.parties = try world.parties.map { try store.partyHoldingHistory($0) }
        for height in 0...(try store.latestHeight()) {
            answers.capTables += try [IMOs.a, IMOs.b].map { try store.capTable($0, at: height) }
        }
        answers.capTables += try [IMOs.a, IMOs.b].map { try store.capTable($0) }
        answers.vessels = try [IMOs.a, IMOs.b].map { try store.vesselHoldingHistory($0) }
        return answers
    }

    /// A registry written before v9 (holdings named by text and bytes) migrates on open to
    /// integer ids: every row kept, the same state loads, the same answers come back as before
    /// the migration, and a full check against a replay of the log finds nothing.
    @Test func aV8RegistryMigratesToIntegerIDs() async throws {
        let world = try await World(seed: 33)
        let url = world.registry.url
        let rows = try await Self.holderRows(url)
        let before = try Self.answers(try SQLiteStore.open(at: url), world)
        #expect(before.keys.joined().count > 100 && before.capTables.joined().count > 100, "a history to compare")
        let queue = try DatabaseQueue(path: url.path)
        try await Self.revertV9(queue)
        let types = try await queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT type FROM pragma_table_info('balance_history') WHERE name IN ('asset', 'key')")
        }
        #expect(types == ["TEXT", "BLOB"], "the old layout is in place before the migration")
        try queue.close()
        let store = try SQLiteStore.open(at: url)
        let migrated = try await DatabaseQueue(path: url.path).read { db in
            try String.fetchAll(
                db, sql: "SELECT type FROM pragma_table_info('balance_history') WHERE name IN ('asset', 'key')")
        }
        #expect(migrated == ["INTEGER", "INTEGER"])
        #expect(try await Self.holderRows(url) == rows, "every holder row kept")
        let loaded = try store.loadLedger()
        #expect(loaded.state.balances == world.state.balances)
        #expect(try Self.answers(store, world) == before, "the same answers as before the migration")
        #expect(StoreCheck.full(store).isEmpty, "every derived row matches a replay of the log")
        try Self.expectSameAnswers(store, world, url: url)
    }

    /// A holder row whose key is not bound cannot be given an id: the migration fails and leaves
    /// the registry as it was, for `plimsoll check` to name the row.
    @Test func aHolderRowWithAnUnboundKeyStopsTheMigration() async throws {
        let world = try await World(seed: 34)
        let url = world.registry.url
        let queue = try DatabaseQueue(path: url.path)
        let stray = String(repeating: "ab", count: 32)
        try await Self.revertV9(
            queue,
            andThen: "INSERT INTO asset_holders (asset, key) VALUES ('\(IMOs.a.text)', x'\(stray)');")
        try queue.close()
        do {
            _ = try SQLiteStore.open(at: url)
            Issue.record("a registry with an unbound holder row opened")
        } catch {
            #expect(
                "\(error)".contains("asset_holders \(IMOs.a.text) key \(stray.uppercased())"),
                "the migration's own check refused it, naming the row: \(error)")
        }
        let after = try await DatabaseQueue(path: url.path).read { db in
            (
                try String.fetchAll(db, sql: "SELECT type FROM pragma_table_info('asset_holders') WHERE name = 'key'"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations WHERE identifier = 'v9-holder-ids'")
            )
        }
        #expect(after.0 == ["BLOB"] && after.1 == 0, "the registry keeps its old layout, not half of the new one")
    }
}
