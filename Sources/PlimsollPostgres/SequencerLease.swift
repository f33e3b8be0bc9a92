import Logging
import NIOPosix
import PlimsollCrypto
import PlimsollStore
import PostgresNIO
import Synchronization

/// The right to build and sign the registry's blocks when several nodes share one database
/// (issue 17): a session-level PostgreSQL advisory lock, keyed by the registry's chain id, on a
/// connection of its own, which is also the connection every write of the sequencer runs on.
///
/// Lock and writes share one session, so they end together: when the session ends (the node
/// stops, its process dies, the server finds its connection dead through the TCP keepalives set
/// here, about 5 s) PostgreSQL aborts the transaction in flight and releases the lock in the same
/// step, and a standby waiting for the lease takes it and continues from the committed tip. A
/// deposed node has no session to write with; `blocks.height` is the primary key besides, so no
/// interleaving can ever put two blocks at one height.
final class SequencerLease: Sendable {
    let connection: PostgresConnection
    /// The server process of the lease's session (`pg_stat_activity`, `pg_locks`).
    let backendPID: Int64
    let key: Int64
    /// This node's count of leases taken: state loaded under an earlier lease may be behind
    /// blocks another sequencer wrote meanwhile (`PostgresStore.write`).
    let epoch: Int
    /// Writes on the session one at a time: a transaction must not interleave with another.
    private let gate = SerialGate()
    /// Set, inside the gate, when the lease is given up: no write runs after it.
    private let released = Atomic<Bool>(false)

    private init(connection: PostgresConnection, backendPID: Int64, key: Int64, epoch: Int) {
        self.connection = connection
        self.backendPID = backendPID
        self.key = key
        self.epoch = epoch
    }

    /// The advisory lock key of a registry: the first 8 bytes of its chain id.
    static func key(_ chainID: Hash32) -> Int64 {
        Int64(bitPattern: chainID.bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }

    /// Takes the lease if no other session holds it; nil when one does.
    static func tryAcquire(
        _ configuration: PostgresConnection.Configuration, key: Int64, epoch: Int, logger: Logger
    ) async throws -> SequencerLease? {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 3, logger: logger)
        do {
            // A dead peer is noticed after about 5 s: idle 2 s, then 3 probes 1 s apart.
            try await connection.query("SET tcp_keepalives_idle = 2", logger: logger)
            try await connection.query("SET tcp_keepalives_interval = 1", logger: logger)
            try await connection.query("SET tcp_keepalives_count = 3", logger: logger)
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(\(key)), pg_backend_pid()::BIGINT", logger: logger)
            for try await (held, pid) in rows.decode((Bool, Int64).self) where held {
                return SequencerLease(connection: connection, backendPID: pid, key: key, epoch: epoch)
            }
            try await connection.close()
            return nil
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Whether the session is still there, as far as this side knows.
    var isOpen: Bool { !connection.isClosed && !released.load(ordering: .acquiring) }

    /// Runs `body` in one transaction on the lease's session, after any write before it.
    ///
    /// postgres-nio hands a query to a closed channel with no promise for the write, so a query
    /// sent after the session ended (the body's next statement, or the ROLLBACK after a failed
    /// one) would wait forever and keep the gate: the transaction races the session's end, and
    /// the first to finish answers. A transaction left waiting that way holds nothing but memory.
    func write<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await gate.run {
            guard isOpen else { throw LeaseEnded() }
            let connection = connection
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let answer = OnceContinuation(continuation)
                Task {
                    do {
                        answer.resume(
                            with: .success(
                                try await connection.withTransaction(logger: logger) { transaction in
                                    try await body(transaction)
                                }))
                    } catch {
                        answer.resume(with: .failure(error))
                    }
                }
                connection.closeFuture.whenComplete { _ in answer.resume(with: .failure(LeaseEnded())) }
            }
        }
    }

    /// Gives the lease up once the write in flight (if any) has ended: the lock is released
    /// explicitly, so another node can take it the moment this returns, then the session closes;
    /// both inside the gate, so no write waiting behind them runs on a session without the lock.
    func release(logger: Logger) async {
        guard isOpen else { return }
        try? await gate.run {
            guard !released.exchange(true, ordering: .acquiringAndReleasing), !connection.isClosed else { return }
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
            try await connection.close()
        }
    }
}

/// The lease's session has ended: nothing can be written on it any more.
struct LeaseEnded: Error {}

/// A continuation resumed by whichever of several racers finishes first; the others are ignored.
final class OnceContinuation<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(with result: Result<T, any Error>) {
        let waiting = continuation.withLock { held in
            defer { held = nil }
            return held
        }
        waiting?.resume(with: result)
    }
}

/// An async mutual exclusion: bodies run one at a time, in the order they arrived.
final class SerialGate: Sendable {
    private let state = Mutex<(busy: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if now { continuation.resume() }
        }
        defer {
            let next = state.withLock { state in
                if state.waiting.isEmpty {
                    state.busy = false
                    return nil as CheckedContinuation<Void, Never>?
                }
                return state.waiting.removeFirst()
            }
            next?.resume()
        }
        return try await body()
    }
}
