import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// A registrar entry whose block could not be made durable never landed: its sequence is free
/// again, and the same signed entry settles when sent again (a node handing it over retries it).
struct VoidedRegistrarEntryTests {
    @Test func aVoidedRegistrarEntrySettlesWhenSentAgain() async throws {
        var rng = SplitMix64(seed: 77)
        let registrar = SigningKey.generate(using: &rng)
        let genesis = try Genesis(name: "Voided", registrarKey: registrar.publicKey, createdAtMs: 1_000)
        let store = MemoryStore(genesis: genesis, sequencerKey: registrar)
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: { 2_000 })
        let entry = RegistrarEntry.signed(
            .registerParty(PartyRegistration(kind: .organization, name: "Voided AS", country: try Country("NO"))),
            sequence: 1, chainID: genesis.chainID, by: registrar)

        store.failNextCommit()
        let first = try await settlement.submitSignedRegistrar([entry])
        guard case .failed = first[0] else {
            Issue.record("the block's commit failed, so the entry must fail: \(first[0])")
            return
        }
        #expect(await settlement.registrarSequence == 0, "the voided sequence is free again")
        #expect(await settlement.readiness())
        let again = try await settlement.submitSignedRegistrar([entry])
        guard case .settled = again[0] else {
            Issue.record("the same signed entry settles when sent again: \(again[0])")
            return
        }
        #expect(await settlement.registrarSequence == 1)
        #expect(store.state.counters.registrarSequence == 1)
    }
}
