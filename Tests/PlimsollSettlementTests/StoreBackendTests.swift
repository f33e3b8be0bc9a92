import Foundation
import GRDB
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// One body of store tests run against each backend (issue 17, item 1): the embedded SQLite store
/// and PostgreSQL (a real server: `scripts/postgres-test-server` starts one and prints the URL to
/// put in PLIMSOLL_TEST_POSTGRES; .ci/run does, and there the PostgreSQL tests must run).
struct StoreBackendTests {
    static let postgresURL = ProcessInfo.processInfo.environment["PLIMSOLL_TEST_POSTGRES"]
    static let inCI = ProcessInfo.processInfo.environment["CI"] != nil

    /// A fresh registry on one backend: its store, a way to open it again, and a way to damage a
    /// balance row behind the store's back.
    struct Backend {
        let store: any SettlementStore
        let reopen: () async throws -> any SettlementStore
        let tamper: () async throws -> Void
        let cleanup: () async -> Void
    }

    static func keys(_ seed: UInt64) -> (registrar: SigningKey, sequencer: SigningKey) {
        var rng = SplitMix64(seed: seed)
        return (SigningKey.generate(using: &rng), SigningKey.generate(using: &rng))
    }

    static func genesis(_ seed: UInt64) throws -> (Genesis, CommittedBlock, LedgerState) {
        let (registrar, sequencer) = keys(seed)
        let genesis = try Genesis(
            name: "Backend Registry", registrarKey: registrar.publicKey, sequencerKey: sequencer.publicKey,
            createdAtMs: Settlement.wallClockMs())
        let (block, state) = BlockBuilder.genesisBlock(genesis, sequencerKey: sequencer)
        return (genesis, block, state)
    }

    static func sqlite(_ seed: UInt64) throws -> Backend {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "plimsoll-backend-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(SQLiteStore.fileName)
        let (genesis, block, state) = try genesis(seed)
        let store = try SQLiteStore.create(at: url, genesis: genesis, genesisBlock: block, state: state)
        return Backend(
            store: store, reopen: { try SQLiteStore.open(at: url) },
            tamper: {
                let queue = try DatabaseQueue(path: url.path)
                try queue.write { try $0.execute(sql: "UPDATE balances SET units = units + 1") }
            },
            cleanup: { try? FileManager.default.removeItem(at: folder) })
    }

