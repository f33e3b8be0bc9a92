import Foundation
import GRDB
import Testing

@testable import PlimsollStore

/// `MultiRowInsert` binds values straight into SQLite: every kind of value must come back as it
/// went in, in row order, for every count of rows (each of the eight statement shapes and their
/// mixes), and a row SQLite refuses must fail the statement with SQLite's own error.
@Suite struct MultiRowInsertTests {
    static let insert = MultiRowInsert("INSERT INTO t (n, i, d, s, b) VALUES", columns: 5)

    static func table() throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (seq INTEGER PRIMARY KEY, n, i INTEGER UNIQUE, d REAL, s TEXT, b BLOB)")
        }
        return queue
    }

    /// Row `k`: a NULL, an integer that spans the 64-bit range, a double, text with non-ASCII
    /// letters (and a NUL inside it in every seventh row), and a blob whose length is `k % 5` (so
    /// empty blobs come up too).
    static func row(_ k: Int) -> [DatabaseValue] {
        let blob = Data((0..<(k % 5)).map { UInt8(truncatingIfNeeded: k &+ $0) })
        return [
            .null, Int64(k &* 0x1_0000_0001 &- 0x7FFF_0000_0000).databaseValue, (Double(k) / 3).databaseValue,
            ("Ålesund \(k)" + (k % 7 == 0 ? "\u{0}after a NUL" : "")).databaseValue, blob.databaseValue,
        ]
    }

    @Test(arguments: [0, 1, 2, 3, 64, 127, 128, 129, 255, 300])
    func everyValueComesBackInRowOrder(rows: Int) throws {
        let queue = try Self.table()
        try queue.write { db in try Self.insert.execute((0..<rows).flatMap(Self.row), db) }
        let stored = try queue.read { db in
            // The text's bytes as stored: GRDB reads TEXT as a C string, which would end at a NUL.
            try Row.fetchAll(db, sql: "SELECT n, i, d, CAST(s AS BLOB), typeof(s), b FROM t ORDER BY seq")
        }
        #expect(stored.count == rows)
        for (k, row) in stored.enumerated() {
            let expected = Self.row(k)
            #expect(row[0] as DatabaseValue == .null)
            #expect(row[1] as DatabaseValue == expected[1])
            #expect(row[2] as DatabaseValue == expected[2])
            #expect(row[3] as Data? == Data((String.fromDatabaseValue(expected[3]) ?? "").utf8))
            #expect(row[4] as String == "text")
            // SQLite hands a zero-length blob back as an empty blob, never as NULL.
            let blob = try #require(row[5] as Data?)
            #expect(blob == Data.fromDatabaseValue(expected[4]))
        }
    }

    @Test func aRefusedRowFailsTheStatementAndTheTransactionKeepsNothing() throws {
        let queue = try Self.table()
        var values = (0..<200).flatMap(Self.row)
        // Row 150 repeats row 3's unique integer: the second statement (rows 128 to 191) fails.
        values[150 * 5 + 1] = Self.row(3)[1]
        var refusal: DatabaseError?
        do {
            try queue.write { db in try Self.insert.execute(values, db) }
        } catch let error as DatabaseError {
            refusal = error
        }
        #expect(refusal?.resultCode == .SQLITE_CONSTRAINT)
        #expect(refusal?.sql?.hasPrefix("INSERT INTO t (n, i, d, s, b) VALUES") == true)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 0)
        // The same rows put right go through the same cached statements, the one that failed
        // among them: a statement left as it failed would hand its old error to this run.
        try queue.write { db in try Self.insert.execute((0..<200).flatMap(Self.row), db) }
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 200)
    }
}
