public import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

#if canImport(Glibc)
import Glibc
#endif

/// The registry's SQLite database: WAL, `synchronous=FULL`, foreign keys on (DESIGN.md: Storage).
///
/// One writer (the committer) and a pool of readers. Only this module knows SQL.
public final class SQLiteStore: Sendable {
    /// File name of the database inside a registry folder.
    public static let fileName = "registry.sqlite"
    /// `entry_ids` groups ids by epochs of 2^16 leaves (65,536 entries, about 700 pages of its
    /// b-tree): the part a block writes into stays that small however long the log grows
    /// (migration v8). A lookup by id pays one probe per epoch.
    public static let entryIDEpochBits: UInt64 = 16

    /// The epoch of `entry_ids` a leaf's id is kept in (migration v8 computes the same in SQL).
    public static func entryIDEpoch(ofLeaf leaf: UInt64) -> UInt64 { leaf >> entryIDEpochBits }

    /// The pool with the checkpointer its writer's WAL hook points at, held together so the hook
    /// never outlives it.
    private let opened: OpenedPool
    var pool: DatabasePool { opened.pool }
    /// Checkpoints the pool's WAL off the commit path.
    var checkpointer: WALCheckpointer { opened.checkpointer }
    public let genesis: Genesis
    /// The descriptor holding the registry's one-writer lock, for a store opened to write.
    private let writerLock: Int32?
    /// The read transaction every read of this store uses, for a store made by `withSnapshot`
    /// (only ever used inside that call, on its thread).
    nonisolated(unsafe) private let pinned: Database?

    /// A pool and the checkpointer its writer's WAL hook points at: never one without the other.
    struct OpenedPool {
        let pool: DatabasePool
        let checkpointer: WALCheckpointer
    }

    private init(_ opened: OpenedPool, genesis: Genesis, writerLock: Int32? = nil, pinned: Database? = nil) {
        self.opened = opened
        self.genesis = genesis
        self.writerLock = writerLock
        self.pinned = pinned
    }

