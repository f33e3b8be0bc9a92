import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// Within one batch: one key's transfers apply in ascending nonce order (first arrival wins a
/// tie), different keys in arrival order; outcomes come back in input order.
struct BlockBuilderTests {
    @Test func sameKeyAppliesInNonceOrder() throws {
        var fixture = LedgerFixture(seed: 8)
        let owner = fixture.party("Owner", country: "PA", kind: .organization)
        let alice = fixture.holder("Alice")
        let bob = fixture.holder("Bob")
        fixture.vessel(IMOs.a, owner: owner, issue: [(alice.key, 10), (bob.key, 10)])
        let (genesisBlock, _) = BlockBuilder.genesisBlock(fixture.genesis, sequencerKey: fixture.registrar)
        let tip = StoreTip(header: genesisBlock.header, frontier: genesisBlock.frontier)
        let send = { (nonce: UInt64, amount: UInt64) in
            fixture.transfer(alice.key, to: bob.key.publicKey, IMOs.a, amount: amount, nonce: nonce)
        }
        let entries: [Entry] = [
            send(3, 1), send(1, 1), fixture.transfer(bob.key, to: alice.key.publicKey, IMOs.a, amount: 2, nonce: 1),
            send(2, 1), send(1, 2),
        ]
        let candidates = entries.map { Candidate(entry: $0, receivedAtMs: fixture.timeMs, signatureValid: true) }
        #expect(BlockBuilder.applyOrder(candidates) == [1, 4, 2, 3, 0])
        var ledger = fixture.ledger
        var commitment = StateCommitment(state: ledger.state)
        let built = BlockBuilder.build(
            ledger: &ledger, commitment: &commitment, tip: tip, candidates: candidates,
            timestampMs: fixture.timeMs, sequencerKeys: [fixture.registrar.publicKey: fixture.registrar]
        )
        let (block, outcomes) = (built.block, built.outcomes)
        let codes = outcomes.map { outcome -> String in
            switch outcome {
            case .settled: "settled"
            case .rejected(_, let rejection): rejection.code.rawValue
            case .failed: "failed"
            }
        }
        #expect(codes == ["settled", "settled", "settled", "settled", "NONCE_REUSED"])
        #expect(block?.header.header.entryCount == 4)
        #expect(ledger.state.balance(IMOs.a, alice.key.publicKey) == 10 - 3 + 2)
        #expect(ledger.state.keys[alice.key.publicKey]?.lastNonce == 3)
    }
}
