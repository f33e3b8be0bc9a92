import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the WAL back into the database file on a connection of its own, off the commit path.
///
/// SQLite's auto-checkpoint runs inside the commit that crosses its threshold: that block, and
/// every block pipelined behind it, waited for thousands of pages to be copied and synced. Over
/// HTTP at 64 connections about one commit in a hundred did so (10–50 ms instead of 2), and
/// those commits were the 99th percentile of a holder's wait for a receipt (issue 13).
///
/// The writer connection's WAL hook (which replaces the auto-checkpoint) hears the WAL's length
/// after each commit; past `backgroundFrames` it starts a PASSIVE checkpoint here, which never
/// blocks the writer nor waits for readers. The WAL can only start over once every frame in it is
/// copied, and commits keep adding frames while a background checkpoint runs, so past
/// `inlineFrames` the committing connection copies what is left itself, as SQLite's own hook
/// would: usually only the frames of the last few commits, the rest having been copied in the
/// background. So the WAL stays bounded when checkpoints cannot keep up with commits (a slow
/// disk); what no checkpoint can do is copy past a read transaction still open on an older
/// snapshot, and while one is (a long backup, a slow export) the WAL keeps growing, as it did
/// with SQLite's own checkpoint. Durability does not depend on checkpoints: a commit is durable
/// in the WAL (`synchronous=FULL`).
final class WALCheckpointer: Sendable {
    /// The WAL length, in frames (pages), that starts a background checkpoint: 32 MiB, the
    /// auto-checkpoint threshold the store used before, so a page rewritten by many blocks is
    /// still copied once per checkpoint rather than once per block.
    static let backgroundFramesDefault: Int32 = 8_192
    /// The WAL length past which the committing connection checkpoints itself (64 MiB).
    static let inlineFramesDefault: Int32 = 16_384

    struct Counts: Sendable {
        /// Background checkpoints that ran to the end (all frames copied, or as many as readers allowed).
        var background = 0
        /// Checkpoints the writer ran itself because the WAL had grown past `inlineFrames`.
        var inline = 0
        /// Background checkpoints that could not run (another one held the lock, an I/O error).
        var failed = 0
        /// The longest the WAL has been after a commit, in frames.
        var walFramesMax: Int32 = 0
        /// What the last background checkpoint found: the WAL's frames, and how many of them are
        /// now copied (all of them unless a reader held older ones).
        var lastBackground: (walFrames: Int, copied: Int)?
    }

    private struct State {
        var running = false
        var counts = Counts()
    }

    let backgroundFrames: Int32
    let inlineFrames: Int32
    private let path: String
    private let state = Mutex(State())
    /// Opened at the first checkpoint (a store only read never opens it), used on `queue` only:
    /// its own lock, so the writer's hook never waits while it opens.
    private let connection = Mutex<DatabaseQueue?>(nil)
    private let queue = DispatchQueue(label: "plimsoll.store.checkpoint")

    init(
        path: String, backgroundFrames: Int32 = backgroundFramesDefault, inlineFrames: Int32 = inlineFramesDefault
    ) {
        precondition(0 < backgroundFrames && backgroundFrames <= inlineFrames)
        self.path = path
        self.backgroundFrames = backgroundFrames
        self.inlineFrames = inlineFrames
    }

    var counts: Counts { state.withLock { $0.counts } }

    /// Installs the WAL hook on the writer connection; from then on SQLite's auto-checkpoint is
    /// off for it. The store holding the pool holds this object, so the hook's unretained
    /// context outlives every commit.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walHook, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Runs on the writer's thread, inside the commit, after the WAL is synced: it only decides.
    fileprivate func committed(_ writer: OpaquePointer?, frames: Int32) {
        let start = state.withLock { state in
            state.counts.walFramesMax = max(state.counts.walFramesMax, frames)
            guard frames >= backgroundFrames, frames < inlineFrames, !state.running else { return false }
            state.running = true
            return true
        }
        if start { queue.async { self.checkpoint() } }
        if frames >= inlineFrames {
            // PASSIVE, as SQLite's default hook does: BUSY when a background one holds the lock.
            if sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                state.withLock { $0.counts.inline += 1 }
            }
        }
    }

    /// Waits for a background checkpoint in flight, if any (tests).
    func drain() { queue.sync {} }

    private func checkpoint() {
        do {
            let result = try connection.withLock { connection in
                if connection == nil {
                    // Never creates a file: a registry removed since (a test's folder) is left so.
                    guard FileManager.default.fileExists(atPath: path) else {
                        throw StoreError(.missing, "no database at \(path) to checkpoint")
                    }
                    var config = Configuration()
                    // The checkpoint's own syncs, as the writer's: explicit, not the build's default.
                    config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
                    connection = try DatabaseQueue(path: path, configuration: config)
                }
                return try connection?.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
            state.withLock {
                $0.counts.background += 1
                $0.counts.lastBackground = result.map { ($0.walFrameCount, $0.checkpointedFrameCount) }
                $0.running = false
            }
        } catch {
            // Nothing is lost: the frames stay in the WAL, the next commit past the threshold
            // tries again, and past `inlineFrames` the writer checkpoints itself.
            state.withLock {
                $0.counts.failed += 1
                $0.running = false
            }
        }
    }
}

private let walHook: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32 =
    {
        context, connection, _, frames in
        if let context {
            Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(connection, frames: frames)
        }
        return SQLITE_OK
    }
