import Logging
import PostgresNIO

/// The schema, versioned: each version's statements run once, in order, recorded in
/// `plimsoll_migrations` in the same transaction (a crash mid-migration leaves the previous
/// version). Append; never edit a shipped version.
enum PostgresMigrations {
    static let versions: [[String]] = [
        [
            "CREATE TABLE registry (id INTEGER PRIMARY KEY CHECK (id = 1), genesis BYTEA NOT NULL)",
            """
            CREATE TABLE blocks (height BIGINT PRIMARY KEY CHECK (height >= 0), hash BYTEA NOT NULL UNIQUE,
                header BYTEA NOT NULL, signature BYTEA NOT NULL, timestamp_ms BIGINT NOT NULL,
                entry_count INTEGER NOT NULL, log_size BIGINT NOT NULL, frontier BYTEA NOT NULL)
            """,
            """
            CREATE TABLE entries (leaf_index BIGINT PRIMARY KEY, height BIGINT NOT NULL REFERENCES blocks(height),
                kind SMALLINT NOT NULL, entry_id BYTEA NOT NULL, bytes BYTEA NOT NULL)
            """,
            "CREATE INDEX entries_by_id ON entries(entry_id)",
            "CREATE INDEX entries_key_rotations ON entries(height) WHERE kind IN (27, 28)",
            "CREATE TABLE counters (id INTEGER PRIMARY KEY CHECK (id = 1), record BYTEA NOT NULL)",
            "CREATE TABLE parties (id BIGINT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, record BYTEA NOT NULL)",
            """
            CREATE TABLE keys (key BYTEA PRIMARY KEY, party BIGINT NOT NULL REFERENCES parties(id),
                last_nonce BIGINT NOT NULL, record BYTEA NOT NULL)
            """,
            "CREATE INDEX keys_by_party ON keys(party)",
            "CREATE TABLE vessels (asset TEXT PRIMARY KEY, status TEXT NOT NULL, record BYTEA NOT NULL)",
            """
            CREATE TABLE ownership_links (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL, owned BIGINT NOT NULL,
                record BYTEA NOT NULL)
            """,
            """
            CREATE TABLE balances (asset TEXT NOT NULL, key BYTEA NOT NULL, units BIGINT NOT NULL CHECK (units > 0),
                PRIMARY KEY (asset, key))
            """,
            "CREATE INDEX balances_by_key ON balances(key)",
            """
            CREATE TABLE balance_history (asset TEXT NOT NULL, key BYTEA NOT NULL, height BIGINT NOT NULL,
                units BIGINT NOT NULL CHECK (units >= 0), leaf_index BIGINT NOT NULL, PRIMARY KEY (asset, key, height))
            """,
            "CREATE INDEX balance_history_by_key ON balance_history(key, height)",
            "CREATE TABLE asset_holders (asset TEXT NOT NULL, key BYTEA NOT NULL, PRIMARY KEY (asset, key))",
            """
            CREATE TABLE rejections (seq BIGSERIAL PRIMARY KEY, entry_id BYTEA NOT NULL, kind TEXT NOT NULL,
                code TEXT NOT NULL, message TEXT NOT NULL, decided_at_ms BIGINT NOT NULL, UNIQUE (entry_id, code))
            """,
            "CREATE TABLE vessel_events (asset TEXT NOT NULL, leaf_index BIGINT NOT NULL, PRIMARY KEY (asset, leaf_index))",
            "CREATE TABLE party_events (party BIGINT NOT NULL, leaf_index BIGINT NOT NULL, PRIMARY KEY (party, leaf_index))",
        ],
        // 2: transfers accepted by any node, handed to the sequencer (`PostgresStore+HandOff`).
        [
            """
            CREATE TABLE intake (seq BIGSERIAL PRIMARY KEY, entry_id BYTEA NOT NULL UNIQUE, bytes BYTEA NOT NULL,
                node TEXT NOT NULL, accepted_at_ms BIGINT NOT NULL, code TEXT, message TEXT, decided_at_ms BIGINT,
                CHECK ((code IS NULL) = (decided_at_ms IS NULL)))
            """,
            "CREATE INDEX intake_waiting ON intake(seq) WHERE code IS NULL",
            "CREATE INDEX intake_decided ON intake(decided_at_ms) WHERE code IS NOT NULL",
        ],
    ]

    /// The schema version this build writes.
    static var current: Int { versions.count }

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS plimsoll_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            logger: logger)
        var applied = 0
        let rows = try await connection.query(
            "SELECT coalesce(max(version), 0) FROM plimsoll_migrations", logger: logger)
        for try await version in rows.decode(Int32.self) { applied = Int(version) }
        guard applied <= current else {
            throw PostgresStoreFailure(
                "the database's schema is version \(applied), newer than this build's \(current)")
        }
        for version in (applied + 1)...max(applied + 1, current) where version <= current {
            try await connection.withTransaction(logger: logger) { connection in
                // Two nodes migrating at once: the second waits here, then finds the version taken.
                try await connection.query("LOCK TABLE plimsoll_migrations IN EXCLUSIVE MODE", logger: logger)
                let taken = try await connection.query(
                    "SELECT count(*)::BIGINT FROM plimsoll_migrations WHERE version = \(Int32(version))", logger: logger
                )
                for try await count in taken.decode(Int64.self) where count > 0 { return }
                for statement in versions[version - 1] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO plimsoll_migrations (version) VALUES (\(Int32(version)))", logger: logger)
            }
        }
    }
}

struct PostgresStoreFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
