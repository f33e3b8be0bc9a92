import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import PostgresNIO
import Testing

/// A node of a registry on PostgreSQL (issue 17): its mirror follows the shared log block by block
/// and keeps nothing that does not replay; its intake refuses a bad signature at once and hands
/// the rest, registrar entries signed elsewhere included, to whichever node sequences.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ClusterNodeTests {
    typealias Database = SequencerFailoverTests.Database

    static func mirror(_ database: Database, _ folder: URL) async throws -> LogMirror {
        try await LogMirror.open(
            at: folder.appendingPathComponent(SQLiteStore.fileName), reader: PostgresLogReader(database.configuration))
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-mirror-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A node that reads a streaming replica knows the registry's genesis from the primary. A
    /// replica that has not yet replayed the registry's creation (made a moment ago) is waited
    /// for; one that holds another registry is refused at once; without the primary's genesis, a
    /// missing database is an error at once, as before.
    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func aMirrorWaitsForAReplicaThatHasNotYetReplayedTheRegistry() async throws {
        let admin = try PostgresStore.configuration(try #require(StoreBackendTests.postgresURL))
        let name = "plimsoll_late_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        let configuration = PostgresAdmin.database(name, of: admin)
        let (genesis, block, state) = try StoreBackendTests.genesis(193)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        defer { Task { try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin) } }
        let file = { (label: String) in folder.appendingPathComponent("\(label)-\(SQLiteStore.fileName)") }
        await #expect(throws: StoreError.self, "no wait without the primary's genesis") {
            try await LogMirror.open(at: file("at-once"), reader: PostgresLogReader(configuration))
        }
        let late = file("late")
        let opening = Task {
            // A patience longer than a node's 30 s: under CI's load, making a database can take
            // that long, and the point here is the waiting, not its bound.
            try await LogMirror.open(
                at: late, reader: PostgresLogReader(configuration), expected: genesis, patience: .seconds(240))
        }
        try await Task.sleep(for: .milliseconds(1_500))
        try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: admin)
        _ = try await PostgresStore.create(configuration, genesis: genesis, genesisBlock: block, state: state)
        let mirror = try await opening.value
        #expect(mirror.current.state.chainID == genesis.chainID)
        #expect(mirror.height == 0)
        let (other, _, _) = try StoreBackendTests.genesis(194)
        let started = ContinuousClock.now
        await #expect(throws: StoreError.self, "another registry") {
            try await LogMirror.open(at: file("other"), reader: PostgresLogReader(configuration), expected: other)
        }
        #expect(ContinuousClock.now - started < .seconds(10), "refused at once, not after the patience")
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func theMirrorFollowsTheLogAndContinuesAfterARestart() async throws {
        try await Database.with(seed: 191) { database in
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let sequencer = try database.settlement(database.first)
            var ring = try await HandOffTests.seeded(sequencer, seed: 191)
            var mirror: LogMirror? = try await Self.mirror(database, folder)
            try await mirror!.step()
            #expect(mirror!.current.state.digest == (await sequencer.state).digest)
            #expect(mirror!.current.header == (await sequencer.latestHeader))

            // A restarted mirror takes up from its own last block.
            mirror = nil
            for transfer in ring.next(12) { _ = try await sequencer.submit(.transfer(transfer)) }
            mirror = try await Self.mirror(database, folder)
            let taken = try await mirror!.step()
            #expect(taken > 0)
            #expect(mirror!.current.header == (await sequencer.latestHeader))
            #expect(mirror!.current.state.digest == (await sequencer.state).digest)
            // The file is an ordinary registry: its own check passes, and a proof verifies.
            #expect(StoreCheck.quick(mirror!.store).isEmpty)
            let holder = ring.holders[1].publicKey
            let proof = try #require(mirror!.holdingProof(asset: IMOs.a, key: holder))
            try proof.verify(signer: database.sequencer.publicKey, chainID: ring.chainID)
            #expect(proof.units == (await sequencer.state).balance(IMOs.a, holder))
            // The key's own record proves from the mirror too, and names what the sequencer holds.
            let keyProof = try #require(mirror!.keyProof(key: holder))
            try keyProof.verify(signer: database.sequencer.publicKey, chainID: ring.chainID)
            #expect(keyProof.record == (await sequencer.state).keys[holder])
            #expect(keyProof.record != nil)
        }
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func aBlockThatDoesNotReplayIsNeverKept() async throws {
        try await Database.with(seed: 192) { database in
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let sequencer = try database.settlement(database.first)
            var ring = try await HandOffTests.seeded(sequencer, seed: 192)
            let mirror = try await Self.mirror(database, folder)
            try await mirror.step()
            let kept = mirror.height
            for transfer in ring.next(4) { _ = try await sequencer.submit(.transfer(transfer)) }
            // The last byte of a settled transfer (its signature) changed behind the sequencer's
            // back: the entry still decodes, the block's entries root no longer matches.
            try await PostgresAdmin.execute(
                """
                UPDATE entries SET bytes = overlay(bytes placing decode(CASE WHEN get_byte(bytes, length(bytes) - 1) = 0
                THEN '01' ELSE '00' END, 'hex') from length(bytes) for 1) WHERE height = \(kept + 1)
                """,
                on: database.configuration)
            await #expect(throws: ReplayError.self) { try await mirror.step() }
            #expect(mirror.height == kept, "nothing of the bad block is kept")
            #expect(try mirror.store.latestHeight() == kept)
            #expect(mirror.failure?.contains("block \(kept + 1)") == true)
            // The replica had applied the bad block in place before its entries root was checked:
            // it is read back from the file, and reads and proofs answer from the last good block.
            #expect(mirror.current.header == mirror.keptHeader)
            #expect(mirror.current.state == (try mirror.store.loadLedger()).0)
            let proof = try #require(mirror.holdingProof(asset: IMOs.a, key: ring.holders[1].publicKey))
            try proof.verify(signer: database.sequencer.publicKey, chainID: ring.chainID)
            #expect(proof.header.header.height == kept)
            // It stays stopped: it never skips the block to serve what follows.
            await #expect(throws: StoreError.self) { try await mirror.step() }
        }
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func aMirrorOfAnotherDatabaseIsRefused() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Database.with(seed: 193) { first in
            _ = try await Self.mirror(first, folder)
        }
        try await Database.with(seed: 194) { second in
            await #expect(throws: StoreError.self) { _ = try await Self.mirror(second, folder) }
        }
    }

    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func aNodeRefusesBadSignaturesAndHandsTheRestToTheSequencer() async throws {
        try await Database.with(seed: 195) { database in
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let sequencer = try database.settlement(database.first)
            var ring = try await HandOffTests.seeded(sequencer, seed: 195)
            let relay = Task { await HandOffRelay(store: database.first, settlement: sequencer).run() }
            defer { relay.cancel() }
            let store = try await PostgresStore.open(database.configuration, sequencer: false)
            let mirror = try await Self.mirror(database, folder)
            let following = Task { await mirror.run() }
            defer { following.cancel() }
            let node = ClusterNode(store: store, mirror: mirror, name: "b", answerTimeout: .seconds(20))

            let transfers = ring.next(8)
            // The next transfer of holder 0, signed by holder 3.
            let next = ring.next(1)[0].transfer
            let forged = SignedTransfer(transfer: next, signature: ring.holders[3].sign(hash: next.message))
            let outcomes = try await node.submitAll(transfers.map(Entry.transfer) + [.transfer(forged)])
            for outcome in outcomes.prefix(8) {
                guard case .settled(let receipt) = outcome else {
                    Issue.record("a valid transfer settles through the hand-off: \(outcome)")
                    continue
                }
                // Read your writes: the node's own mirror holds the block of the receipt.
                #expect(mirror.height >= receipt.height)
            }
            guard case .rejected(_, let rejection) = outcomes[8] else {
                Issue.record("a forged transfer is refused: \(outcomes[8])")
                return
            }
            #expect(rejection.code == .badSignature)
            #expect(try await store.handOffOutcomes([Entry.transfer(forged).id]).isEmpty, "never handed over")

            // A registrar entry signed on the registrar's machine, sent to this node, settles at the
            // sequencer with the next registrar sequence.
            let sequence = await node.registrarSequence + 1
            let entry = RegistrarEntry.signed(
                .registerParty(
                    PartyRegistration(kind: .organization, name: "Late Joiner AS", country: try Country("NO"))),
                sequence: sequence, chainID: ring.chainID, by: database.registrar)
            let registrar = try await node.submitSignedRegistrar([entry])
            guard case .settled(let receipt) = registrar[0] else {
                Issue.record("the registrar entry settles: \(registrar[0])")
                return
            }
            #expect(mirror.height >= receipt.height)
            #expect(await node.registrarSequence == sequence)
            #expect(await node.state.parties.values.contains { $0.party.name == "Late Joiner AS" })
        }
    }

    /// A holder whose answer was lost (its node died after the commit) sends the same transfer
    /// again to the node that sequences now: it gets the receipt of the settled entry, not
    /// `NONCE_REUSED`; a different transfer with the used nonce is still refused.
    @Test(.enabled(if: StoreBackendTests.postgresURL != nil, "no PostgreSQL server (see StoreBackendTests)"))
    func aTransferSentAgainToTheSequencingNodeGetsItsReceipt() async throws {
        try await Database.with(seed: 196) { database in
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let first = try database.settlement(database.first)
            var ring = try await HandOffTests.seeded(first, seed: 196)
            let settled = ring.next(1)[0]
            guard case .settled(let original) = try await first.submit(.transfer(settled)) else {
                Issue.record("the first send settles")
                return
            }
            await database.first.releaseSequencer()

            let store = try await PostgresStore.open(database.configuration, sequencer: false)
            let mirror = try await Self.mirror(database, folder)
            let following = Task { await mirror.run() }
            defer { following.cancel() }
            let node = ClusterNode(store: store, mirror: mirror, name: "b", answerTimeout: .seconds(20))
            let sequencing = Task {
                await node.runSequencing(
                    sequencerKeys: [database.sequencer], registrarKey: database.registrar, rescreen: nil,
                    pollEvery: .milliseconds(20))
            }
            defer { sequencing.cancel() }
            let deadline = ContinuousClock.now + .seconds(30)
            while !node.isSequencing && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(node.isSequencing)

            let again = try await node.submitAll([.transfer(settled)])
            guard case .settled(let receipt) = again[0] else {
                Issue.record("a settled transfer sent again gets its receipt: \(again[0])")
                return
            }
            #expect(receipt == original)
            // Another transfer with the same nonce is not the settled entry: still refused.
            let other = Transfer(
                chainID: ring.chainID, asset: settled.transfer.asset, from: settled.transfer.from,
                to: ring.holders[3].publicKey, amount: 2, nonce: settled.transfer.nonce,
                expiresAt: settled.transfer.expiresAt)
            let signer = ring.holders.first { $0.publicKey == settled.transfer.from }!
            let refused = try await node.submitAll([.transfer(other.signed(by: signer))])
            guard case .rejected(_, let rejection) = refused[0] else {
                Issue.record("a different transfer with a used nonce is refused: \(refused[0])")
                return
            }
            #expect(rejection.code == .nonceReused)
        }
    }
}
