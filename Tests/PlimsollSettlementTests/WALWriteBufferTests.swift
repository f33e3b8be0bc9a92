import Foundation
import GRDB
import PlimsollTesting
import Testing

@testable import PlimsollStore

/// The WAL write buffer (`CSQLiteWALBuffer`) must be invisible but for the number of write calls:
/// after every commit, in every synchronous mode, a reader sees exactly what was committed, and
/// so does SQLite's recovery reading the files as the kernel holds them at that instant (what a
/// crash right then would leave). Transactions are random, seeded: inserts, updates and deletes
/// of random sizes, some rolled back, under a cache of a few pages so SQLite writes frames before
/// the commit and rewrites them in place (the paths the buffer must hand over in SQLite's order),
/// with WAL restarts between them (a new WAL header at offset 0).
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct WALWriteBufferTests {
    struct Rollback: Error {}

    @Test(arguments: [("OFF", UInt64(11)), ("NORMAL", 12), ("FULL", 13)])
    func readersAndRecoverySeeEveryCommitExactly(synchronous: String, seed: UInt64) throws {
        try WALWriteBuffer.install()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-walbuf-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = 8")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)")
        }
        var rng = SplitMix64(seed: seed)
        var model: [Int64: [UInt8]] = [:]
        var nextID: Int64 = 1
        for step in 0..<70 {
            let context = "seed \(seed), synchronous=\(synchronous), step \(step)"
            let operations = rng.next() % 4 == 0 ? 300 + Int(rng.next() % 300) : 1 + Int(rng.next() % 40)
            let rollsBack = rng.next() % 8 == 0
            var changed = model
            do {
                try pool.write { db in
                    for _ in 0..<operations {
                        let choice = rng.next() % 10
                        if choice < 5 || changed.isEmpty {
                            let value = Self.bytes(&rng)
                            try db.execute(
                                sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [nextID, Data(value)])
                            changed[nextID] = value
                            nextID += 1
                        } else {
                            let ids = changed.keys.sorted()
                            let id = ids[Int(rng.next() % UInt64(ids.count))]
                            if choice < 9 {
                                let value = Self.bytes(&rng)
                                try db.execute(sql: "UPDATE t SET v = ? WHERE id = ?", arguments: [Data(value), id])
                                changed[id] = value
                            } else {
                                try db.execute(sql: "DELETE FROM t WHERE id = ?", arguments: [id])
                                changed[id] = nil
                            }
                        }
                    }
                    if rollsBack { throw Rollback() }
                }
                model = changed
            } catch is Rollback {}
            if step % 9 == 8 {
                try pool.writeWithoutTransaction { db in
                    _ = try Row.fetchOne(
                        db, sql: "PRAGMA wal_checkpoint(\(rng.next() % 2 == 0 ? "RESTART" : "TRUNCATE"))")
                }
            }
            let seen = try pool.read { db in try Self.contents(db) }
            #expect(seen == model, "a reader after the commit, \(context)")
            #expect(try Self.recoveredContents(of: path, into: folder, step: step) == model, "recovery, \(context)")
        }
        try pool.close()
    }

    static func bytes(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<(16 + Int(rng.next() % 1_500))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static func contents(_ db: Database) throws -> [Int64: [UInt8]] {
        var contents: [Int64: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, v FROM t") {
            contents[row["id"]] = [UInt8](row["v"] as Data)
        }
        return contents
    }

    /// The rows recovery finds in a crash copy of the files (`CrashCopy`).
    static func recoveredContents(of path: String, into folder: URL, step: Int) throws -> [Int64: [UInt8]] {
        try CrashCopy.with(of: path, at: folder.appendingPathComponent("crash-\(step).sqlite").path) { copy in
            let queue = try DatabaseQueue(path: copy)
            defer { try? queue.close() }
            return try queue.read { db in
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
                return try contents(db)
            }
        }
    }
}
