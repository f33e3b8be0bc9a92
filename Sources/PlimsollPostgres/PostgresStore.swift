public import Foundation
import Logging
import NIOCore
import NIOPosix
public import PlimsollCore
import PlimsollCrypto
public import PlimsollStore
public import PostgresNIO
import Synchronization

/// The registry on PostgreSQL (postgres-nio), behind the same `SettlementStore` protocol as the
/// embedded SQLite store: a registry that outgrows one machine lives in the database its
/// operators already run and replicate (issue 17; DESIGN.md's direction).
///
/// Tables mirror the SQLite layout (Docs/ledger.md), created by versioned migrations
/// (`PostgresMigrations`). A block is one transaction, committed with `synchronous_commit = on`:
/// when `commit` returns, the block is durable. `blocks.height` is the primary key, so no two
/// blocks can ever claim one height, whoever writes them.
///
/// Several nodes may open one registry; only the holder of the sequencer lease (`SequencerLease`,
/// a PostgreSQL advisory lock) writes, and it writes on the lease's own session. `open` takes the
/// lease or fails with `STORE_LOCKED`; a standby opens with `sequencer: false` and waits in
/// `awaitSequencer`. A write without a live lease is refused with `STORE_FENCED`.
///
/// Reads go through a connection pool (`PostgresClient`); the synchronous read settlement needs
/// at start-up and after a failed commit (`loadLedger`) uses a connection of its own through
/// postgres-nio's future API, waited on from the calling thread: the futures complete on NIO's
/// event loops, so the wait never needs a Swift concurrency thread to make progress.
public final class PostgresStore: SettlementStore, @unchecked Sendable {  // Immutable after init.
    public let genesis: Genesis
    let configuration: PostgresConnection.Configuration
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    private let lease = Mutex<SequencerLease?>(nil)
    /// Leases this node has taken, and the one held when the state was last loaded
    /// (`loadLedger`): a settlement whose state was loaded under another lease, or none, is
    /// fenced until it reloads, since another sequencer may have written blocks meanwhile.
    private let epochs = Mutex<(taken: Int, loaded: Int?)>((0, nil))

    private init(genesis: Genesis, configuration: PostgresConnection.Configuration, logger: Logger) {
        self.genesis = genesis
        self.configuration = configuration
        self.logger = logger
        (client, runner) = Connections.pool(configuration, logger: logger)
    }

    deinit {
        runner.cancel()
        // The lease's session ends with the store: another node may take over at once.
        // The closure keeps the lease (and its connection) alive until the close completes.
        if let held = lease.withLock({ $0 }) { held.connection.close().whenComplete { _ in _ = held } }
    }

