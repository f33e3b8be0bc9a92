import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// A block whose commit failed is followed by one durable probe write before its submitters are
/// answered: on SQLite that write buries a commit whose frames reached the WAL before its sync
/// failed (WALWriteBufferFaultTests), so "not settled" is final. When the probe fails as well,
/// the answer says the outcome is open.
struct FailedCommitProbeTests {
    static func world(seed: UInt64) throws -> (MemoryStore, Settlement, RegistrarEntry, RegistrarEntry) {
        var rng = SplitMix64(seed: seed)
        let registrar = SigningKey.generate(using: &rng)
        let genesis = try Genesis(name: "Probe", registrarKey: registrar.publicKey, createdAtMs: 1_000)
        let store = MemoryStore(genesis: genesis, sequencerKey: registrar)
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: { 2_000 })
        let entries = try ["Probe AS", "Probe Two AS"].map { name in
            RegistrarEntry.signed(
                .registerParty(PartyRegistration(kind: .organization, name: name, country: try Country("NO"))),
                sequence: 1, chainID: genesis.chainID, by: registrar)
        }
        return (store, settlement, entries[0], entries[1])
    }

    @Test func aFailedCommitIsProbedBeforeItsSubmitterHears() async throws {
        let (store, settlement, entry, _) = try Self.world(seed: 91)
        let before = store.writeCount
        store.failNextCommit()
        let outcome = try await settlement.submitSignedRegistrar([entry])[0]
        guard case .failed(_, let message, _) = outcome else {
            Issue.record("the block's commit failed, so the entry must fail: \(outcome)")
            return
        }
        #expect(store.writeCount == before + 2, "the failed commit, then the probe, before the answer")
        #expect(!outcome.isOpen, "the probe committed, so the failure is final: \(message)")
        let stats = await settlement.stats
        #expect(stats.failedCommits == 1 && stats.probes == 1 && stats.openFailures == 0, "\(stats)")
        #expect(store.blocks.count == 1)
        let again = try await settlement.submitSignedRegistrar([entry])[0]
        guard case .settled = again else {
            Issue.record("the same entry settles when sent again: \(again)")
            return
        }
    }

    @Test func aFailedProbeLeavesTheOutcomeOpen() async throws {
        let (store, settlement, _, entry) = try Self.world(seed: 92)
        let before = store.writeCount
        store.failNextWrites(2)
        let outcome = try await settlement.submitSignedRegistrar([entry])[0]
        guard case .failed(_, let message, _) = outcome else {
            Issue.record("the block's commit failed, so the entry must fail: \(outcome)")
            return
        }
        #expect(outcome.isOpen, "\(message)")
        let stats = await settlement.stats
        #expect(stats.failedCommits == 1 && stats.probes == 1 && stats.openFailures == 1, "\(stats)")
        #expect(
            message.contains("error at write \(before + 1)") && !message.contains("error at write \(before + 2)"),
            "the commit's failure is named, not the probe's: \(message)")
        #expect(store.writeCount == before + 2)
        #expect(await settlement.readiness(), "a later write succeeds, and the registry is ready again")
        let again = try await settlement.submitSignedRegistrar([entry])[0]
        guard case .settled = again else {
            Issue.record("the same entry settles when sent again: \(again)")
            return
        }
    }
}
