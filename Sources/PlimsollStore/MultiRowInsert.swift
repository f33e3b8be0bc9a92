import GRDB

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
            try statement.execute(arguments: StatementArguments(values[start..<end]))
            start = end
            rows -= chunk
        }
    }
}
