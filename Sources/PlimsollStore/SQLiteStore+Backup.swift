public import Foundation
import GRDB

extension SQLiteStore {
    /// Copies the database to `url` with SQLite's online backup API while the registry keeps
    /// serving: the copy is one consistent snapshot (a read transaction on the pool), never a
    /// half-written block, and the writer is not stopped. Writes to a temporary file first and
    /// renames it into place, so `url` is whole or absent.
    /// - Throws: `StoreError.exists` when `url` is already there, `.io` otherwise.
    public func backup(to url: URL) throws(StoreError) {
        guard !FileManager.default.fileExists(atPath: url.path) else {
            throw StoreError(.exists, "\(url.path) already exists; a backup never overwrites")
        }
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        do {
            try? FileManager.default.removeItem(at: partial)
            try Self.createPrivateFile(partial)
            let destination = try DatabaseQueue(path: partial.path)
            try pool.backup(to: destination)
            try destination.close()
            try FileManager.default.moveItem(at: partial, to: url)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw StoreError(.io, "backup to \(url.path) failed: \(error)")
        }
    }

    /// `PRAGMA integrity_check`: "ok", or SQLite's list of problems.
    public func integrityCheck() throws(StoreError) -> String {
        do {
            return try read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            }
        } catch {
            throw StoreError(.io, "integrity check failed to run: \(error)")
        }
    }
}
