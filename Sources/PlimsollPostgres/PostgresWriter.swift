import Foundation
import Logging
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollStore
import PostgresNIO

/// One block's writes, in the transaction the caller opened: the header (its height the primary
/// key), the entries, the audited rejections, the changed state rows and their history, in a few
/// multi-row statements rather than one round trip a row.
enum PostgresWriter {
    /// Rows per multi-row statement (PostgreSQL takes at most 65,535 parameters in one).
    static let rowsPerStatement = 1000

    static func write(
        _ block: CommittedBlock, changes: StateChanges, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let header = block.header.header
        let height = try int(header.height)
        if header.height > 0 {
            let previous = try await connection.query(
                "SELECT hash FROM blocks WHERE height = \(height - 1)", logger: logger)
            var found: [UInt8]?
            for try await hash in previous.decode(ByteBuffer.self) { found = Array(buffer: hash) }
            guard found == header.prevHash.bytes else {
                throw PostgresStoreFailure("block \(header.height) does not extend the stored tip")
            }
        }
        try await connection.query(
            """
            INSERT INTO blocks (height, hash, header, signature, timestamp_ms, entry_count, log_size, frontier)
            VALUES (\(height), \(bytes(header.hash.bytes)), \(bytes(header.canonicalBytes)),
                \(bytes(block.header.signature.bytes)), \(try int(header.timestampMs)), \(Int32(header.entryCount)),
                \(try int(header.logSize)), \(bytes(SQLiteStore.encodeFrontier(block.frontier))))
            """, logger: logger)
        try await insert(
            "INSERT INTO entries (leaf_index, height, kind, entry_id, bytes)", columns: 5,
            rows: try block.entries.enumerated().map { offset, entry in
                let entryBytes = entry.bytes
                return [
                    try int(block.firstLeafIndex + UInt64(offset)), height, Int16(entryBytes[0]),
                    bytes(entry.id.bytes), bytes(entryBytes),
                ]
            }, connection, logger)
        try await insertRejections(block.rejected, decidedAtMs: header.timestampMs, connection, logger)
        try await writeState(changes, height: height, connection, logger)
        try await insert(
            "INSERT INTO vessel_events (asset, leaf_index)", columns: 2,
            rows: try changes.vesselEvents.map { asset, leaf in [asset.text, try int(leaf)] },
            suffix: "ON CONFLICT DO NOTHING", connection, logger)
        try await insert(
            "INSERT INTO party_events (party, leaf_index)", columns: 2,
            rows: try changes.partyEvents.map { party, leaf in [try int(party.raw), try int(leaf)] },
            suffix: "ON CONFLICT DO NOTHING", connection, logger)
    }

