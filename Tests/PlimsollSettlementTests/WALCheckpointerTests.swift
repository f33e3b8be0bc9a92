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
    final class Database {
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

        var rows: Int { get throws { try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM t") ?? 0 } } }
    }

    @Test func theWritersAutoCheckpointIsOff() throws {
        // Neither threshold is reached: the WAL grows past SQLite's default auto-checkpoint
        // (1,000 frames), which would have started it over.
        let db = try Database(backgroundFrames: 100_000, inlineFrames: 100_000)
        try db.commit(0..<800)
        let counts = db.checkpointer.counts
        #expect(counts.walFramesMax > 1_200)
        #expect(counts.background == 0 && counts.inline == 0)
        #expect(try db.rows == 3_200)
    }

    @Test func backgroundCheckpointsCopyTheWALAndTheWriterOnlyWhatIsLeft() throws {
        let db = try Database(backgroundFrames: 64, inlineFrames: 512)
        try db.commit(0..<2_000)
        db.checkpointer.drain()
        let counts = db.checkpointer.counts
        #expect(counts.background > 0, "\(counts)")
        // Without checkpoints the WAL would hold every page written (more than 8,000 frames).
        // The hard bound may be passed by the commits made while a background checkpoint holds
        // the lock (the writer's own attempt is then refused, and made again at the next commit).
        #expect(counts.walFramesMax < 2_000, "\(counts)")
        #expect(try db.rows == 8_000)
    }

    @Test func pastTheHardBoundTheWriterCheckpointsItself() throws {
        // At equal thresholds no background checkpoint starts: the writer copies the WAL itself
        // each time it reaches 200 frames, and the next commit starts it over.
        let db = try Database(backgroundFrames: 200, inlineFrames: 200)
        try db.commit(0..<1_000)
        let counts = db.checkpointer.counts
        #expect(counts.inline >= 10, "\(counts)")
        #expect(counts.background == 0)
        #expect(counts.walFramesMax < 220, "\(counts)")
        #expect(try db.rows == 4_000)
    }

    @Test func everyCommitSurvivesReopeningAfterBackgroundCheckpoints() throws {
        let db = try Database(backgroundFrames: 32, inlineFrames: 100_000)
        try db.commit(0..<500)
        db.checkpointer.drain()
        #expect(db.checkpointer.counts.background > 0)
        let path = db.folder.appendingPathComponent("t.sqlite").path
        let reopened = try DatabaseQueue(path: path)
        let (count, sum) = try reopened.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), SUM(n) FROM t")!
            return (row[0] as Int, row[1] as Int)
        }
        #expect(count == 2_000)
        #expect(sum == (0..<2_000).reduce(0, +))
        let check = try reopened.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }
}
