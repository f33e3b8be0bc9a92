import Foundation

/// What a crash right now would leave of an SQLite database: the database file and its WAL as the
/// kernel holds them, copied without the wal-index, so opening the copy runs SQLite's recovery
/// (every WAL frame's checksum checked). The copy is removed when `body` returns.
enum CrashCopy {
    static func with<T>(of path: String, at copy: String, _ body: (String) throws -> T) throws -> T {
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        if FileManager.default.fileExists(atPath: path + "-wal") {
            try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal")
        }
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
        }
        return try body(copy)
    }
}
