import GRDB

/// Versioned schema migrations; a migration, once released, is never edited, only appended to.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-genesis") { db in
            try db.create(table: "registry") { table in
                table.column("id", .integer).primaryKey(onConflict: .fail).check { $0 == 1 }
                table.column("genesis", .blob).notNull()
                table.column("chain_id", .blob).notNull()
            }
        }
        migrator.registerMigration("v2-ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE blocks (
                        height INTEGER PRIMARY KEY,
                        hash BLOB NOT NULL UNIQUE,
                        header BLOB NOT NULL,
                        signature BLOB NOT NULL,
                        timestamp_ms INTEGER NOT NULL,
                        entry_count INTEGER NOT NULL,
                        log_size INTEGER NOT NULL,
                        frontier BLOB NOT NULL
                    );
                    CREATE INDEX blocks_by_time ON blocks(timestamp_ms);
                    CREATE TABLE entries (
                        leaf_index INTEGER PRIMARY KEY,
                        height INTEGER NOT NULL REFERENCES blocks(height),
                        kind INTEGER NOT NULL,
                        entry_id BLOB NOT NULL,
                        bytes BLOB NOT NULL
                    );
                    CREATE INDEX entries_by_id ON entries(entry_id);
                    CREATE TABLE counters (id INTEGER PRIMARY KEY CHECK (id = 1), record BLOB NOT NULL);
                    CREATE TABLE parties (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, record BLOB NOT NULL);
                    CREATE TABLE keys (key BLOB PRIMARY KEY, party INTEGER NOT NULL REFERENCES parties(id), last_nonce INTEGER NOT NULL, record BLOB NOT NULL) WITHOUT ROWID;
                    CREATE INDEX keys_by_party ON keys(party);
                    CREATE TABLE vessels (asset TEXT PRIMARY KEY, status TEXT NOT NULL, record BLOB NOT NULL) WITHOUT ROWID;
                    CREATE TABLE ownership_links (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, owned INTEGER NOT NULL, record BLOB NOT NULL);
                    CREATE INDEX links_by_owned ON ownership_links(owned);
                    CREATE INDEX links_by_owner ON ownership_links(owner);
                    CREATE TABLE balances (asset TEXT NOT NULL, key BLOB NOT NULL, units INTEGER NOT NULL CHECK (units > 0), PRIMARY KEY (asset, key)) WITHOUT ROWID;
                    CREATE INDEX balances_by_key ON balances(key);
                    CREATE TABLE balance_history (
                        asset TEXT NOT NULL, key BLOB NOT NULL, height INTEGER NOT NULL, units INTEGER NOT NULL CHECK (units >= 0),
                        leaf_index INTEGER NOT NULL,
                        PRIMARY KEY (asset, key, height)
                    ) WITHOUT ROWID;
                    CREATE INDEX balance_history_by_key ON balance_history(key, height);
                    CREATE TABLE asset_holders (asset TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (asset, key)) WITHOUT ROWID;
                    CREATE TABLE rejections (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        entry_id BLOB NOT NULL,
                        kind TEXT NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        decided_at_ms INTEGER NOT NULL
                    );
                    CREATE INDEX rejections_by_id ON rejections(entry_id);
                    CREATE TABLE vessel_events (asset TEXT NOT NULL, leaf_index INTEGER NOT NULL, PRIMARY KEY (asset, leaf_index)) WITHOUT ROWID;
                    CREATE TABLE party_events (party INTEGER NOT NULL, leaf_index INTEGER NOT NULL, PRIMARY KEY (party, leaf_index)) WITHOUT ROWID;
                    CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v3-api-tokens") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_tokens (
                        hash BLOB PRIMARY KEY,
                        role TEXT NOT NULL CHECK (role IN ('registrar', 'regulator')),
                        label TEXT NOT NULL,
                        created_ms INTEGER NOT NULL,
                        revoked_ms INTEGER
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v4-rejections-once") { db in
            // One audit row per (entry, code): replaying the same signed bytes adds nothing.
            try db.execute(
                sql: """
                    DELETE FROM rejections WHERE seq NOT IN (SELECT MIN(seq) FROM rejections GROUP BY entry_id, code);
                    CREATE UNIQUE INDEX rejections_once ON rejections(entry_id, code);
                    """
            )
        }
        migrator.registerMigration("v5-key-rotations") { db in
            // The few entries that rotate a key (0x1b, 0x1c), found without a scan of the log:
            // which sequencer key signed a header of any height.
            try db.execute(
                sql: """
                    CREATE INDEX entries_registrar_rotations ON entries(height) WHERE kind = 27;
                    CREATE INDEX entries_sequencer_rotations ON entries(height) WHERE kind = 28;
                    """
            )
        }
        migrator.registerMigration("v6-list-adoptions") { db in
            // The few list adoptions (0x0e), found without a scan: when each edition was adopted.
            try db.execute(sql: "CREATE INDEX entries_list_adoptions ON entries(height) WHERE kind = 14")
        }
        migrator.registerMigration("v7-holder-locality") { db in
            // A block rewrites the rows of the keys that sent in it. Keyed by a random 32-byte key,
            // those rows lie one to a page across the whole table once the registry is large, and
            // every such page goes to the WAL at each commit: the cost of a block grew with the
            // registry (issue 13). `keys` becomes a rowid table in binding order (the key stays
            // UNIQUE, its index untouched by a nonce update), and the two by-key indexes that
            // every balance change rewrote give way to one on `asset_holders`, written only
            // when a key first holds a vessel. Reads by key go through it (keyHistory,
            // partyHoldingHistory, balances(of:)).
            try db.execute(
                sql: """
                    CREATE TABLE keys_v7 (
                        id INTEGER PRIMARY KEY,
                        key BLOB NOT NULL UNIQUE,
                        party INTEGER NOT NULL REFERENCES parties(id),
                        last_nonce INTEGER NOT NULL,
                        record BLOB NOT NULL
                    );
                    INSERT INTO keys_v7 (key, party, last_nonce, record)
                        SELECT key, party, last_nonce, record FROM keys ORDER BY party, key;
                    DROP TABLE keys;
                    ALTER TABLE keys_v7 RENAME TO keys;
                    CREATE INDEX keys_by_party ON keys(party);
                    DROP INDEX balances_by_key;
                    DROP INDEX balance_history_by_key;
                    CREATE INDEX asset_holders_by_key ON asset_holders(key, asset);
                    """
            )
        }
        migrator.registerMigration("v8-entry-ids-by-epoch") { db in
            // `entries_by_id` took every entry's random 32-byte id into one b-tree over the whole
            // log: each block dirtied about one page of it per entry, anywhere in it, so a block
            // cost more as the log grew (issue 13). Ids now go to `entry_ids` keyed by epoch first
            // (leaf_index >> 16, SQLiteStore.entryIDEpochBits): a block writes only into its own
            // epoch's part of the b-tree, whose size is bounded, and a lookup by id probes each
            // epoch (SQLiteStore.entry(id:)).
            try db.execute(
                sql: """
                    CREATE TABLE entry_ids (
                        epoch INTEGER NOT NULL,
                        entry_id BLOB NOT NULL,
                        leaf_index INTEGER NOT NULL,
                        PRIMARY KEY (epoch, entry_id, leaf_index)
                    ) WITHOUT ROWID;
                    INSERT INTO entry_ids (epoch, entry_id, leaf_index)
                        SELECT leaf_index >> 16, entry_id, leaf_index FROM entries;
                    DROP INDEX entries_by_id;
                    """
            )
        }
        migrator.registerMigration("v9-holder-ids") { db in
            // The holder tables named a holding by the vessel's text ("IMO9176187") and the key's
            // 32 bytes, in every row and every b-tree entry: about 60 bytes a history row, so a
            // page held few of them. They now name it by two integers (issue 13's integer
            // surrogate ids): the vessel's IMO number and the key's `keys.id` (its rowid since
            // v7). Reads join `keys` for the key's bytes. A row whose key is not in `keys` (which
            // settlement never writes) fails the migration, named, and the registry is left as it
            // was. No ORDER BY: the writer keeps temporary data in memory, and a sort of the whole
            // history there would follow the log's length.
            let unbound = try Self.unboundHolderRows(db)
            guard unbound.isEmpty else {
                throw StoreError(
                    .corrupt,
                    "migration v9: holder rows name keys that are not bound (repair them with the binary that wrote them: plimsoll check --full): \(unbound.joined(separator: "; "))"
                )
            }
            let before = try Self.holderRowCounts(db)
            try db.execute(
                sql: """
                    CREATE TABLE balances_v9 (
                        asset INTEGER NOT NULL, key INTEGER NOT NULL, units INTEGER NOT NULL CHECK (units > 0),
                        PRIMARY KEY (asset, key)
                    ) WITHOUT ROWID;
                    INSERT INTO balances_v9 (asset, key, units)
                        SELECT CAST(substr(b.asset, 4) AS INTEGER), k.id, b.units
                        FROM balances b JOIN keys k ON k.key = b.key;
                    DROP TABLE balances;
                    ALTER TABLE balances_v9 RENAME TO balances;
                    CREATE TABLE balance_history_v9 (
                        asset INTEGER NOT NULL, key INTEGER NOT NULL, height INTEGER NOT NULL,
                        units INTEGER NOT NULL CHECK (units >= 0), leaf_index INTEGER NOT NULL,
                        PRIMARY KEY (asset, key, height)
                    ) WITHOUT ROWID;
                    INSERT INTO balance_history_v9 (asset, key, height, units, leaf_index)
                        SELECT CAST(substr(h.asset, 4) AS INTEGER), k.id, h.height, h.units, h.leaf_index
                        FROM balance_history h JOIN keys k ON k.key = h.key;
                    DROP TABLE balance_history;
                    ALTER TABLE balance_history_v9 RENAME TO balance_history;
                    CREATE TABLE asset_holders_v9 (asset INTEGER NOT NULL, key INTEGER NOT NULL, PRIMARY KEY (asset, key))
                        WITHOUT ROWID;
                    INSERT INTO asset_holders_v9 (asset, key)
                        SELECT CAST(substr(a.asset, 4) AS INTEGER), k.id FROM asset_holders a JOIN keys k ON k.key = a.key;
                    DROP TABLE asset_holders;
                    ALTER TABLE asset_holders_v9 RENAME TO asset_holders;
                    CREATE INDEX asset_holders_by_key ON asset_holders(key, asset);
                    """
            )
            let after = try Self.holderRowCounts(db)
            guard after == before else {
                throw StoreError(
                    .corrupt,
                    "migration v9: the holder tables would change in number of rows (balances, history, holders: \(before) before, \(after) after); nothing was changed"
                )
            }
        }
        return migrator
    }

    /// Up to five rows of the pre-v9 holder tables whose key is not in `keys`, named.
    private static func unboundHolderRows(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT t || ' ' || asset || ' key ' || hex(key) FROM (
                    SELECT 'balances' AS t, asset, key FROM balances
                    UNION ALL SELECT 'balance_history at height ' || height, asset, key FROM balance_history
                    UNION ALL SELECT 'asset_holders', asset, key FROM asset_holders
                ) WHERE key NOT IN (SELECT key FROM keys) LIMIT 5
                """)
    }

    /// Rows of balances, balance_history and asset_holders.
    private static func holderRowCounts(_ db: Database) throws -> [Int] {
        try ["balances", "balance_history", "asset_holders"].map {
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0
        }
    }
}
