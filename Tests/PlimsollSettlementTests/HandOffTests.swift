import Foundation
import Logging
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import PostgresNIO
import Synchronization
import Testing

/// A node that is not the sequencer hands the transfers it accepted to the sequencer through the
/// database (issue 17): they settle in order, a refusal comes back with its code, a transfer
/// handed over twice is one transfer, and what was handed over survives the sequencer's death.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct HandOffTests {
    typealias Database = SequencerFailoverTests.Database

    /// Signed transfers around a ring of holders, each sender's nonces rising.
    struct Ring {
        let chainID: Hash32
        let holders: [SigningKey]
        var nonces: [UInt64]

        mutating func next(_ count: Int) -> [SignedTransfer] {
            (0..<count).map { index in
                let from = index % holders.count
                nonces[from] += 1
                return Transfer(
                    chainID: chainID, asset: IMOs.a, from: holders[from].publicKey,
                    to: holders[(from + 1) % holders.count].publicKey, amount: 1, nonce: nonces[from],
                    expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                ).signed(by: holders[from])
            }
        }
    }

    static func seeded(_ settlement: Settlement, seed: UInt64) async throws -> Ring {
        var rng = SplitMix64(seed: seed)
        let holders = (0..<4).map { _ in SigningKey.generate(using: &rng) }
        _ = try await RegistrySeed.seed(
            settlement, holders: holders.enumerated().map { ("Holder \($0)", $1) }, vessels: [(IMOs.a, 400)],
            issues: holders.indices.map { RegistrySeed.Issue(vessel: IMOs.a, holder: $0, units: 100) },
            kycUntilMs: Settlement.wallClockMs() + 86_400_000)
        return Ring(chainID: await settlement.state.chainID, holders: holders, nonces: [0, 0, 0, 0])
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func handedOverTransfersSettleInOrder() async throws {
        try await Database.with(seed: 183, Self.settleInOrder)
    }

    static func settleInOrder(_ database: Database) async throws {
        let sequencer = try database.settlement(database.first)
        var ring = try await seeded(sequencer, seed: 183)
        let relay = Task { await HandOffRelay(store: database.first, settlement: sequencer).run() }
        let node = try await PostgresStore.open(database.configuration, sequencer: false)

        let transfers = ring.next(40)
        try await node.handOff(transfers, node: "b")
        // A holder retrying on another node: the same signed transfers are one transfer each.
        try await node.handOff(Array(transfers.prefix(10)), node: "c")
        // A second transfer with a nonce already used: refused, with its code.
        let replay = Transfer(
            chainID: ring.chainID, asset: IMOs.a, from: ring.holders[0].publicKey, to: ring.holders[2].publicKey,
            amount: 2, nonce: 1, expiresAt: UInt64(Date().timeIntervalSince1970) + 600
        ).signed(by: ring.holders[0])
        try await node.handOff([replay], node: "b")
        let ids = transfers.map { Entry.transfer($0).id }
        let replayID = Entry.transfer(replay).id
        let outcomes = try await node.awaitHandOffOutcomes(ids + [replayID], timeout: .seconds(20))

        var heights: [UInt64] = []
        for id in ids {
            guard case .settled(let receipt)? = outcomes[id] else {
                Issue.record("a handed-over transfer must settle: \(String(describing: outcomes[id]))")
                continue
            }
            heights.append(receipt.height)
        }
        #expect(heights == heights.sorted(), "handed-over transfers settle in the order they were handed over")
        guard case .rejected(_, let rejection)? = outcomes[replayID] else {
            Issue.record("the replayed nonce must be refused: \(String(describing: outcomes[replayID]))")
            return
        }
        #expect(rejection.code == .nonceReused)

        // The receipts are what the log holds: each id once, at the height and leaf given.
        let rows = try await SequencerFailoverTests.blocksAndIDs(database.configuration)
        #expect(Set(ids).isSubset(of: rows.entryIDs) && !rows.entryIDs.contains(replayID))
        #expect(rows.entryIDs.count == rows.entryCount)
        // Settled rows are cleared (the relay does it just after the receipts are readable); the
        // refusal stays for the node to read, decided.
        #expect(try await Self.intakeRows(database.configuration, become: (waiting: 0, all: 1)))

        relay.cancel()
        await relay.value
        await database.first.releaseSequencer()
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func handedOverTransfersSurviveTheSequencersDeath() async throws {
        try await Database.with(seed: 184, Self.surviveDeath)
    }

    static func surviveDeath(_ database: Database) async throws {
        let dying = KilledInCommit(database.first)
        let first = try Settlement(
            store: dying, sequencerKeys: [database.sequencer], registrarKey: database.registrar,
            clock: Settlement.wallClockMs)
        var ring = try await seeded(first, seed: 184)
        let firstRelay = Task { await HandOffRelay(store: database.first, settlement: first).run() }
        let node = try await PostgresStore.open(database.configuration, sequencer: false)
        var acknowledged: [Hash32] = []

        func handOverAndWait(_ transfers: [SignedTransfer]) async throws {
            let ids = transfers.map { Entry.transfer($0).id }
            let outcomes = try await node.awaitHandOffOutcomes(ids, timeout: .seconds(20))
            for id in ids {
                guard case .settled(let receipt)? = outcomes[id] else {
                    Issue.record("a handed-over transfer must settle: \(String(describing: outcomes[id]))")
                    continue
                }
                acknowledged.append(receipt.id)
            }
        }
        let before = ring.next(16)
        try await node.handOff(before, node: "b")
        try await handOverAndWait(before)

        // Transfers handed over; the sequencer's session is killed while their block commits.
        // The receipts were readable before settlement took note of its own commit: wait for it.
        await first.waitUntilIdle()
        let tipBefore = await first.latestHeader.header.height
        dying.arm(database.configuration)
        let during = ring.next(64)
        try await node.handOff(during, node: "b")
        // The deposed sequencer's relay stops at its first fenced write.
        await firstRelay.value
        let killed = try #require(dying.killedAt, "the session must have been killed inside a commit")
        #expect(try await node.latestHeight() == tipBefore, "the block in flight did not land")

        // The node takes the lease, settles from the committed tip and relays what waits.
        try await node.awaitSequencer(pollEvery: .milliseconds(200))
        print("hand-off: sequencer takeover after its session was killed: \(ContinuousClock.now - killed)")
        let second = try database.settlement(node)
        let secondRelay = Task { await HandOffRelay(store: node, settlement: second).run() }
        let acknowledgedBefore = acknowledged.count
        try await handOverAndWait(during)
        #expect(acknowledged.count == acknowledgedBefore + during.count)
        let after = ring.next(16)
        try await node.handOff(after, node: "b")
        try await handOverAndWait(after)

        #expect(acknowledged.count == 96)
        let rows = try await SequencerFailoverTests.blocksAndIDs(database.configuration)
        #expect(rows.heights == Array(0...(rows.heights.last ?? 0)))
        for (previous, next) in zip(rows.headers, rows.headers.dropFirst()) {
            #expect(next.prevHash == previous.hash, "block \(next.height) must extend \(previous.height)")
        }
        #expect(Set(acknowledged).isSubset(of: rows.entryIDs))
        #expect(rows.entryIDs.count == rows.entryCount, "an entry id appears twice in the log")
        let (state, _) = try node.loadLedger()
        #expect(state.balances[IMOs.a]?.values.reduce(0, +) == 400)
        #expect(try await Self.intakeRows(database.configuration, become: (waiting: 0, all: 0)))

        secondRelay.cancel()
        await secondRelay.value
        await node.releaseSequencer()
    }

    /// Whether the rows in `intake` (waiting for a sequencer, and all: decided refusals are kept
    /// for reading) become `expected` within 10 s.
    static func intakeRows(
        _ configuration: PostgresConnection.Configuration, become expected: (waiting: Int64, all: Int64)
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let rows = try await intakeRows(configuration)
            if rows == expected { return true }
            if ContinuousClock.now > deadline {
                Issue.record("intake rows \(rows), expected \(expected)")
                return false
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func intakeRows(
        _ configuration: PostgresConnection.Configuration
    ) async throws -> (waiting: Int64, all: Int64) {
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 10, logger: logger)
        do {
            var count: (waiting: Int64, all: Int64) = (-1, -1)
            for try await value in try await connection.query(
                "SELECT (count(*) FILTER (WHERE code IS NULL))::BIGINT, count(*)::BIGINT FROM intake", logger: logger
            ).decode((Int64, Int64).self) {
                count = value
            }
            try await connection.close()
            return count
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The sequencer's store, which kills its own lease's session from the server side at the start
/// of the first commit after `arm`: the sequencer dies with a block in flight, deterministically.
final class KilledInCommit: SettlementStore, @unchecked Sendable {  // State behind its Mutex.
    let store: PostgresStore
    private let state = Mutex<(armed: PostgresConnection.Configuration?, killedAt: ContinuousClock.Instant?)>(
        (nil, nil))

    init(_ store: PostgresStore) { self.store = store }

    var genesis: Genesis { store.genesis }
    var killedAt: ContinuousClock.Instant? { state.withLock { $0.killedAt } }

    func arm(_ configuration: PostgresConnection.Configuration) { state.withLock { $0.armed = configuration } }

    func loadLedger() throws(StoreError) -> (state: LedgerState, tip: StoreTip) { try store.loadLedger() }

    func commit(_ block: CommittedBlock, changes: StateChanges) async throws(StoreError) {
        if let configuration = state.withLock({ state in
            defer { state.armed = nil }
            return state.armed
        }), let session = store.sequencerSessionPID {
            try? await PostgresAdmin.execute("SELECT pg_terminate_backend(\(session))", on: configuration)
            state.withLock { $0.killedAt = .now }
        }
        try await store.commit(block, changes: changes)
    }

    func probeWrite() async throws(StoreError) { try await store.probeWrite() }

    var probeSettlesAFailedCommit: Bool { store.probeSettlesAFailedCommit }

    func recordRejections(_ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs) async throws(StoreError) {
        try await store.recordRejections(rejected, decidedAtMs: decidedAtMs)
    }
}
