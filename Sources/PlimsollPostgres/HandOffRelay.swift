public import Logging
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement
public import PlimsollStore

/// The sequencer's side of the hand-off (`PostgresStore+HandOff`): takes the transfers other
/// nodes accepted from `intake`, oldest first, settles them through this node's settlement queue
/// beside its own intake, and records the decisions. Runs while this node holds the lease; a
/// deposed sequencer's relay stops at its first fenced write, and the transfers it had not
/// decided stay in `intake` for the next sequencer.
///
/// Nothing is decided twice: a transfer the log already holds (the previous sequencer settled it
/// and died before clearing its row) is cleared without being submitted again, and rows are
/// cleared in the same fenced way blocks are written.
public struct HandOffRelay: Sendable {
    let store: PostgresStore
    let settlement: Settlement
    /// Transfers taken from `intake` per pass: bounded like every batch.
    let batchLimit: Int
    let idlePoll: Duration
    let clock: @Sendable () -> TimestampMs
    let logger: Logger

    public init(
        store: PostgresStore, settlement: Settlement, batchLimit: Int = 4096, idlePoll: Duration = .milliseconds(40),
        clock: @escaping @Sendable () -> TimestampMs = Settlement.wallClockMs,
        logger: Logger = Logger(label: "plimsoll.handoff")
    ) {
        precondition(batchLimit > 0)
        self.store = store
        self.settlement = settlement
        self.batchLimit = batchLimit
        self.idlePoll = idlePoll
        self.clock = clock
        self.logger = logger
    }

    /// Settles what other nodes hand over until this node stops being the sequencer, the task is
    /// cancelled, or `keepGoing` answers false (checked between passes, so a node that stops
    /// this way finishes the pass it is in, its decisions recorded). A database error is logged
    /// and the pass tried again a second later.
    public func run(while keepGoing: @escaping @Sendable () -> Bool = { true }) async {
        // Idle, it looks a little less often each time, up to `idlePoll` (what an idle registry's
        // first transfer may wait); busy, it takes the next pass at once.
        var idle = min(idlePoll, .milliseconds(2))
        while !Task.isCancelled && store.isSequencer && keepGoing() {
            do {
                let pass = try await step()
                if pass.decided == 0 || pass.failed > 0 {
                    try await Task.sleep(for: idle)
                    idle = min(idle * 2, idlePoll)
                } else {
                    idle = min(idlePoll, .milliseconds(2))
                }
            } catch let error as StoreError where error.code == .fenced {
                logger.notice("no longer the sequencer; the hand-off relay stops: \(error.description)")
                return
            } catch is CancellationError {
                return
            } catch {
                logger.warning("hand-off pass failed; trying again: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One pass over the oldest waiting transfers: how many were decided (settled or refused) and
    /// how many failed to commit (they stay waiting).
    public func step() async throws -> (decided: Int, failed: Int) {
        let waiting = try await store.waitingHandOffs(limit: batchLimit)
        guard !waiting.isEmpty else { return (0, 0) }
        let logged = Set(try await store.receipts(of: waiting.map(\.id)).map(\.id))
        var done: [Hash32] = []
        var refused: [(id: Hash32, rejection: Rejection)] = []
        // Runs of one kind, in the order handed over: transfers settle as one batch, registrar
        // entries (signed on the registrar's machine) in order through the registrar intake.
        var runs: [[Entry]] = []
        for row in waiting {
            if logged.contains(row.id) {
                done.append(row.id)
                continue
            }
            guard let entry = try? Entry(bytes: row.bytes, keys: .shared), entry.id == row.id else {
                refused.append((row.id, Rejection(.malformed, "what was handed over is not a signed entry")))
                continue
            }
            switch entry {
            case .genesis:
                refused.append((row.id, Rejection(.malformed, "a genesis record cannot be handed over")))
                continue
            case .transfer, .registrar:
                if let last = runs.last?.last, Self.isRegistrar(last) == Self.isRegistrar(entry) {
                    runs[runs.count - 1].append(entry)
                } else {
                    runs.append([entry])
                }
            }
        }
        var failed = 0
        var settled = 0
        for run in runs {
            let outcomes: [Outcome]
            do {
                if Self.isRegistrar(run[0]) {
                    outcomes = try await settlement.submitSignedRegistrar(
                        run.compactMap { if case .registrar(let signed) = $0 { signed } else { nil } })
                } else {
                    outcomes = try await settlement.submitAll(run)
                }
            } catch {
                // The settlement queue is full: these and the runs after them wait in `intake`
                // for the next pass, in their order.
                failed += run.count
                break
            }
            for outcome in outcomes {
                switch outcome {
                case .settled: settled += 1  // Its row left the intake with its block (`PostgresStore.commit`).
                case .rejected(let id, let rejection): refused.append((id, rejection))
                case .failed: failed += 1
                }
            }
            // A commit failed: nothing handed over after this run may settle before it (a
            // transfer must not overtake the freeze handed over before it).
            if failed > 0 { break }
            // Registrar actions that change what screening finds are followed by a re-screen,
            // as a serving node does after the registrar route (nothing when no hook is set).
            if Self.isRegistrar(run[0]), outcomes.contains(where: { if case .settled = $0 { true } else { false } }) {
                do { _ = try await settlement.rescreen() } catch {
                    logger.warning("the re-screen after handed-over registrar actions did not fit: \(error)")
                }
            }
        }
        // A commit failed: this pass's refusals may rest on blocks that never landed (a nonce
        // "reused" by a transfer whose block was voided), so they are decided again next pass.
        if failed > 0 { refused.removeAll() }
        if !done.isEmpty || !refused.isEmpty {
            try await store.settleHandOffs(done: done, refused: refused, nowMs: clock())
        }
        return (done.count + refused.count + settled, failed)
    }

    private static func isRegistrar(_ entry: Entry) -> Bool {
        if case .registrar = entry { return true }
        return false
    }
}