    static func postgres(_ seed: UInt64) async throws -> Backend {
        let admin = try PostgresStore.configuration(try #require(postgresURL))
        let name = "plimsoll_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        func onAdmin(_ sql: String) async throws { try await PostgresAdmin.execute(sql, on: admin) }
        try await onAdmin("CREATE DATABASE \(name)")
        let configuration = PostgresAdmin.database(name, of: admin)
        let (genesis, block, state) = try genesis(seed)
        let store = try await PostgresStore.create(configuration, genesis: genesis, genesisBlock: block, state: state)
        return Backend(
            store: store,
            reopen: {
                // The first store hands the sequencer lease over, as a node stopping does.
                await store.releaseSequencer()
                return try await PostgresStore.open(configuration)
            },
            tamper: { try await PostgresAdmin.execute("UPDATE balances SET units = units + 1", on: configuration) },
            cleanup: { try? await onAdmin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") })
    }

    /// The body every backend runs: settle holders, transfers and refusals; open the store again
    /// and find the same state, tip and commitment; settle on from there; a damaged row stops the
    /// store from opening.
    static func settlesReopensAndRefusesDamage(_ backend: Backend, seed: UInt64) async throws {
        let (registrar, sequencer) = keys(seed)
        let settlement = try Settlement(
            store: backend.store, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs)
        var rng = SplitMix64(seed: seed &+ 1)
        let holders = (0..<6).map { _ in SigningKey.generate(using: &rng) }
        _ = try await RegistrySeed.seed(
            settlement, holders: holders.enumerated().map { ("Holder \($0)", $1) }, vessels: [(IMOs.a, 60)],
            issues: holders.indices.map { RegistrySeed.Issue(vessel: IMOs.a, holder: $0, units: 10) },
            kycUntilMs: Settlement.wallClockMs() + 86_400_000)
        let chainID = await settlement.state.chainID
        func transfer(_ from: Int, _ to: Int, nonce: UInt64) -> Entry {
            .transfer(
                Transfer(
                    chainID: chainID, asset: IMOs.a, from: holders[from].publicKey, to: holders[to].publicKey,
                    amount: 1, nonce: nonce, expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                ).signed(by: holders[from]))
        }
        var entries: [Entry] = []
        for round in 1...20 { entries += (0..<6).map { transfer($0, ($0 + 1) % 6, nonce: UInt64(round)) } }
        let outcomes = try await settlement.submitAll(entries)
        #expect(outcomes.allSatisfy { if case .settled = $0 { true } else { false } })
        // A replayed nonce: refused and audited.
        let replay = try await settlement.submit(transfer(0, 1, nonce: 3))
        guard case .rejected(_, let refusal) = replay else { throw SetupError("a replayed nonce must be refused") }
        #expect(refusal.code == .nonceReused)
        await settlement.waitUntilIdle()
        let live = await settlement.state
        let liveHeader = await settlement.latestHeader

        // Opened again: the same state, tip and commitment.
        let reopened = try await backend.reopen()
        let (loaded, tip) = try reopened.loadLedger()
        #expect(loaded == live)
        #expect(tip.header == liveHeader)
        #expect(tip.commitment?.root == liveHeader.header.stateDigest)
        // And settlement continues from there.
        let next = try Settlement(
            store: reopened, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs)
        guard case .settled(let receipt) = try await next.submit(transfer(2, 3, nonce: 21)) else {
            throw SetupError("a transfer after reopening must settle")
        }
        #expect(receipt.height == liveHeader.header.height + 1)
        await next.waitUntilIdle()

        // A balance changed behind the store's back: the tip's state commitment no longer matches.
        try await backend.tamper()
        #expect(throws: StoreError.self) { _ = try reopened.loadLedger() }
    }

    @Test func sqliteStore() async throws {
        let backend = try Self.sqlite(171)
        try await Self.settlesReopensAndRefusesDamage(backend, seed: 171)
        await backend.cleanup()
    }

    @Test(
        .enabled(
            if: postgresURL != nil,
            "no PostgreSQL server: run scripts/postgres-test-server and set PLIMSOLL_TEST_POSTGRES to the URL it prints"
        ))
    func postgresStore() async throws {
        let backend = try await Self.postgres(172)
        do { try await Self.settlesReopensAndRefusesDamage(backend, seed: 172) } catch {
            await backend.cleanup()
            throw error
        }
        await backend.cleanup()
    }

    /// PostgreSQL enforces one block a height: a second row for a height is refused by the key.
    @Test(.enabled(if: postgresURL != nil, "no PostgreSQL server (see postgresStore)"))
    func aHeightHoldsOneBlockByConstraint() async throws {
        let backend = try await Self.postgres(173)
        let store = try #require(backend.store as? PostgresStore)
        #expect(try await store.latestHeight() == 0)
        let configuration = PostgresAdmin.database(
            try #require(store.databaseName), of: try PostgresStore.configuration(try #require(Self.postgresURL)))
        var refused = false
        do {
            try await PostgresAdmin.execute(
                "INSERT INTO blocks (height, hash, header, signature, timestamp_ms, entry_count, log_size, frontier) VALUES (0, '\\x00', '\\x00', '\\x00', 0, 0, 0, '\\x00')",
                on: configuration)
        } catch {
            refused = true
        }
        #expect(refused, "a second block at height 0 must be refused by the primary key")
        await backend.cleanup()
    }

    /// In CI the PostgreSQL tests must run, never be skipped.
    @Test(.enabled(if: inCI)) func ciRunsThePostgresTests() {
        #expect(
            Self.postgresURL != nil,
            "CI must start PostgreSQL (scripts/postgres-test-server) and set PLIMSOLL_TEST_POSTGRES")
    }
}