    /// A connection string: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (TLS off: run it
    /// on loopback or a private network, as the database's own clients do).
    /// - Throws: `StoreError` `STORE_MISSING` for anything else.
    public static func configuration(_ url: String) throws(StoreError) -> PostgresConnection.Configuration {
        guard let parts = URLComponents(string: url), ["postgresql", "postgres"].contains(parts.scheme ?? ""),
            let host = parts.host, !host.isEmpty, let user = parts.user, !user.isEmpty
        else {
            throw StoreError(.missing, "a database is postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let database = String(parts.path.dropFirst())
        return PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: database.isEmpty ? nil : database, tls: .disable)
    }

    /// Creates the registry in an empty database: migrations, the genesis record and block 0, in
    /// one transaction.
    /// - Throws: `StoreError` `STORE_EXISTS` when the database already holds a registry.
    public static func create(
        _ configuration: PostgresConnection.Configuration, genesis: Genesis, genesisBlock: CommittedBlock,
        state: LedgerState, logger: Logger = Logger(label: "plimsoll.postgres")
    ) async throws(StoreError) -> PostgresStore {
        try await Connections.run("create the registry") {
            try await Connections.connection(configuration, logger: logger) { connection in
                try await PostgresMigrations.migrate(connection, logger: logger)
                let existing = try await connection.query("SELECT count(*)::BIGINT FROM registry", logger: logger)
                for try await count in existing.decode(Int64.self) where count > 0 {
                    throw StoreError(.exists, "the database already holds a registry")
                }
                try await connection.withTransaction(logger: logger) { connection in
                    try await connection.query(
                        "INSERT INTO registry (id, genesis) VALUES (1, \(ByteBuffer(bytes: genesis.canonicalBytes)))",
                        logger: logger)
                    var dirty = DirtySet()
                    dirty.counters = true
                    try await PostgresWriter.write(
                        genesisBlock, changes: StateChanges(dirty: dirty, state: state), connection, logger)
                }
            }
        }
        let store = PostgresStore(genesis: genesis, configuration: configuration, logger: logger)
        guard try await store.tryBecomeSequencer() else {
            throw StoreError(.locked, "another node already sequences this new registry")
        }
        return store
    }

    /// Opens the registry of a database (migrating it to this version's schema), as its sequencer
    /// or, with `sequencer: false`, as a standby that reads and may later `awaitSequencer`.
    /// - Throws: `StoreError` `STORE_MISSING` when it holds none, `STORE_IO` when unreachable,
    ///   `STORE_LOCKED` when `sequencer` and another node sequences the registry.
    public static func open(
        _ configuration: PostgresConnection.Configuration, sequencer: Bool = true,
        logger: Logger = Logger(label: "plimsoll.postgres")
    ) async throws(StoreError) -> PostgresStore {
        let genesis = try await Connections.run("open the registry") { () async throws -> Genesis in
            try await Connections.connection(configuration, logger: logger) { connection in
                try await PostgresMigrations.migrate(connection, logger: logger)
                return try await Connections.genesis(connection, logger)
            }
        }
        let store = PostgresStore(genesis: genesis, configuration: configuration, logger: logger)
        if sequencer, try await !store.tryBecomeSequencer() {
            throw StoreError(.locked, "another node is the sequencer of this registry")
        }
        return store
    }

    /// Whether this node holds the sequencer lease, as far as it knows (a write finds out for sure).
    public var isSequencer: Bool { lease.withLock { $0?.isOpen ?? false } }

    /// The server process of the session holding this node's lease, for operators (`pg_stat_activity`).
    public var sequencerSessionPID: Int64? { lease.withLock { $0?.backendPID } }

    /// Takes the sequencer lease when no other node holds it. A lease whose session has ended is
    /// dropped first, so a node cut off for a while can become the sequencer again.
    public func tryBecomeSequencer() async throws(StoreError) -> Bool {
        if isSequencer { return true }
        dropLease(ifSame: nil)
        let (configuration, logger, key) = (configuration, logger, SequencerLease.key(genesis.chainID))
        let epoch = epochs.withLock { epochs in
            epochs.taken += 1
            return epochs.taken
        }
        let taken = try await Connections.run("take the sequencer lease") {
            try await SequencerLease.tryAcquire(configuration, key: key, epoch: epoch, logger: logger)
        }
        guard let taken else { return false }
        let kept = lease.withLock { lease in
            guard lease == nil else { return false }
            lease = taken
            return true
        }
        if !kept { await taken.release(logger: logger) }
        return true
    }

    /// Waits until this node is the sequencer, trying every `pollEvery`: a standby takes over
    /// within that of the sequencer's session ending. A database that cannot be reached is tried
    /// again (that is when a standby is needed). Settlement is made after this returns, so it
    /// loads the state from the committed tip.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func awaitSequencer(pollEvery: Duration = .seconds(1)) async throws {
        while true {
            do {
                if try await tryBecomeSequencer() { return }
            } catch {
                logger.warning("cannot reach the database to take the sequencer lease: \(error.description)")
            }
            try await Task.sleep(for: pollEvery)
        }
    }

    /// Gives the sequencer lease up (a clean stop or a hand-over) once the write in flight has
    /// ended; writes are refused after it, and another node can take the lease at once.
    public func releaseSequencer() async {
        let held = lease.withLock { lease in
            defer { lease = nil }
            return lease
        }
        await held?.release(logger: logger)
    }

    /// Drops the lease this node holds when its session has ended (`ifSame` nil) or when it is
    /// the given one (a write found it dead). Either way its session is over (closed, or closing
    /// after a release), so there is nothing left to close.
    private func dropLease(ifSame dead: SequencerLease?) {
        lease.withLock { lease in
            guard let held = lease else { return }
            if let dead, held !== dead { return }
            if dead == nil, held.isOpen { return }
            lease = nil
        }
    }

    /// One write transaction on the lease's session; refused with `STORE_FENCED` without a lease,
    /// when its session has ended (the lease is then dropped: `tryBecomeSequencer` may take it
    /// again once it is free) or, for a write that rests on the loaded state (`fromState`), when
    /// that state was loaded under another lease or none (settlement then reloads it).
    func write(
        _ what: String, fromState: Bool = true,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> Void
    ) async throws(StoreError) {
        guard let held = lease.withLock({ $0 }) else {
            throw StoreError(.fenced, "this node is not the registry's sequencer: cannot \(what)")
        }
        if fromState, epochs.withLock({ $0.loaded }) != held.epoch {
            throw StoreError(
                .fenced, "the state was loaded before this node became the sequencer; reload it: cannot \(what)")
        }
        let logger = logger
        do {
            try await held.write(logger: logger) { transaction in try await body(transaction, logger) }
        } catch {
            if let refusal = Connections.storeError(error) { throw refusal }
            if !held.isOpen {
                dropLease(ifSame: held)
                throw StoreError(
                    .fenced, "the sequencer lease's session ended (another node may sequence now): cannot \(what)")
            }
            throw StoreError(.io, "cannot \(what): \(String(reflecting: error))")
        }
    }

