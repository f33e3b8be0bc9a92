public import Foundation
public import Logging
import NIOCore
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore
public import PostgresNIO

/// Reads a registry's committed log from PostgreSQL: the primary, or a streaming replica of it
/// (`plimsoll serve --read-database`), which holds the same rows a little later. Read only: it
/// takes no lease and writes nothing, so a hot standby serves it.
public final class PostgresLogReader: Sendable {
    let configuration: PostgresConnection.Configuration
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger

    /// Blocks read per call: a mirror catching up takes the log a bounded page at a time.
    public static let blocksPerRead = 256
    /// Entries read per call, across its blocks: a page of big blocks stops early.
    public static let entriesPerRead = 20_000

    public init(_ configuration: PostgresConnection.Configuration, logger: Logger = Logger(label: "plimsoll.reader")) {
        (client, runner) = Connections.pool(configuration, logger: logger)
        self.configuration = configuration
        self.logger = logger
    }

    deinit { runner.cancel() }

    /// The registry's genesis record, as `registry` holds it.
    /// - Throws: `STORE_MISSING` when the database holds no registry (yet: a replica that has
    ///   not received it), `STORE_IO` when it cannot be read.
    public func genesis() async throws(StoreError) -> Genesis {
        let logger = logger
        // A connection of its own: the first read, made while the pool may still be starting.
        return try await Connections.run("read the genesis record") {
            try await Connections.connection(self.configuration, logger: logger) { connection in
                try await Connections.genesis(connection, logger)
            }
        }
    }

    /// The latest committed height.
    public func latestHeight() async throws(StoreError) -> Height {
        try await Connections.latestHeight(client, logger)
    }

    /// The blocks from `height` on, in order, with their entries decoded: at most
    /// `blocksPerRead`, and no more blocks once `entriesPerRead` entries are read (at least one
    /// block). Empty when the log ends before `height`.
    /// - Throws: `STORE_CORRUPT` when a header or an entry does not decode or a leaf is
    ///   missing, `STORE_IO` when the database fails.
    public func blocks(from height: Height) async throws(StoreError) -> [(header: SignedBlockHeader, entries: [Entry])]
    {
        let logger = logger
        let start = try PostgresWriter.int(height)
        return try await Connections.run("read the log from block \(height)") {
            try await self.client.withConnection { connection in
                var headers = try await PostgresStore.blocks(from: start, connection, logger)
                headers = Array(headers.prefix(Self.blocksPerRead))
                var total = 0
                var kept = 0
                for signed in headers {
                    if kept > 0 && total + Int(signed.header.entryCount) > Self.entriesPerRead { break }
                    total += Int(signed.header.entryCount)
                    kept += 1
                }
                headers = Array(headers.prefix(kept))
                guard let first = headers.first, let last = headers.last else { return [] }
                let from = try PostgresWriter.int(first.header.logSize - UInt64(first.header.entryCount))
                let to = try PostgresWriter.int(last.header.logSize)
                let rows = try await connection.query(
                    "SELECT leaf_index, bytes FROM entries WHERE leaf_index >= \(from) AND leaf_index < \(to) ORDER BY leaf_index",
                    logger: logger)
                var entries: [Entry] = []
                entries.reserveCapacity(Int(to - from))
                for try await (leaf, bytes) in rows.decode((Int64, ByteBuffer).self) {
                    guard leaf == from + Int64(entries.count) else {
                        throw StoreError(.corrupt, table: "entries", "leaf \(from + Int64(entries.count)) is missing")
                    }
                    do { entries.append(try Entry(bytes: Array(buffer: bytes), keys: .shared)) } catch {
                        throw StoreError(.corrupt, table: "entries", "leaf \(leaf) does not decode: \(error)")
                    }
                }
                guard entries.count == Int(to - from) else {
                    throw StoreError(
                        .corrupt, table: "entries", "blocks \(first.header.height)...\(last.header.height) miss leaves")
                }
                var page: [(header: SignedBlockHeader, entries: [Entry])] = []
                var offset = 0
                for signed in headers {
                    let count = Int(signed.header.entryCount)
                    page.append((signed, Array(entries[offset..<offset + count])))
                    offset += count
                }
                return page
            }
        }
    }

    /// Audited rejections recorded after `seq` (the audit table's own order), at most `limit`.
    public func rejections(
        after seq: Int64, limit: Int = 10_000
    ) async throws(StoreError) -> [(
        seq: Int64, rejected: CommittedBlock.Rejected, decidedAtMs: TimestampMs
    )] {
        let logger = logger
        return try await Connections.run("read the rejections after \(seq)") {
            let rows = try await self.client.query(
                """
                SELECT seq, entry_id, kind, code, message, decided_at_ms FROM rejections WHERE seq > \(seq)
                ORDER BY seq LIMIT \(Int64(limit))
                """, logger: logger)
            var found: [(seq: Int64, rejected: CommittedBlock.Rejected, decidedAtMs: TimestampMs)] = []
            for try await (seq, id, kind, code, message, at) in rows.decode(
                (Int64, ByteBuffer, String, String, String, Int64).self)
            {
                guard let reason = ReasonCode(rawValue: code) else {
                    throw StoreError(.corrupt, table: "rejections", "unknown reason code \(code)")
                }
                let rejection = Rejection(reason, message)
                found.append(
                    (
                        seq, CommittedBlock.Rejected(id: try PostgresStore.hash(id), kind: kind, rejection: rejection),
                        UInt64(max(0, at))
                    ))
            }
            return found
        }
    }
}
