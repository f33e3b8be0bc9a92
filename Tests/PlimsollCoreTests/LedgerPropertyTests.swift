import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Seeded random sequences of valid and invalid entries against a small reference model.
struct LedgerPropertyTests {
    /// The reference model: balances and nonces, changed only by what the core accepted, and the
    /// simple checks it can judge on its own.
    struct Model {
        var balances: [Int: UInt64]
    }

    @Test(arguments: SplitMix64.seeds([1, 7, 0xC0FFEE]))
    func randomEntriesConserveUnitsAndAgreeWithModel(seed: UInt64) throws {
        var fixture = LedgerFixture(seed: seed)
        var rng = SplitMix64(seed: seed ^ 0x5EED)
        let owner = fixture.party("Owner Co", country: "PA", kind: .organization)
        let holders = (0..<6).map { fixture.holder("Holder \($0)") }
        let keys = holders.map(\.key)
        let assets = [IMOs.a, IMOs.b]
        for asset in assets {
            fixture.vessel(asset, units: 64, owner: owner, issue: keys.prefix(4).map { ($0, 16) })
        }
        var models = assets.map { _ in
            Model(balances: Dictionary(uniqueKeysWithValues: (0..<6).map { ($0, $0 < 4 ? 16 : 0) }))
        }
        var nonces: [Int: UInt64] = [:]  // Per key, across assets, as DESIGN.md says.
        var accepted = 0
        for step in 0..<3000 {
            let a = Int(rng.next() % 2)
            let from = Int(rng.next() % 6)
            var to = Int(rng.next() % 6)
            if to == from { to = (to + 1) % 6 }
            let amount = 1 + rng.next() % 20
            let last = nonces[from] ?? 0
            let nonce = rng.next() % 4 == 0 ? max(1, last) : last + 1 + rng.next() % 3
            let badSignature = rng.next() % 17 == 0
            fixture.timeMs += 1000
            let entry = fixture.transfer(keys[from], to: keys[to].publicKey, assets[a], amount: amount, nonce: nonce)
            let context = "seed \(seed) step \(step)"
            do {
                try fixture.apply(entry, signatureValid: !badSignature)
                accepted += 1
                #expect(!badSignature, "\(context): accepted a bad signature")
                #expect(nonce > last, "\(context): accepted a reused nonce")
                #expect(models[a].balances[from]! >= amount, "\(context): accepted an overdraft")
                models[a].balances[from]! -= amount
                models[a].balances[to]! += amount
                nonces[from] = nonce
            } catch {
                let expected: ReasonCode =
                    badSignature ? .badSignature : nonce <= last ? .nonceReused : .insufficientUnits
                #expect(error.code == expected, "\(context): \(error)")
                #expect(fixture.state == fixture.stateBeforeLastApply, "\(context): a rejection changed state")
            }
            for (index, asset) in assets.enumerated() {
                #expect(fixture.state.unitsAccountedFor(asset) == 64, "\(context): units of \(asset) not conserved")
                for holder in 0..<6 {
                    #expect(
                        fixture.state.balance(asset, keys[holder].publicKey) == models[index].balances[holder]!,
                        "\(context)")
                }
            }
        }
        #expect(accepted > 500, "seed \(seed): the workload must exercise acceptance")
    }

    /// Freezes, forced transfers and issuance mixed in: units stay conserved and frozen units
    /// never leave a key except under an order.
    @Test(arguments: SplitMix64.seeds([3, 11]))
    func registrarActionsKeepInvariants(seed: UInt64) throws {
        var fixture = LedgerFixture(seed: seed)
        var rng = SplitMix64(seed: seed)
        let owner = fixture.party("Owner Co", country: "PA", kind: .organization)
        let keys = (0..<5).map { fixture.holder("Holder \($0)").key }
        fixture.vessel(IMOs.a, units: 64, owner: owner)
        var nonces = [UInt64](repeating: 0, count: 5)
        for step in 0..<2000 {
            let k = Int(rng.next() % 5)
            let other = (k + 1 + Int(rng.next() % 4)) % 5
            let units = 1 + rng.next() % 10
            let action: RegistrarAction? =
                switch rng.next() % 8 {
                case 0: .issue(IMOs.a, to: keys[k].publicKey, units: units)
                case 1: .freeze(.keyUnits(keys[k].publicKey, asset: IMOs.a, units: units), reason: "lien")
                case 2: .unfreeze(.keyUnits(keys[k].publicKey, asset: IMOs.a, units: units), reason: "release")
                case 3:
                    .forcedTransfer(
                        IMOs.a, from: keys[k].publicKey, to: keys[other].publicKey, units: units, order: "ORD-\(step)")
                default: nil
                }
            let frozenBefore = fixture.state.keys[keys[k].publicKey]!.frozenUnits(of: IMOs.a)
            let balanceBefore = fixture.state.balance(IMOs.a, keys[k].publicKey)
            if let action {
                _ = try? fixture.apply(action)
            } else {
                nonces[k] += 1
                let entry = fixture.transfer(
                    keys[k], to: keys[other].publicKey, IMOs.a, amount: units, nonce: nonces[k])
                if (try? fixture.apply(entry)) != nil {
                    #expect(balanceBefore - units >= frozenBefore, "seed \(seed) step \(step): spent frozen units")
                }
            }
            #expect(fixture.state.unitsAccountedFor(IMOs.a) == 64, "seed \(seed) step \(step)")
            for key in keys {
                let record = fixture.state.keys[key.publicKey]!
                #expect(
                    record.frozenUnits(of: IMOs.a) <= fixture.state.balance(IMOs.a, key.publicKey),
                    "seed \(seed) step \(step)")
            }
        }
    }
}
