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
/// to the sector, splitting a frame at the sync), pages of 512 to 4,096 bytes, and rows that
/// overflow a page. After every transaction, whatever SQLite said
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

    /// A fresh folder for one test's files.
    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-walbuf-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    struct Row: Equatable {
        let tag: Int64
        let length: Int64
    }

    final class Connection {
        var db: OpaquePointer?

        /// Not power-safe: SQLite pads each commit to the sector, and splits the frame that
        /// crosses the sync point in two writes around a sync (the `psow` URI parameter reaches
        /// the WAL file too).
        init(path: String, vfs: String?, powerSafe: Bool) throws {
            let uri = "file:\(path)?psow=\(powerSafe ? 1 : 0)"
            let rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, vfs)
            guard rc == SQLITE_OK else { throw SetupError("open \(uri): \(rc)") }
            sqlite3_busy_timeout(db, 300)
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
        ("FULL", true, 4_096, UInt64(21)), ("FULL", false, 1_024, 22), ("FULL", false, 4_096, 26),
        ("NORMAL", true, 1_024, 23), ("NORMAL", false, 512, 24), ("OFF", true, 4_096, 25),
    ])
    func whatSQLiteCommittedIsWhatReadersAndRecoverySee(
        synchronous: String, powerSafe: Bool, pageSize: Int, seed: UInt64
    ) throws {
        #expect(Self.registered == SQLITE_OK)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        defer { plimsoll_fault_vfs_fail_wal_writes_after(-1) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let writers = try (0..<2).map { _ in try Connection(path: path, vfs: Self.vfsName, powerSafe: powerSafe) }
        writers[0].exec("PRAGMA page_size=\(pageSize)")
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
        var limbo: [Int64: Row]?
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
                // Now and then past a page: an overflow page may be the last one written.
                let length = Int64(rng.next() % 10 == 0 ? 4_000 + rng.next() % 4_000 : 16 + rng.next() % 1_500)
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
                // A write that fails after the commit frame is on the file (a padding frame, the
                // sync) fails the COMMIT, yet recovery from the file as it is then finds the
                // transaction: SQLite's own behaviour, with or without the buffer, until the
                // next commit writes over those frames.
                if failed { limbo = changed }
            }
            if !committed { writer.exec("ROLLBACK") }
            plimsoll_fault_vfs_fail_wal_writes_after(-1)
            if failed { failures += 1 }
            if committed {
                model = changed
                limbo = nil
                commits += 1
            }
            if step % 7 == 6 {
                let mode = ["PASSIVE", "RESTART", "TRUNCATE"][Int(rng.next() % 3)]
                reader.exec("PRAGMA wal_checkpoint(\(mode))")
            }
            #expect(
                reader.text("PRAGMA quick_check") == "ok",
                "reader's check, \(context): \(String(cString: sqlite3_errmsg(reader.db)))")
            #expect(reader.rows() == model, "reader, \(context)")
            let recovered = try Self.recovered(path, step: step, in: folder)
            #expect(recovered == model || (limbo != nil && recovered == limbo), "recovery, \(context)")
        }
        #expect(
            failures >= 5 && commits >= 20, "seed \(seed): \(failures) failed and \(commits) committed transactions")
    }

    /// A transaction rolled back in exclusive locking mode (where SQLite takes no shared-memory
    /// lock, so the write lock's release is never heard) leaves its spilled frames behind; once
    /// the connection is back to normal and another one commits over the same offsets, those
    /// frames must never reach the file.
    @Test func framesOfARollbackInExclusiveModeNeverOverwriteAnotherCommit() throws {
        #expect(Self.registered == SQLITE_OK)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let first = try Connection(path: path, vfs: Self.vfsName, powerSafe: true)
        #expect(first.exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0") == SQLITE_OK)
        #expect(
            first.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, tag INTEGER NOT NULL, v BLOB NOT NULL)") == SQLITE_OK)
        let fill = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) "
        #expect(first.exec(fill + "INSERT INTO t SELECT x, 1, zeroblob(200) FROM c") == SQLITE_OK)
        #expect(first.exec("PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK)
        #expect(first.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=5") == SQLITE_OK)
        #expect(first.exec("BEGIN; UPDATE t SET tag = 2, v = zeroblob(300) WHERE id <= 1500") == SQLITE_OK)
        #expect(first.exec("ROLLBACK") == SQLITE_OK)
        #expect(first.exec("PRAGMA locking_mode=NORMAL; PRAGMA cache_size=2000") == SQLITE_OK)
        #expect(first.text("SELECT count(*) FROM t WHERE id = 1") == "1")
        let second = try Connection(path: path, vfs: nil, powerSafe: true)
        #expect(second.exec("PRAGMA wal_autocheckpoint=0; UPDATE t SET tag = 3 WHERE id <= 2000") == SQLITE_OK)
        // The first connection reads the WAL again (its stale frames, if kept, would go out now).
        #expect(first.text("SELECT count(*) FROM t WHERE tag = 3") == "2000")
        let expected = Dictionary(uniqueKeysWithValues: (1...2_000).map { (Int64($0), Row(tag: 3, length: 200)) })
        let reader = try Connection(path: path, vfs: nil, powerSafe: true)
        #expect(reader.text("PRAGMA quick_check") == "ok")
        #expect(reader.rows() == expected)
        #expect(try Self.recovered(path, step: 0, in: folder) == expected)
    }

    /// Without power-safe overwrite SQLite pads every commit to the sector with copies of its
    /// commit frame, and writes the frame that crosses the sector in two pieces around a sync.
    /// A piece of 24 bytes of zeros looks like a frame header of no commit; it must not end the
    /// commit (and with it the writing straight through). Many small commits of zero-filled rows,
    /// of sizes chosen to land the sector's edge everywhere in a frame, each read back by another
    /// connection at once and, every tenth, recovered from a copy of the files.
    @Test(arguments: [(512, 0), (1_024, 0), (4_096, 4_000)])
    func paddingAfterACommitIsWrittenWithIt(pageSize: Int, rowBase: Int) throws {
        #expect(Self.registered == SQLITE_OK)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let writer = try Connection(path: path, vfs: Self.vfsName, powerSafe: false)
        writer.exec("PRAGMA page_size=\(pageSize)")
        #expect(
            writer.exec(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0; "
                    + "CREATE TABLE t (id INTEGER PRIMARY KEY, tag INTEGER NOT NULL DEFAULT 0, v BLOB)") == SQLITE_OK)
        let reader = try Connection(path: path, vfs: nil, powerSafe: true)
        var rows = 0
        for commit in 0..<300 {
            let count = 1 + (commit * 7) % 13
            let size = rowBase + 100 + (commit * 37) % 900
            let sql =
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(count)) "
                + "INSERT INTO t (v) SELECT zeroblob(\(size)) FROM c"
            #expect(writer.exec(sql) == SQLITE_OK)
            rows += count
            let seen = reader.text("SELECT count(*) FROM t")
            #expect(seen == "\(rows)", "page size \(pageSize), commit \(commit)")
            if seen != "\(rows)" { break }
            if commit % 10 == 9 {
                #expect(try Self.recovered(path, step: commit, in: folder)?.count == rows, "recovery, commit \(commit)")
            }
        }
    }

    /// With nothing in the way (no spill, no fault), a transaction's frames reach the file in a
    /// few calls: on average several frames (a header and a page each) per write call.
    @Test func aTransactionsFramesGoOutInFewWrites() throws {
        #expect(Self.registered == SQLITE_OK)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try Connection(
            path: folder.appendingPathComponent("db.sqlite").path, vfs: Self.vfsName, powerSafe: true)
        #expect(
            connection.exec(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)")
                == SQLITE_OK)
        let (calls, bytes) = (plimsoll_fault_vfs_wal_writes(), plimsoll_fault_vfs_wal_bytes())
        for round in 0..<20 {
            let start = round * 100
            let sql =
                "WITH RECURSIVE c(x) AS (SELECT \(start) UNION ALL SELECT x + 1 FROM c WHERE x < \(start + 99)) "
                + "INSERT INTO t SELECT x, zeroblob(400) FROM c"
            #expect(connection.exec(sql) == SQLITE_OK)
        }
        let (madeCalls, madeBytes) = (plimsoll_fault_vfs_wal_writes() - calls, plimsoll_fault_vfs_wal_bytes() - bytes)
        #expect(madeBytes > madeCalls * 4 * (4_096 + 24), "\(madeBytes) bytes in \(madeCalls) WAL writes")
    }

    /// A COMMIT whose frames all reach the WAL and whose sync fails is reported failed, yet
    /// recovery from the file finds it (the limbo of `whatSQLiteCommittedIsWhatReadersAndRecoverySee`).
    /// Settlement therefore follows a failed block with a durable probe write
    /// (`SettlementStore.probeWrite`, the same statement as here), which commits over those
    /// frames. Once it succeeds, neither a reader nor recovery ever sees the failed transaction,
    /// so "not settled" is final.
    @Test func aDurableWriteAfterAFailedSyncBuriesTheFailedCommit() throws {
        #expect(Self.registered == SQLITE_OK)
        let folder = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        defer { plimsoll_fault_vfs_fail_wal_syncs(0) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let writer = try Connection(path: path, vfs: Self.vfsName, powerSafe: true)
        #expect(writer.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL") == SQLITE_OK)
        #expect(
            writer.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, tag INTEGER NOT NULL, v BLOB NOT NULL)") == SQLITE_OK)
        #expect(writer.exec("INSERT INTO t VALUES (1, 1, zeroblob(100)), (2, 2, zeroblob(100))") == SQLITE_OK)
        let model: [Int64: Row] = [1: Row(tag: 1, length: 100), 2: Row(tag: 2, length: 100)]
        plimsoll_fault_vfs_fail_wal_syncs(1)
        #expect(
            writer.exec("BEGIN; INSERT INTO t VALUES (3, 3, zeroblob(5000)); UPDATE t SET tag = 9 WHERE id = 1")
                == SQLITE_OK)
        #expect(writer.exec("COMMIT") != SQLITE_OK, "the sync fails, so the COMMIT does")
        writer.exec("ROLLBACK")
        #expect(writer.rows() == model, "the writer itself no longer sees the transaction")
        var limbo = model
        limbo[3] = Row(tag: 3, length: 5_000)
        limbo[1] = Row(tag: 9, length: 100)
        #expect(try Self.recovered(path, step: 0, in: folder) == limbo, "recovery finds the failed commit")
        let framesBefore = plimsoll_fault_vfs_wal_writes()
        #expect(writer.exec("UPDATE t SET id = id WHERE id = 1") == SQLITE_OK, "the probe commits")
        #expect(plimsoll_fault_vfs_wal_writes() > framesBefore, "the probe wrote frames")
        #expect(try Self.recovered(path, step: 1, in: folder) == model, "after the probe, recovery does not")
        let reader = try Connection(path: path, vfs: Self.vfsName, powerSafe: true)
        #expect(reader.rows() == model)
    }

    /// The rows recovery finds in a crash copy of the files (`CrashCopy`), read through the
    /// default VFS; nil when the copy fails its check.
    static func recovered(_ path: String, step: Int, in folder: URL) throws -> [Int64: Row]? {
        try CrashCopy.with(of: path, at: folder.appendingPathComponent("recovered-\(step).sqlite").path) { copy in
            let connection = try Connection(path: copy, vfs: nil, powerSafe: true)
            guard connection.text("PRAGMA quick_check") == "ok" else { return nil }
            return connection.rows()
        }
    }
}
