import Dispatch
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
/// background. The WAL stays bounded whatever happens (a reader pinning old frames, a slow
/// disk). Durability does not depend on checkpoints: a commit is durable in the WAL
/// (`synchronous=FULL`).
final class WALCheckpointer: Sendable {
    /// The WAL length, in frames (pages), that starts a background checkpoint: 32 MiB, the
    /// auto-checkpoint threshold the store used before, so a page rewritten by many blocks is
    /// still copied once per checkpoint rather than once per block.
    static let backgroundFramesDefault: Int32 = 8_192
    /// The WAL length past which the committing connection checkpoints itself (64 MiB).
    static let inlineFramesDefault: Int32 = 16_384

    struct Counts: Sendable, Equatable {
        /// Background checkpoints that ran to the end (all frames copied, or as many as readers allowed).
        var background = 0
        /// Checkpoints the writer ran itself because the WAL had grown past `inlineFrames`.
        var inline = 0
        /// Background checkpoints that could not run (another one held the lock, an I/O error).
        var failed = 0
        /// The longest the WAL has been after a commit, in frames.
        var walFramesMax: Int32 = 0
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
    fileprivate func committed(_ connection: OpaquePointer?, frames: Int32) {
        let start = state.withLock { state in
            state.counts.walFramesMax = max(state.counts.walFramesMax, frames)
            guard frames >= backgroundFrames, frames < inlineFrames, !state.running else { return false }
            state.running = true
            return true
        }
        if start { queue.async { self.checkpoint() } }
        if frames >= inlineFrames {
            // PASSIVE, as SQLite's default hook does: BUSY when a background one holds the lock.
            if sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) == SQLITE_OK {
                state.withLock { $0.counts.inline += 1 }
            }
        }
    }

    /// Waits for a background checkpoint in flight, if any (tests, and a store being closed).
    func drain() { queue.sync {} }

    private func checkpoint() {
        do {
            try connection.withLock { connection in
                if connection == nil { connection = try DatabaseQueue(path: path) }
                try connection?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
            }
            state.withLock {
                $0.counts.background += 1
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
