import Foundation
import GRDB
import GRDBSQLite

/// One insert statement for many rows, so a block of thousands of records costs tens of
/// statements, not one per record (each statement SQLite steps and each GRDB call has a fixed
/// cost). Measured on the settle benchmark, the commit time did not move beyond noise: a block's
/// cost is in the b-tree pages it dirties, not in its statements (Docs/ledger.md).
///
/// Rows go in chunks of 128; the rest in chunks of 64, 32, ... 1, so every statement has one of
/// eight shapes and all of them stay in the connection's statement cache. Row order is kept, so
/// an upsert or `INSERT OR REPLACE` of the same row twice ends as the per-row statements did.
struct MultiRowInsert {
    static let rowsMax = 128
    let columns: Int
    /// The statement of 128 rows, of 64, ... of 1.
    private let shapes: [String]

    /// - Parameters:
    ///   - head: `INSERT INTO t (a, b) VALUES`; the rows are appended.
    ///   - tail: what follows the rows, such as an `ON CONFLICT` clause; may be empty.
    init(_ head: String, columns: Int, tail: String = "") {
        precondition(columns > 0 && columns * Self.rowsMax <= 32_766, "within SQLite's bound on variables")
        self.columns = columns
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        shapes = sequence(first: Self.rowsMax, next: { $0 > 1 ? $0 / 2 : nil }).map { rows in
            head + " " + Array(repeating: row, count: rows).joined(separator: ", ") + (tail.isEmpty ? "" : " " + tail)
        }
    }

    /// Inserts `values.count / columns` rows, flattened row by row.
    func execute(_ values: [DatabaseValue], _ db: Database) throws {
        precondition(values.count % columns == 0, "whole rows only")
        var start = 0
        var rows = values.count / columns
        var shape = 0
        while rows > 0 {
            while Self.rowsMax >> shape > rows { shape += 1 }
            let chunk = Self.rowsMax >> shape
            let statement = try db.cachedStatement(sql: shapes[shape])
            let end = start + chunk * columns
            try Self.run(statement, values[start..<end], db)
            start = end
            rows -= chunk
        }
    }

    /// Binds `values` straight into the prepared statement and steps it to the end. Going through
    /// `StatementArguments` converted every value again through generic conversions and key
    /// paths: about a fifth of the SQLite writer thread's CPU in the settle profile.
    ///
    /// GRDB's own execution is bypassed, so no transaction observer would see these rows (the
    /// store registers none). A failed step resets the statement before throwing: GRDB drops a
    /// statement that failed from its cache, but this one stays there, and an unreset statement
    /// would hand its old error to the next block's first reset.
    private static func run(_ statement: Statement, _ values: ArraySlice<DatabaseValue>, _ db: Database) throws {
        let handle = statement.sqliteStatement
        precondition(values.count == Int(sqlite3_bind_parameter_count(handle)), "one value a slot")
        // The statement ended its last run (done, or reset after a failure): the result of this
        // reset only repeats how that run ended.
        _ = sqlite3_reset(handle)
        var slot: Int32 = 1
        for value in values {
            let code: Int32
            switch value.storage {
            case .null: code = sqlite3_bind_null(handle, slot)
            case .int64(let number): code = sqlite3_bind_int64(handle, slot, number)
            case .double(let number): code = sqlite3_bind_double(handle, slot, number)
            case .string(let text):
                // With its byte count, so a NUL inside the text is kept rather than ending it.
                code = text.withCString { sqlite3_bind_text(handle, slot, $0, Int32(text.utf8.count), transient) }
            case .blob(let data):
                // An empty `Data` may have no base address, and a NULL pointer would bind NULL.
                code = data.withUnsafeBytes { bytes in
                    guard let base = bytes.baseAddress else { return sqlite3_bind_zeroblob(handle, slot, 0) }
                    return sqlite3_bind_blob(handle, slot, base, Int32(bytes.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw Self.failure(code, statement, db) }
            slot += 1
        }
        let stepped = sqlite3_step(handle)
        guard stepped == SQLITE_DONE else {
            let error = Self.failure(stepped, statement, db)
            _ = sqlite3_reset(handle)
            throw error
        }
    }

    private static func failure(_ code: Int32, _ statement: Statement, _ db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
    }

    /// SQLite copies the bytes it is given (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// One row's values, appended one at a time: `rows += [a, b, c]` built and freed an array for
/// every row (1.3 % of the batched settle phase's samples, on the writer).
extension Array where Element == DatabaseValue {
    mutating func appendRow(_ a: DatabaseValue, _ b: DatabaseValue) {
        append(a)
        append(b)
    }

    mutating func appendRow(_ a: DatabaseValue, _ b: DatabaseValue, _ c: DatabaseValue) {
        appendRow(a, b)
        append(c)
    }

    mutating func appendRow(_ a: DatabaseValue, _ b: DatabaseValue, _ c: DatabaseValue, _ d: DatabaseValue) {
        appendRow(a, b, c)
        append(d)
    }

    mutating func appendRow(
        _ a: DatabaseValue, _ b: DatabaseValue, _ c: DatabaseValue, _ d: DatabaseValue, _ e: DatabaseValue
    ) {
        appendRow(a, b, c, d)
        append(e)
    }
}
