import CSQLiteFaultVFS
import CSQLiteWALBuffer
import Foundation
import GRDBSQLite
import PlimsollTesting
import Testing

/// The WAL write buffer over a disk that fills up: a VFS under it fails WAL writes from a random
/// point of a transaction on (`CSQLiteFaultVFS`). Two writer connections take turns, a third
/// reads and checkpoints, under a cache of eight pages (frames written before the commit and
/// rewritten in place), with and without power-safe overwrite (without it SQLite pads a commit
/// to the sector, splitting a frame at the sync). After every transaction, whatever SQLite said
/// was committed, and nothing else, is what a reader sees and what recovery finds in a copy of
/// the files as the kernel holds them. A failing case names its seed.
@Suite(.tags(.slow), .timeLimit(.minutes(10)), .serialized)
struct WALWriteBufferFaultTests {
    static let vfsName = "plimsoll-test-walbuffer"
    static let registered: Int32 = {
        let fault = plimsoll_fault_vfs_register("plimsoll-test-fault")
        guard fault == SQLITE_OK else { return fault }
        return plimsoll_wal_buffer_register("plimsoll-test-fault", vfsName)
    }()

    struct Row: Equatable {
        let tag: Int64
        let length: Int64
    }

    final class Connection {
        var db: OpaquePointer?

        init(path: String, vfs: String?, powerSafe: Bool) throws {
            let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs)
            guard rc == SQLITE_OK else { throw SetupError("open \(path): \(rc)") }
            sqlite3_busy_timeout(db, 5_000)
            if !powerSafe {
                var off: Int32 = 0
                sqlite3_file_control(db, "main", SQLITE_FCNTL_POWERSAFE_OVERWRITE, &off)
            }
        }

        deinit { sqlite3_close_v2(db) }

        @discardableResult func exec(_ sql: String) -> Int32 { sqlite3_exec(db, sql, nil, nil, nil) }

        func text(_ sql: String) -> String? {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
            defer { sqlite3_finalize(statement) }
            guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else {
                return nil
            }
            return String(cString: text)
        }

