import Foundation
import Logging
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import PostgresNIO
import Testing

/// Several nodes on one PostgreSQL registry, one sequencer (issue 17): the lease is exclusive, a
/// node without it cannot write, and when the sequencer's session dies a standby takes over
/// within 10 s from the committed tip with nothing acknowledged lost and no height claimed twice.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct SequencerFailoverTests {
    /// A registry in a database of its own, dropped by `cleanup`.
    struct Database {
        let configuration: PostgresConnection.Configuration
        let admin: PostgresConnection.Configuration
        let name: String
        let first: PostgresStore
        let registrar: SigningKey
        let sequencer: SigningKey

        init(seed: UInt64) async throws {
            admin = try PostgresStore.configuration(try #require(StoreBackendTests.postgresURL))
            name = "plimsoll_failover_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: admin)
            configuration = PostgresAdmin.database(name, of: admin)
            (registrar, sequencer) = StoreBackendTests.keys(seed)
            let (genesis, block, state) = try StoreBackendTests.genesis(seed)
            first = try await PostgresStore.create(configuration, genesis: genesis, genesisBlock: block, state: state)
        }

        func settlement(_ store: PostgresStore) throws -> Settlement {
            try Settlement(
                store: store, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs)
        }

        /// Runs `body` on a fresh registry database and drops the database after, whatever happens.
        static func with(seed: UInt64, _ body: (Database) async throws -> Void) async throws {
            let database = try await Database(seed: seed)
            do { try await body(database) } catch {
                await database.cleanup()
                throw error
            }
            await database.cleanup()
        }

        func cleanup() async {
            try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
        }
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func oneSequencerAtATime() async throws {
        try await Database.with(seed: 181, Self.oneSequencerAtATime)
    }

    static func oneSequencerAtATime(_ database: Database) async throws {
        #expect(database.first.isSequencer)
        // A second node cannot become the sequencer while the first is.
        await #expect(throws: StoreError(.locked, "another node is the sequencer of this registry")) {
            _ = try await PostgresStore.open(database.configuration)
        }
        // A standby opens, reads the same tip, and cannot write anything.
        let standby = try await PostgresStore.open(database.configuration, sequencer: false)
        #expect(!standby.isSequencer)
        #expect(try await standby.tryBecomeSequencer() == false)
        let (state, tip) = try standby.loadLedger()
        do {
            try await standby.probeWrite()
            Issue.record("a standby's write must be fenced")
        } catch { #expect(error.code == .fenced) }
        do {
            try await standby.recordRejections([], decidedAtMs: 1)
            Issue.record("a standby's audit write must be fenced")
        } catch { #expect(error.code == .fenced) }
        #expect(state.chainID == database.first.genesis.chainID && tip.header.header.height == 0)
        // Handed over cleanly, the lease moves at once.
        await database.first.releaseSequencer()
        #expect(try await standby.tryBecomeSequencer())
        try await standby.probeWrite()
        do {
            try await database.first.probeWrite()
            Issue.record("the node that handed over must be fenced")
        } catch { #expect(error.code == .fenced) }
        await standby.releaseSequencer()
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func aStandbyTakesOverWhenTheSequencerDies() async throws {
        try await Database.with(seed: 182, Self.aStandbyTakesOver)
    }

    static func aStandbyTakesOver(_ database: Database) async throws {
        let first = try database.settlement(database.first)
        var rng = SplitMix64(seed: 182)
        let holders = (0..<4).map { _ in SigningKey.generate(using: &rng) }
        _ = try await RegistrySeed.seed(
            first, holders: holders.enumerated().map { ("Holder \($0)", $1) }, vessels: [(IMOs.a, 400)],
            issues: holders.indices.map { RegistrySeed.Issue(vessel: IMOs.a, holder: $0, units: 100) },
            kycUntilMs: Settlement.wallClockMs() + 86_400_000)
        let chainID = await first.state.chainID
        var nonces = [UInt64](repeating: 0, count: holders.count)
        func transfers(_ count: Int) -> [Entry] {
            (0..<count).map { index in
                let from = index % holders.count
                nonces[from] += 1
                return .transfer(
                    Transfer(
                        chainID: chainID, asset: IMOs.a, from: holders[from].publicKey,
                        to: holders[(from + 1) % holders.count].publicKey, amount: 1, nonce: nonces[from],
                        expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                    ).signed(by: holders[from]))
            }
        }
        var acknowledged: [Hash32] = []
        for outcome in try await first.submitAll(transfers(40)) {
            if case .settled(let receipt) = outcome { acknowledged.append(receipt.id) }
        }
        #expect(acknowledged.count == 40)
        await first.waitUntilIdle()

        // A standby waits for the lease; the sequencer's session is killed from the server side,
        // as when its machine dies or its connection is cut.
        let standby = try await PostgresStore.open(database.configuration, sequencer: false)
        let waiting = Task { try await standby.awaitSequencer(pollEvery: .milliseconds(200)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!standby.isSequencer)
        let killed = ContinuousClock.now
        // Only this registry's sequencer session: other tests' servers run beside this one.
        let session = try #require(database.first.sequencerSessionPID)
        try await PostgresAdmin.execute("SELECT pg_terminate_backend(\(session))", on: database.configuration)
        try await waiting.value
        let takeover = ContinuousClock.now - killed
        #expect(takeover < .seconds(10), "takeover took \(takeover)")
        print("sequencer takeover after its session was killed: \(takeover)")

        // The old sequencer cannot land anything any more: its transfers fail, nothing is acknowledged.
        let late = try await first.submitAll(transfers(4))
        #expect(
            late.allSatisfy { outcome in
                if case .failed(_, let message, _) = outcome { message.contains("STORE_FENCED") } else { false }
            }, "the old sequencer's transfers must fail fenced: \(late)")
        #expect(!database.first.isSequencer)
        for index in holders.indices { nonces[index] -= 1 }

        // The new sequencer continues from the committed tip.
        let second = try database.settlement(standby)
        let tipBefore = await second.latestHeader.header.height
        for outcome in try await second.submitAll(transfers(40)) {
            guard case .settled(let receipt) = outcome else {
                Issue.record("after the takeover a transfer must settle: \(outcome)")
                continue
            }
            acknowledged.append(receipt.id)
            #expect(receipt.height > tipBefore)
        }
        await second.waitUntilIdle()

        // One linear log: heights 0...tip, each block linked to the one before; every
        // acknowledged transfer in it once.
        let reader = try await PostgresStore.open(database.configuration, sequencer: false)
        let (state, tip) = try reader.loadLedger()
        #expect(state.balances[IMOs.a]?.values.reduce(0, +) == 400)
        let rows = try await Self.blocksAndIDs(database.configuration)
        #expect(rows.heights == Array(0...tip.header.header.height))
        for (previous, next) in zip(rows.headers, rows.headers.dropFirst()) {
            #expect(next.prevHash == previous.hash, "block \(next.height) must extend \(previous.height)")
        }
        #expect(Set(acknowledged).isSubset(of: rows.entryIDs))
        #expect(rows.entryIDs.count == rows.entryCount, "an entry id appears twice in the log")
        await standby.releaseSequencer()
    }

    /// Every block header and entry id, read straight from the tables.
    static func blocksAndIDs(
        _ configuration: PostgresConnection.Configuration
    ) async throws -> (heights: [UInt64], headers: [BlockHeader], entryIDs: Set<Hash32>, entryCount: Int) {
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 9, logger: logger)
        do {
            let read = try await read(connection, logger)
            try await connection.close()
            return read
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func read(
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (heights: [UInt64], headers: [BlockHeader], entryIDs: Set<Hash32>, entryCount: Int) {
        var heights: [UInt64] = []
        var headers: [BlockHeader] = []
        for try await (height, header) in try await connection.query(
            "SELECT height, header FROM blocks ORDER BY height", logger: logger
        ).decode((Int64, ByteBuffer).self) {
            heights.append(UInt64(height))
            headers.append(try BlockHeader(canonicalBytes: Array(buffer: header)))
        }
        var ids: Set<Hash32> = []
        var count = 0
        for try await id in try await connection.query("SELECT entry_id FROM entries", logger: logger).decode(
            ByteBuffer.self)
        {
            ids.insert(try Hash32(bytes: Array(buffer: id)))
            count += 1
        }
        return (heights, headers, ids, count)
    }
}
