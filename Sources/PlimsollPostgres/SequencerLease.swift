import Logging
import NIOPosix
import PlimsollCrypto
import PlimsollStore
import PostgresNIO

/// The right to build and sign the registry's blocks when several nodes share one database
/// (issue 17): a session-level PostgreSQL advisory lock, keyed by the registry's chain id, held
/// on a connection of its own for as long as the node sequences.
///
/// PostgreSQL releases the lock when that session ends: the node stops, its process dies, or the
/// server sees its connection dead (the session's TCP keepalives are set to notice a dead peer in
/// about `deadPeerSeconds`). Another node waiting for the lease then takes it and continues from
/// the committed tip. A deposed node cannot commit: every block's transaction first checks that
/// this session still holds the lock (`fence`), and `blocks.height` is the primary key, so even a
/// commit racing the hand-over can never put a second block at a height.
final class SequencerLease: Sendable {
    let connection: PostgresConnection
    /// The server process of the lease's session, as `pg_locks` names it.
    let backendPID: Int64
    let key: Int64

    /// A dead peer is noticed after about this long: idle 2 s, then 3 probes 1 s apart.
    static let deadPeerSeconds = 5

    private init(connection: PostgresConnection, backendPID: Int64, key: Int64) {
        self.connection = connection
        self.backendPID = backendPID
        self.key = key
    }

    /// The advisory lock key of a registry: the first 8 bytes of its chain id.
    static func key(_ chainID: Hash32) -> Int64 {
        Int64(bitPattern: chainID.bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// Takes the lease if no other session holds it; nil when one does.
    static func tryAcquire(
        _ configuration: PostgresConnection.Configuration, key: Int64, logger: Logger
    ) async throws -> SequencerLease? {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 3, logger: logger)
        do {
            try await connection.query("SET tcp_keepalives_idle = 2", logger: logger)
            try await connection.query("SET tcp_keepalives_interval = 1", logger: logger)
            try await connection.query("SET tcp_keepalives_count = 3", logger: logger)
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(\(key)), pg_backend_pid()::BIGINT", logger: logger)
            for try await (held, pid) in rows.decode((Bool, Int64).self) where held {
                return SequencerLease(connection: connection, backendPID: pid, key: key)
            }
            try await connection.close()
            return nil
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Gives the lease up: the lock is released with the session.
    func release() async {
        try? await connection.close()
    }

    /// Inside a block's transaction: refuses unless this lease's session still holds the lock.
    func fence(_ transaction: PostgresConnection, logger: Logger) async throws {
        let high = (key >> 32) & 0xffff_ffff
        let low = key & 0xffff_ffff
        let rows = try await transaction.query(
            """
            SELECT count(*)::BIGINT FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                AND classid::BIGINT = \(high) AND objid::BIGINT = \(low) AND pid = \(backendPID)
            """, logger: logger)
        for try await count in rows.decode(Int64.self) where count == 1 { return }
        throw StoreError(
            .fenced, "this node lost the sequencer lease (its session ended); another node may be sequencing")
    }
}
