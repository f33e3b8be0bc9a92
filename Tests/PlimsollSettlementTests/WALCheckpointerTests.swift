import Foundation
import GRDB
import Testing

@testable import PlimsollStore

/// The WAL is copied back into the database by `WALCheckpointer`, not inside a commit: SQLite's
/// auto-checkpoint is off for the writer, background checkpoints keep the WAL bounded and let it
/// start over, the writer checkpoints itself only past the hard bound, and no commit is lost.
@Suite struct WALCheckpointerTests {
    /// A WAL database with one table, its writer's hook installed; each commit below adds 4 rows
    /// of 1 KiB (one or two pages).
    final class WALDatabase {
        let folder: URL
        let pool: DatabasePool
        let checkpointer: WALCheckpointer

        init(backgroundFrames: Int32, inlineFrames: Int32) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-wal-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("t.sqlite").path
            pool = try DatabasePool(path: path)
            checkpointer = WALCheckpointer(path: path, backgroundFrames: backgroundFrames, inlineFrames: inlineFrames)
            try pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                checkpointer.install(on: db)
            }
            try pool.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY, b BLOB NOT NULL)") }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func commit(_ commits: Range<Int>) throws {
            for k in commits {
                try pool.write { db in
                    for n in (4 * k)..<(4 * k + 4) {
                        try db.execute(sql: "INSERT INTO t (n, b) VALUES (?, zeroblob(1024))", arguments: [n])
                    }
                }
            }
        }

        /// Commits one at a time, each followed by the end of any checkpoint it started: with no
        /// commit while it runs, a background checkpoint copies the whole WAL.
        func commitOneByOneDrained(_ commits: Int) throws {
            for k in 0..<commits {
                try commit(k..<(k + 1))
                checkpointer.drain()
            }
        }

        var rows: Int { get throws { try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM t") ?? 0 } } }
    }

    @Test func theWritersAutoCheckpointIsOff() throws {
        // Neither threshold is reached: the WAL grows past SQLite's default auto-checkpoint
        // (1,000 frames), which would have started it over.
        let db = try WALDatabase(backgroundFrames: 100_000, inlineFrames: 100_000)
        try db.commit(0..<800)
        let counts = db.checkpointer.counts
        #expect(counts.walFramesMax > 1_200)
        #expect(counts.background == 0 && counts.inline == 0)
        #expect(try db.rows == 3_200)
    }

    @Test func aBackgroundCheckpointCopiesTheWALSoTheNextCommitStartsItOver() throws {
        let db = try WALDatabase(backgroundFrames: 64, inlineFrames: 100_000)
        try db.commitOneByOneDrained(1_000)
        let counts = db.checkpointer.counts
        #expect(counts.background >= 10, "\(counts)")
        #expect(counts.inline == 0)
        #expect(counts.lastBackground.map { $0.copied == $0.walFrames } == true, "\(counts)")
        // Without checkpoints, or without the WAL starting over, it would hold more than 4,000.
        #expect(counts.walFramesMax < 64 + 16, "\(counts)")
        #expect(try db.rows == 4_000)
    }

    @Test func whileCommitsRunTheBackgroundAndTheWriterShareTheWork() throws {
        let db = try WALDatabase(backgroundFrames: 64, inlineFrames: 512)
        try db.commit(0..<2_000)
        db.checkpointer.drain()
        let counts = db.checkpointer.counts
        #expect(counts.background > 0, "\(counts)")
        // Far below the 8,000 frames written; the hard bound is passed only by commits made
        // while a background checkpoint holds the lock (the writer's own attempt is then
        // refused, and made again at the next commit).
        #expect(counts.walFramesMax < 4_000, "\(counts)")
        #expect(try db.rows == 8_000)
    }

    @Test func pastTheHardBoundTheWriterCheckpointsItself() throws {
        // At equal thresholds no background checkpoint starts: the writer copies the WAL itself
        // each time it reaches 200 frames, and the next commit starts it over.
        let db = try WALDatabase(backgroundFrames: 200, inlineFrames: 200)
        try db.commit(0..<1_000)
        let counts = db.checkpointer.counts
        #expect(counts.inline >= 10, "\(counts)")
        #expect(counts.background == 0)
        #expect(counts.walFramesMax < 220, "\(counts)")
        #expect(try db.rows == 4_000)
    }

    @Test func theDatabaseFileAloneHoldsWhatWasCheckpointed() throws {
        let db = try WALDatabase(backgroundFrames: 32, inlineFrames: 100_000)
        try db.commitOneByOneDrained(500)
        #expect(db.checkpointer.counts.background > 0)
        // The database file without its WAL: every commit but those of the last, uncopied, 32
        // frames at most (a commit writes one frame or more) is in it.
        let copy = db.folder.appendingPathComponent("copy.sqlite")
        try FileManager.default.copyItem(at: db.folder.appendingPathComponent("t.sqlite"), to: copy)
        let alone = try DatabaseQueue(path: copy.path)
        let (count, check) = try alone.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") ?? 0,
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(count >= 2_000 - 4 * 32 && count <= 2_000, "\(count)")
        #expect(check == "ok")
        #expect(try db.rows == 2_000)
    }

    @Test func aRegistryStoreCheckpointsThroughItsOwnHook() async throws {
        let registry = try TempRegistry()
        let store = try SQLiteStore.open(at: registry.url)
        // SQLite reports 0 once a WAL hook other than its own auto-checkpoint is installed.
        let autocheckpoint = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(autocheckpoint == 0)
        try await store.probeWrite()
        #expect(store.checkpointer.counts.walFramesMax > 0)
        #expect(store.checkpointer.backgroundFrames == WALCheckpointer.backgroundFramesDefault)
    }
}