        /// Every row, or nil when SQLite cannot read the table.
        func rows() -> [Int64: Row]? {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, "SELECT id, tag, length(v) FROM t", -1, &statement, nil) == SQLITE_OK else {
                return nil
            }
            defer { sqlite3_finalize(statement) }
            var rows: [Int64: Row] = [:]
            while true {
                let rc = sqlite3_step(statement)
                if rc == SQLITE_DONE { return rows }
                guard rc == SQLITE_ROW else { return nil }
                rows[sqlite3_column_int64(statement, 0)] = Row(
                    tag: sqlite3_column_int64(statement, 1), length: sqlite3_column_int64(statement, 2))
            }
        }
    }

    @Test(arguments: [
        ("FULL", true, UInt64(21)), ("FULL", false, 22), ("NORMAL", true, 23), ("NORMAL", false, 24),
        ("OFF", true, 25),
    ])
    func whatSQLiteCommittedIsWhatReadersAndRecoverySee(synchronous: String, powerSafe: Bool, seed: UInt64) throws {
        #expect(Self.registered == SQLITE_OK)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-walfault-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        defer { plimsoll_fault_vfs_fail_wal_writes_after(-1) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let writers = try (0..<2).map { _ in try Connection(path: path, vfs: Self.vfsName, powerSafe: powerSafe) }
        #expect(
            writers[0].exec(
                "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, tag INTEGER NOT NULL, v BLOB NOT NULL CHECK (length(v) > 0))"
            )
                == SQLITE_OK)
        for writer in writers { writer.exec("PRAGMA synchronous=\(synchronous); PRAGMA cache_size=8") }
        let reader = try Connection(path: path, vfs: Self.vfsName, powerSafe: powerSafe)
        var rng = SplitMix64(seed: seed)
        var model: [Int64: Row] = [:]
        var nextID: Int64 = 1
        var failures = 0
        var commits = 0
        for step in 0..<60 {
            let context = "seed \(seed), synchronous=\(synchronous), power-safe \(powerSafe), step \(step)"
            let writer = writers[Int(rng.next() % 2)]
            if rng.next() % 10 < 4 { plimsoll_fault_vfs_fail_wal_writes_after(Int64(rng.next() % 40)) }
            var changed = model
            var failed = writer.exec("BEGIN") != SQLITE_OK
            let operations = rng.next() % 4 == 0 ? 200 + Int(rng.next() % 300) : 1 + Int(rng.next() % 30)
            for _ in 0..<operations where !failed {
                let choice = rng.next() % 10
                let tag = Int64(bitPattern: rng.next() >> 1)
                let length = Int64(16 + rng.next() % 1_500)
                let sql: String
                var touched: [Int64]
                if choice < 5 || changed.isEmpty {
                    touched = [nextID]
                    nextID += 1
                    sql = "INSERT INTO t VALUES (\(touched[0]), \(tag), zeroblob(\(length)))"
                } else {
                    let ids = changed.keys.sorted()
                    // Up to five rows in one statement, which may fail halfway (the CHECK): SQLite
                    // keeps a statement journal and, on a full disk, undoes only the statement.
                    let count = choice < 7 ? 1 : 1 + Int(rng.next() % 5)
                    touched = (0..<count).map { _ in ids[Int(rng.next() % UInt64(ids.count))] }
                    let list = touched.map(String.init).joined(separator: ", ")
                    sql =
                        choice < 9
                        ? "UPDATE t SET tag = \(tag), v = zeroblob(\(length)) WHERE id IN (\(list))"
                        : "DELETE FROM t WHERE id IN (\(list))"
                }
                guard writer.exec(sql) == SQLITE_OK else {
                    failures += 1
                    // SQLite may undo only the statement and keep the transaction open, and an
                    // application would then go on with it, the disk having room again; or it
                    // rolled the transaction back.
                    failed = sqlite3_get_autocommit(writer.db) != 0
                    if !failed { plimsoll_fault_vfs_fail_wal_writes_after(-1) }
                    continue
                }
                for id in touched { changed[id] = sql.hasPrefix("DELETE") ? nil : Row(tag: tag, length: length) }
            }
            var committed = false
            if !failed && rng.next() % 8 != 0 {
                committed = writer.exec("COMMIT") == SQLITE_OK
                failed = !committed
            }
            if !committed { writer.exec("ROLLBACK") }
            plimsoll_fault_vfs_fail_wal_writes_after(-1)
            if failed { failures += 1 }
            if committed {
                model = changed
                commits += 1
            }
            if step % 7 == 6 {
                let mode = ["PASSIVE", "RESTART", "TRUNCATE"][Int(rng.next() % 3)]
                reader.exec("PRAGMA wal_checkpoint(\(mode))")
            }
            #expect(reader.text("PRAGMA quick_check") == "ok", "reader's check, \(context)")
            #expect(reader.rows() == model, "reader, \(context)")
            #expect(try Self.recovered(path, step: step, in: folder) == model, "recovery, \(context)")
        }
        #expect(
            failures >= 5 && commits >= 20, "seed \(seed): \(failures) failed and \(commits) committed transactions")
    }

    /// Copies the database and its WAL (not the wal-index: SQLite recovers from the WAL, checking
    /// every frame's checksum) and reads the copy through the default VFS.
    static func recovered(_ path: String, step: Int, in folder: URL) throws -> [Int64: Row]? {
        let copy = folder.appendingPathComponent("recovered-\(step).sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        if FileManager.default.fileExists(atPath: path + "-wal") {
            try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
        let connection = try Connection(path: copy, vfs: nil, powerSafe: true)
        guard connection.text("PRAGMA quick_check") == "ok" else { return nil }
        return connection.rows()
    }
}
