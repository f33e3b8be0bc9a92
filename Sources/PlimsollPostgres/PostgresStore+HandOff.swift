import Foundation
import Logging
import NIOCore
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement
public import PlimsollStore
import PostgresNIO

/// Transfers accepted by a node that is not the sequencer travel to the sequencer through the
/// database (issue 17): the accepting node inserts them into `intake` in one committed statement,
/// the sequencer's `HandOffRelay` settles them in the order they arrived, and the accepting node
/// reads the outcome back: a receipt from `entries` (what is in the log is durable, whoever wrote
/// it) or the refusal the sequencer recorded on the intake row.
///
/// Through the database rather than node to node because it needs nothing more to survive the
/// sequencer's death: what a node accepted stays in `intake` until a sequencer decides it, and a
/// new sequencer picks up where the old one stopped. A transfer handed over twice (a holder
/// retrying on another node) is one row (`entry_id` is unique).
extension PostgresStore {
    /// The most transfers waiting in `intake` before `handOff` refuses more: what a sequencer
    /// settles in a few seconds.
    public static let handOffBound = 65_536
    /// How long a decided refusal stays on its intake row for the accepting node to read.
    public static let refusalKeptMs: UInt64 = 600_000
    /// Ids per statement that looks entries up by id.
    static let idsPerStatement = 1000

    /// Hands transfers this node accepted (signatures checked) to the sequencer: durable in
    /// `intake` when this returns. A transfer handed over before is not added twice; one refused
    /// before is put back to be decided again (the holder retries it, perhaps after the cause
    /// went away).
    /// - Throws: `StoreError` `STORE_RANGE` when `intake` already holds `handOffBound` rows,
    ///   waiting or decided (the caller answers 503 and the holder retries), `STORE_IO` when the
    ///   database fails.
    public func handOff(_ transfers: [SignedTransfer], node: String) async throws(StoreError) {
        try await handOff(entries: transfers.map(Entry.transfer), node: node)
    }

    /// Hands entries over, transfers and registrar entries signed on the registrar's machine
    /// alike; the sequencer settles them in the order they were handed over.
    public func handOff(entries handed: [Entry], node: String) async throws(StoreError) {
        let transfers = handed
        guard !transfers.isEmpty else { return }
        let logger = logger
        let now = try PostgresWriter.int(Settlement.wallClockMs())
        let held = try await intakeRows()
        guard held + transfers.count <= Self.handOffBound else {
            throw StoreError(
                .outOfRange, "\(held) transfers are in the intake already (at most \(Self.handOffBound))")
        }
        // One row per id: an upsert must not meet the same key twice in one statement.
        var seen: Set<Hash32> = []
        let entries = handed.filter { seen.insert($0.id).inserted }
        try await Connections.run("hand \(transfers.count) entries to the sequencer") {
            try await self.client.withConnection { connection in
                let rows: [[any PostgresDynamicTypeEncodable]] = entries.map { entry in
                    [PostgresWriter.bytes(entry.id.bytes), PostgresWriter.bytes(entry.bytes), node, now]
                }
                try await PostgresWriter.insert(
                    "INSERT INTO intake (entry_id, bytes, node, accepted_at_ms)", columns: 4, rows: rows,
                    suffix: """
                        ON CONFLICT (entry_id) DO UPDATE SET code = NULL, message = NULL, decided_at_ms = NULL,
                            accepted_at_ms = EXCLUDED.accepted_at_ms WHERE intake.code IS NOT NULL
                        """, connection, logger)
            }
        }
    }

    /// Whether the entry waits in `intake` for a sequencer's decision.
    public func isWaitingHandOff(_ id: Hash32) async throws(StoreError) -> Bool {
        let logger = logger
        return try await Connections.run("look a transfer up in the intake") {
            let rows = try await self.client.query(
                "SELECT count(*)::BIGINT FROM intake WHERE code IS NULL AND entry_id = \(PostgresWriter.bytes(id.bytes))",
                logger: logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return count > 0
        }
    }

    /// Rows in `intake`, waiting or decided: what `handOffBound` bounds.
    func intakeRows() async throws(StoreError) -> Int {
        try await count("SELECT count(*)::BIGINT FROM intake", "count the intake")
    }

    /// How many transfers handed over wait for a sequencer's decision.
    public func handOffsWaiting() async throws(StoreError) -> Int {
        try await count("SELECT count(*)::BIGINT FROM intake WHERE code IS NULL", "count the transfers handed over")
    }

    private func count(_ sql: String, _ what: String) async throws(StoreError) -> Int {
        let logger = logger
        return try await Connections.run(what) {
            let rows = try await self.client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return Int(count)
        }
    }

    /// What is known of each id: settled (in the log) or refused by the sequencer; an id missing
    /// from the answer is still waiting. Refusals are read first: a sequencer records a refusal
    /// only after the blocks before it are durable, so a transfer that settled meanwhile (and was
    /// refused as a duplicate later) is found settled by the second read, which wins.
    public func handOffOutcomes(_ ids: [Hash32]) async throws(StoreError) -> [Hash32: Outcome] {
        let logger = logger
        return try await Connections.run("read the outcomes of \(ids.count) transfers") {
            var found: [Hash32: Outcome] = [:]
            for (list, binds) in Self.idLists(ids) {
                let refused = try await self.client.query(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT entry_id, code, message FROM intake WHERE code IS NOT NULL AND entry_id IN (\(list))",
                        binds: binds), logger: logger)
                for try await (id, code, message) in refused.decode((ByteBuffer, String, String).self) {
                    let id = try Self.hash(id)
                    guard let reason = ReasonCode(rawValue: code) else {
                        throw PostgresStoreFailure("intake holds an unknown reason code \(code)")
                    }
                    found[id] = .rejected(id: id, Rejection(reason, message))
                }
            }
            for receipt in try await self.receipts(ids, logger) { found[receipt.id] = .settled(receipt) }
            return found
        }
    }