    static func insertRejections(
        _ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws {
        let time = try int(decidedAtMs)
        try await insert(
            "INSERT INTO rejections (entry_id, kind, code, message, decided_at_ms)", columns: 5,
            rows: unique(rejected, by: { $0.id.hex + $0.rejection.code.rawValue }).map { rejected in
                [
                    bytes(rejected.id.bytes), rejected.kind, rejected.rejection.code.rawValue,
                    rejected.rejection.message,
                    time,
                ]
            }, suffix: "ON CONFLICT (entry_id, code) DO NOTHING", connection, logger)
    }

    private static func writeState(
        _ changes: StateChanges, height: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let counters = changes.counters {
            try await connection.query(
                """
                INSERT INTO counters (id, record) VALUES (1, \(bytes(Array(try encoder.encode(counters)))))
                ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record
                """, logger: logger)
        }
        try await insert(
            "INSERT INTO parties (id, name, country, record)", columns: 4,
            rows: try changes.parties.map { record in
                [
                    try int(record.party.id.raw), record.party.name, record.party.country.code,
                    bytes(Array(try encoder.encode(record))),
                ]
            },
            suffix:
                "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, country = EXCLUDED.country, record = EXCLUDED.record",
            connection, logger)
        try await insert(
            "INSERT INTO keys (key, party, last_nonce, record)", columns: 4,
            rows: try changes.keys.map { record in
                [
                    bytes(record.key.bytes), try int(record.party.raw), try int(record.lastNonce),
                    bytes(record.storageBytes),
                ]
            }, suffix: "ON CONFLICT (key) DO UPDATE SET last_nonce = EXCLUDED.last_nonce, record = EXCLUDED.record",
            connection, logger)
        try await insert(
            "INSERT INTO vessels (asset, status, record)", columns: 3,
            rows: try changes.vessels.map { record in
                [record.vessel.asset.text, record.vessel.status.rawValue, bytes(Array(try encoder.encode(record)))]
            }, suffix: "ON CONFLICT (asset) DO UPDATE SET status = EXCLUDED.status, record = EXCLUDED.record",
            connection, logger)
        try await insert(
            "INSERT INTO ownership_links (id, owner, owned, record)", columns: 4,
            rows: try changes.links.map { link in
                [
                    try int(link.id.raw), try int(link.owner.raw), try int(link.owned.raw),
                    bytes(Array(try encoder.encode(link))),
                ]
            }, suffix: "ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record", connection, logger)
        // One change per holding and block (the last wins, as the dirty set keeps it).
        let balances = unique(changes.balances, by: { "\($0.address.asset.text)/\($0.address.key.hex)" })
        try await insert(
            "INSERT INTO balances (asset, key, units)", columns: 3,
            rows: try balances.filter { $0.units > 0 }.map { change in
                [change.address.asset.text, bytes(change.address.key.bytes), try int(change.units)]
            }, suffix: "ON CONFLICT (asset, key) DO UPDATE SET units = EXCLUDED.units", connection, logger)
        for change in balances where change.units == 0 {
            try await connection.query(
                "DELETE FROM balances WHERE asset = \(change.address.asset.text) AND key = \(bytes(change.address.key.bytes))",
                logger: logger)
        }
        try await insert(
            "INSERT INTO balance_history (asset, key, height, units, leaf_index)", columns: 5,
            rows: try balances.map { change in
                [
                    change.address.asset.text, bytes(change.address.key.bytes), height, try int(change.units),
                    try int(change.leafIndex),
                ]
            },
            suffix:
                "ON CONFLICT (asset, key, height) DO UPDATE SET units = EXCLUDED.units, leaf_index = EXCLUDED.leaf_index",
            connection, logger)
        try await insert(
            "INSERT INTO asset_holders (asset, key)", columns: 2,
            rows: balances.filter { !$0.heldBefore }.map { [$0.address.asset.text, bytes($0.address.key.bytes)] },
            suffix: "ON CONFLICT DO NOTHING", connection, logger)
    }

    /// `prefix VALUES (...), (...) suffix`, `rowsPerStatement` rows a statement.
    static func insert(
        _ prefix: String, columns: Int, rows: [[any PostgresDynamicTypeEncodable]], suffix: String = "",
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + rowsPerStatement)]
            var bindings = PostgresBindings(capacity: chunk.count * columns)
            var groups: [String] = []
            groups.reserveCapacity(chunk.count)
            for (index, row) in chunk.enumerated() {
                precondition(row.count == columns)
                for value in row { bindings.append(value) }
                let first = index * columns + 1
                groups.append("(" + (first..<(first + columns)).map { "$\($0)" }.joined(separator: ", ") + ")")
            }
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: "\(prefix) VALUES \(groups.joined(separator: ", ")) \(suffix)", binds: bindings),
                logger: logger)
            start += chunk.count
        }
    }

    static func bytes(_ value: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: value) }

    /// An unsigned integer of the log as PostgreSQL's BIGINT.
    static func int(_ value: UInt64) throws(StoreError) -> Int64 {
        guard let value = Int64(exactly: value) else {
            throw StoreError(.outOfRange, "\(value) is above what PostgreSQL's BIGINT stores")
        }
        return value
    }

    /// The last of each key, in first-seen order.
    static func unique<T>(_ items: [T], by key: (T) -> String) -> [T] {
        var last: [String: Int] = [:]
        for (index, item) in items.enumerated() { last[key(item)] = index }
        return items.enumerated().filter { last[key($1)] == $0 }.map(\.element)
    }
}
