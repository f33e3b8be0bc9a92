import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollTesting
import Testing

/// `plimsoll verify` checks the signatures of a few blocks ahead of its replay. When a block
/// fails, the checks of the blocks after it stop; a stopped check gives no verdict at all, so no
/// entry it did not reach can pass for valid (or for forged).
struct VerifierCancellationTests {
    /// Transfers from three keys; every fifth is signed by the wrong key.
    static func entries(seed: UInt64, count: Int) -> (entries: [Entry], forged: Set<Int>, chainID: Hash32) {
        var fixture = LedgerFixture(seed: seed)
        let keys = (0..<3).map { _ in SigningKey.generate(using: &fixture.rng) }
        var forged: Set<Int> = []
        let entries = (0..<count).map { index -> Entry in
            let from = keys[index % 3]
            let transfer = Transfer(
                chainID: fixture.chainID, asset: IMOs.a, from: from.publicKey, to: keys[(index + 1) % 3].publicKey,
                amount: 1, nonce: UInt64(index + 1), expiresAt: 1_900_000_000)
            guard index % 5 == 4 else { return .transfer(transfer.signed(by: from)) }
            forged.insert(index)
            return .transfer(
                SignedTransfer(transfer: transfer, signature: keys[(index + 2) % 3].sign(hash: transfer.message)))
        }
        return (entries, forged, fixture.chainID)
    }

    @Test(arguments: [1, 63, 64, 1_000])
    func uncancelledItGivesTheSameVerdictsAsSettlement(count: Int) async {
        let (entries, forged, chainID) = Self.entries(seed: UInt64(count), count: count)
        let verdicts = await Verifier.verifyUnlessCancelled(entries, chainID: chainID)
        #expect(verdicts == (0..<count).map { !forged.contains($0) })
        #expect(verdicts == (await Verifier.verify(entries, chainID: chainID)))
    }

    @Test(arguments: [1, 63, 64, 1_000])
    func cancelledItGivesNoVerdict(count: Int) async {
        let (entries, _, chainID) = Self.entries(seed: UInt64(count) + 7, count: count)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await Verifier.verifyUnlessCancelled(entries, chainID: chainID)
        }
        #expect(await task.value == nil, "a cancelled check is no verdict")
        let settling = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await Verifier.verify(entries, chainID: chainID)
        }
        #expect(await settling.value.count == count, "settlement's checks never stop half way")
    }
}