    /// The receipts of those of `ids` the log holds: what is durable, whoever wrote it.
    func receipts(of ids: [Hash32]) async throws(StoreError) -> [Receipt] {
        let logger = logger
        return try await Connections.run("look \(ids.count) transfers up in the log") {
            try await self.receipts(ids, logger)
        }
    }

    private func receipts(_ ids: [Hash32], _ logger: Logger) async throws -> [Receipt] {
        var receipts: [Receipt] = []
        for (list, binds) in Self.idLists(ids) {
            let settled = try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT e.entry_id, e.height, e.leaf_index, b.log_size FROM entries e
                        JOIN blocks b ON b.height = e.height WHERE e.entry_id IN (\(list))
                        """, binds: binds), logger: logger)
            for try await (id, height, leaf, size) in settled.decode((ByteBuffer, Int64, Int64, Int64).self) {
                receipts.append(
                    Receipt(
                        id: try Self.hash(id), height: UInt64(height), leafIndex: UInt64(leaf), logSize: UInt64(size)))
            }
        }
        return receipts
    }

    /// Waits until every id has an outcome or `timeout` has passed, reading every `pollEvery`;
    /// the ids still waiting then are missing from the answer (the caller answers "pending": the
    /// transfer stays handed over and may settle later).
    public func awaitHandOffOutcomes(
        _ ids: [Hash32], timeout: Duration, pollEvery: Duration = .milliseconds(10)
    ) async throws -> [Hash32: Outcome] {
        let deadline = ContinuousClock.now + timeout
        var known: [Hash32: Outcome] = [:]
        var waiting = ids
        while true {
            known.merge(try await handOffOutcomes(waiting)) { _, new in new }
            waiting = waiting.filter { known[$0] == nil }
            if waiting.isEmpty || ContinuousClock.now >= deadline { return known }
            try await Task.sleep(for: pollEvery)
        }
    }

    /// The oldest transfers waiting for a sequencer, in the order they were handed over.
    func waitingHandOffs(limit: Int) async throws(StoreError) -> [(id: Hash32, bytes: [UInt8])] {
        let logger = logger
        return try await Connections.run("read the transfers handed over") {
            let rows = try await self.client.query(
                "SELECT entry_id, bytes FROM intake WHERE code IS NULL ORDER BY seq LIMIT \(Int64(limit))",
                logger: logger)
            var waiting: [(id: Hash32, bytes: [UInt8])] = []
            for try await (id, bytes) in rows.decode((ByteBuffer, ByteBuffer).self) {
                waiting.append((try Self.hash(id), Array(buffer: bytes)))
            }
            return waiting
        }
    }

    /// Records what the sequencer decided on the intake: rows of transfers the log already holds
    /// go (a settled transfer's row goes with its block, in `commit`), refusals stay for the accepting node to read, and refusals older
    /// than `refusalKeptMs` are swept. Fenced like every write: a deposed sequencer cannot
    /// decide anything.
    func settleHandOffs(
        done: [Hash32], refused: [(id: Hash32, rejection: Rejection)], nowMs: TimestampMs
    ) async throws(StoreError) {
        let now = try PostgresWriter.int(nowMs)
        let oldest = now - Int64(Self.refusalKeptMs)
        try await write("decide \(done.count + refused.count) transfers handed over") { transaction, logger in
            for (list, binds) in Self.idLists(done) {
                try await transaction.query(
                    PostgresQuery(unsafeSQL: "DELETE FROM intake WHERE entry_id IN (\(list))", binds: binds),
                    logger: logger)
            }
            try await PostgresWriter.insert(
                "UPDATE intake AS i SET code = v.code, message = v.message, decided_at_ms = v.at FROM (",
                columns: 4,
                rows: refused.map {
                    [PostgresWriter.bytes($0.id.bytes), $0.rejection.code.rawValue, $0.rejection.message, now]
                },
                suffix: ") AS v(entry_id, code, message, at) WHERE i.entry_id = v.entry_id", transaction, logger)
            try await transaction.query(
                "DELETE FROM intake WHERE code IS NOT NULL AND decided_at_ms < \(oldest)", logger: logger)
        }
    }

    /// The ids in statements' worth (`idsPerStatement`): each `$1, $2, …` and the ids bound to it.
    static func idLists(_ ids: [Hash32]) -> [(list: String, binds: PostgresBindings)] {
        stride(from: 0, to: ids.count, by: idsPerStatement).map { start in
            let chunk = ids[start..<min(ids.count, start + idsPerStatement)]
            var binds = PostgresBindings(capacity: chunk.count)
            for id in chunk { binds.append(PostgresWriter.bytes(id.bytes)) }
            return ((1...chunk.count).map { "$\($0)" }.joined(separator: ", "), binds)
        }
    }

    static func hash(_ buffer: ByteBuffer) throws -> Hash32 {
        do { return try Hash32(bytes: Array(buffer: buffer)) } catch {
            throw PostgresStoreFailure("an entry id is \(buffer.readableBytes) bytes, not 32")
        }
    }
}