    /// Every read goes through here: the snapshot's transaction when there is one, else a
    /// read transaction of its own on the reader pool.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if let pinned { return try body(pinned) }
        return try pool.read(body)
    }

    /// Runs `body` against one consistent snapshot of the registry: every read it makes, through
    /// the store it is given, sees the same committed state whatever the writer commits meanwhile
    /// (one read transaction, WAL mode). The store given must not outlive the call.
    public func withSnapshot<T>(_ body: (SQLiteStore) throws -> T) throws -> T {
        if pinned != nil { return try body(self) }
        return try pool.read { db in try body(SQLiteStore(opened, genesis: genesis, pinned: db)) }
    }

    deinit {
        if let writerLock { close(writerLock) }
    }

    /// Name of the lock file beside the database.
    public static let lockFileName = "registry.lock"

    /// Opens a registry database to write it: first takes the registry's one-writer lock
    /// (`flock` on `registry.lock` beside the database), held for the store's life, so a second
    /// writer gets a clear error instead of a forked log. Readers use `open(at:)` and need no lock.
    /// - Throws: `StoreError.locked` when another process writes this registry; else as `open(at:)`.
    public static func openWriter(at url: URL) throws(StoreError) -> SQLiteStore {
        let lockPath = url.deletingLastPathComponent().appendingPathComponent(lockFileName).path
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else {
            throw StoreError(.io, "cannot open the lock file \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(.locked, "registry \(url.deletingLastPathComponent().path) is in use by another process")
        }
        do {
            let store = try open(at: url)
            return SQLiteStore(store.opened, genesis: store.genesis, writerLock: fd)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Opens the pool and makes its one writer connection durable.
    ///
    /// GRDB sets `synchronous=NORMAL` when it turns WAL on, after `prepareDatabase`; NORMAL may
    /// lose the last commits on power loss, and a submitter told "settled" must never lose its
    /// transfer, so the writer is set back to FULL here, once, for its whole life. Its WAL is
    /// checkpointed by `WALCheckpointer`, in the background below 16,384 frames.
    static func openPool(_ url: URL) throws -> OpenedPool {
        try WALWriteBuffer.install()
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        let pool = try DatabasePool(path: url.path, configuration: config)
        let checkpointer = WALCheckpointer(path: url.path)
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A block rewrites pages all over the balance and index b-trees: keep them cached
            // (bounded, 64 MiB).
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // A statement that may fail halfway (a multi-row insert under a CHECK or a foreign
            // key) keeps the prior content of every page it changes in a statement journal. Past
            // 64 KiB SQLite spills that journal to a temporary file, and a block's inserts went
            // past it: a second file written page by page at every commit, beside the WAL, about
            // as many write calls as the WAL's own at 64 connections (issue 13). In memory it is
            // bounded by the pages one statement changes, a few MiB for the largest block.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            checkpointer.install(on: db)
        }
        return OpenedPool(pool: pool, checkpointer: checkpointer)
    }

    /// Creates a new registry database holding `genesis` and its block 0, in one transaction.
    /// - Throws: `StoreError.exists` when the file is already there.
    public static func create(
        at url: URL, genesis: Genesis, genesisBlock: CommittedBlock, state: LedgerState
    ) throws(StoreError) -> SQLiteStore {
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw StoreError(.exists, "a registry already exists at \(url.path)")
        }
        do {
            try createPrivateFile(url)
            let opened = try openPool(url)
            try Migrations.migrator.migrate(opened.pool)
            let store = SQLiteStore(opened, genesis: genesis)
            try opened.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO registry (id, genesis, chain_id) VALUES (1, ?, ?)",
                    arguments: [Data(genesis.canonicalBytes), Data(genesis.chainID.bytes)]
                )
                var dirty = DirtySet()
                dirty.counters = true
                try store.write(genesisBlock, changes: StateChanges(dirty: dirty, state: state), db)
            }
            return store
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.io, "cannot create registry database: \(error)")
        }
    }

    /// Creates an empty file readable by its owner only. SQLite gives the WAL and shm files the
    /// mode of the database file, so one private file keeps all three private (DESIGN.md: Security).
    static func createPrivateFile(_ url: URL) throws {
        let fd = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw StoreError(.io, "cannot create \(url.path): \(String(cString: strerror(errno)))") }
        close(fd)
    }

    /// Opens an existing registry database and checks its genesis record against its chain_id.
    /// - Throws: `StoreError.missing` or `.corrupt`.
    public static func open(at url: URL) throws(StoreError) -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw StoreError(.missing, "no registry database at \(url.path)")
        }
        let opened: OpenedPool
        let row: Row?
        do {
            opened = try openPool(url)
            try Migrations.migrator.migrate(opened.pool)
            row = try opened.pool.read {
                try Row.fetchOne($0, sql: "SELECT genesis, chain_id FROM registry WHERE id = 1")
            }
        } catch {
            throw StoreError(.io, "cannot open registry database (table registry, or the schema): \(error)")
        }
        guard let row, let bytes = row["genesis"] as Data?, let chainID = row["chain_id"] as Data? else {
            throw StoreError(.corrupt, table: "registry", "no genesis record")
        }
        let genesis: Genesis
        do { genesis = try Genesis(canonicalBytes: Array(bytes)) } catch {
            throw StoreError(.corrupt, table: "registry", "the genesis record does not parse: \(error)")
        }
        guard genesis.chainID.bytes == Array(chainID) else {
            throw StoreError(.corrupt, table: "registry", "the genesis record does not hash to the stored chain_id")
        }
        return SQLiteStore(opened, genesis: genesis)
    }

    /// The writer's SQLite journal mode, synchronous level and temp store (2: memory) in force,
    /// for checks and diagnostics.
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int, tempStore: Int) {
        try pool.write { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            let temp = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? -1
            return (mode, sync, temp)
        }
    }
}

extension SQLiteStore {
    /// Makes the writer refuse every write (`PRAGMA query_only`) until called with false, so
    /// that commits fail as they do on a full disk or an I/O error. Tests use it, through
    /// `@testable import`, to pin what settlement and the API do while commits fail.
    func failWritesForTesting(_ failing: Bool) async throws {
        try await pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA query_only = \(failing ? 1 : 0)")
        }
    }
}