    public func loadLedger() throws(StoreError) -> (state: LedgerState, tip: StoreTip) {
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 2, logger: logger
            ).wait()
        } catch {
            throw StoreError(.io, "cannot reach the database to load the registry: \(error)")
        }
        defer { try? connection.close().wait() }
        // The lease first: a state read after taking it includes everything any sequencer wrote.
        let epoch = lease.withLock { $0?.epoch }
        let loaded = try PostgresLoader.load(connection, genesis: genesis, logger: logger)
        epochs.withLock { $0.loaded = epoch }
        return loaded
    }

    public func commit(_ block: CommittedBlock, changes: StateChanges) async throws(StoreError) {
        try await write("commit block \(block.header.header.height)") { transaction, logger in
            try await PostgresWriter.write(block, changes: changes, transaction, logger)
            // Entries handed over by other nodes leave the intake with the block that holds them:
            // no second transaction per block, and a row is never waiting for what is settled.
            for (list, binds) in Self.idLists(block.entries.map(\.id)) {
                try await transaction.query(
                    PostgresQuery(unsafeSQL: "DELETE FROM intake WHERE entry_id IN (\(list))", binds: binds),
                    logger: logger)
            }
        }
    }

    /// A failed COMMIT may have landed (its answer lost with the connection): no later write
    /// tells.
    public var probeSettlesAFailedCommit: Bool { false }

    public func probeWrite() async throws(StoreError) {
        try await write("probe a write", fromState: false) { transaction, logger in
            try await transaction.query("UPDATE registry SET id = id WHERE id = 1", logger: logger)
        }
    }

    public func recordRejections(
        _ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs
    ) async throws(StoreError) {
        try await write("record \(rejected.count) rejections") { transaction, logger in
            try await PostgresWriter.insertRejections(rejected, decidedAtMs: decidedAtMs, transaction, logger)
        }
    }

    /// The database this store's registry lives in.
    public var databaseName: String? { configuration.database }

    /// The latest height.
    public func latestHeight() async throws(StoreError) -> Height {
        try await Connections.latestHeight(client, logger)
    }
}

/// Connections of their own, and errors made store errors.
enum Connections {
    /// A pool on `configuration` (TLS off: loopback or a private network) and the task that runs it.
    static func pool(
        _ configuration: PostgresConnection.Configuration, logger: Logger
    ) -> (PostgresClient, Task<Void, Never>) {
        let pool = PostgresClient.Configuration(
            host: configuration.host ?? "127.0.0.1", port: configuration.port ?? 5432,
            username: configuration.username, password: configuration.password,
            database: configuration.database, tls: .disable)
        let client = PostgresClient(configuration: pool, backgroundLogger: logger)
        return (client, Task.detached { await client.run() })
    }

    /// The registry's genesis record, as `registry` holds it.
    /// - Throws: `STORE_MISSING` when the database holds no registry, `STORE_CORRUPT` when it
    ///   does not parse.
    static func genesis(_ connection: PostgresConnection, _ logger: Logger) async throws -> Genesis {
        let rows = try await connection.query("SELECT genesis FROM registry WHERE id = 1", logger: logger)
        for try await bytes in rows.decode(ByteBuffer.self) {
            do { return try Genesis(canonicalBytes: Array(buffer: bytes)) } catch {
                throw StoreError(.corrupt, table: "registry", "the genesis record does not parse: \(error)")
            }
        }
        throw StoreError(.missing, "the database holds no registry (plimsoll init --database ...)")
    }

    /// The latest height of the log a pool reads (a primary's or a replica's).
    static func latestHeight(_ client: PostgresClient, _ logger: Logger) async throws(StoreError) -> Height {
        try await run("read the latest height") {
            let rows = try await client.query("SELECT max(height) FROM blocks", logger: logger)
            for try await height in rows.decode(Int64?.self) { return UInt64(max(0, height ?? 0)) }
            return 0
        }
    }

    /// A store error thrown inside a transaction, which postgres-nio hands back wrapped.
    static func storeError(_ error: any Error) -> StoreError? {
        if let error = error as? StoreError { return error }
        return (error as? PostgresTransactionError)?.closureError as? StoreError
    }

    static func run<T: Sendable>(_ what: String, _ work: () async throws -> T) async throws(StoreError) -> T {
        do { return try await work() } catch {
            if let refusal = storeError(error) { throw refusal }
            throw StoreError(.io, "cannot \(what): \(String(reflecting: error))")
        }
    }

    /// A connection of its own for the duration of `body`.
    static func connection<T: Sendable>(
        _ configuration: PostgresConnection.Configuration, logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Administration of databases on a server, for operators' scripts and tests: create and drop a
/// database, run one statement.
public enum PostgresAdmin {
    /// Runs one SQL statement (no parameters) on `configuration`'s database.
    public static func execute(_ sql: String, on configuration: PostgresConnection.Configuration) async throws {
        let logger = Logger(label: "plimsoll.postgres")
        try await Connections.connection(configuration, logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// `configuration` pointed at another database of the same server.
    public static func database(
        _ name: String, of configuration: PostgresConnection.Configuration
    )
        -> PostgresConnection.Configuration
    {
        var copy = configuration
        copy.database = name
        return copy
    }
}
