import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollTesting
import Testing

/// Settlement checks the signatures of intake ahead of the batch cut, in chunks that do not line
/// up with batches (a chunk may cover the end of one batch and the start of the next). Each
/// entry must still get its own signature's verdict.
struct VerifyAheadTests {
    @Test(arguments: [1, 3, 7, 64])
    func everyEntryGetsItsOwnVerdictWhateverTheBatchSize(batchEntries: Int) async throws {
        let registry = try TempRegistry(seed: 41)
        var config = SettlementConfig()
        config.batchEntriesMax = batchEntries
        let settlement = try registry.settlement(config: config)
        let keys = try await Setup.holders(settlement, count: 3, seed: 41, units: 900)
        let chainID = await settlement.state.chainID
        let expires = UInt64(Date().timeIntervalSince1970) + 600
        var rng = SplitMix64(seed: UInt64(batchEntries))
        // Holder 0 signs its own transfers; holder 1's are signed by holder 2 (forged), at
        // positions no batch or chunk size lines up with.
        var entries: [Entry] = []
        var forged: Set<Hash32> = []
        var honestNonce: UInt64 = 0
        var forgedNonce: UInt64 = 0
        for _ in 0..<150 {
            if rng.next() % 4 == 0 {
                forgedNonce += 1
                let transfer = Transfer(
                    chainID: chainID, asset: IMOs.a, from: keys[1].publicKey, to: keys[0].publicKey, amount: 1,
                    nonce: forgedNonce, expiresAt: expires)
                entries.append(
                    .transfer(SignedTransfer(transfer: transfer, signature: keys[2].sign(hash: transfer.message))))
                forged.insert(transfer.message)
            } else {
                honestNonce += 1
                let transfer = Transfer(
                    chainID: chainID, asset: IMOs.a, from: keys[0].publicKey, to: keys[2].publicKey, amount: 1,
                    nonce: honestNonce, expiresAt: expires)
                entries.append(.transfer(transfer.signed(by: keys[0])))
            }
        }
        #expect(!forged.isEmpty && forged.count < entries.count)
        let outcomes = try await settlement.submitAll(entries)
        #expect(outcomes.count == entries.count)
        for (entry, outcome) in zip(entries, outcomes) {
            let isForged = forged.contains(entry.id)
            switch outcome {
            case .settled(let receipt):
                #expect(!isForged, "a forged transfer settled (batches of \(batchEntries))")
                #expect(receipt.id == entry.id)
            case .rejected(let id, let rejection):
                #expect(id == entry.id)
                #expect(isForged, "an honest transfer was refused: \(rejection)")
                #expect(rejection.code == .badSignature)
            case .failed(_, let message, _):
                Issue.record("store failure: \(message)")
            }
        }
        let state = await settlement.state
        #expect(state.balance(IMOs.a, keys[0].publicKey) == 300 - honestNonce)
        #expect(state.balance(IMOs.a, keys[1].publicKey) == 300)
        #expect(state.unitsAccountedFor(IMOs.a) == 900)
    }
}
