import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// One row per reason code: an entry that must be refused with exactly that code, and must
/// leave the state exactly as it was (tigerbeetle-style rejection tables).
struct RejectionTests {
    /// Owner O (PA), Alice (NO) holding 10 units of IMO9176187, Bob (NO) holding none.
    struct World {
        var fixture = LedgerFixture(seed: 42)
        let owner: PartyID
        let alice: (party: PartyID, key: SigningKey)
        let bob: (party: PartyID, key: SigningKey)
        let asset = IMOs.a

        init() {
            owner = fixture.party("Oceanic Bulk Carriers", country: "PA", kind: .organization)
            alice = fixture.holder("Alice Example")
            bob = fixture.holder("Bob Example")
            fixture.vessel(asset, units: 64, owner: owner, issue: [(alice.key, 10)])
        }

        func send(_ amount: UInt64 = 3, nonce: UInt64 = 1, expiresAt: UInt64? = nil) -> Entry {
            fixture.transfer(
                alice.key, to: bob.key.publicKey, asset, amount: amount, nonce: nonce, expiresAt: expiresAt)
        }
    }

    struct Row: CustomTestStringConvertible, Sendable {
        let name: String
        let code: ReasonCode
        let run: @Sendable (inout World) throws(Rejection) -> Void
        var testDescription: String { "\(code.rawValue): \(name)" }
    }

    static let rows: [Row] = [
        Row(name: "signature does not verify", code: .badSignature) { w throws(Rejection) in
            try w.fixture.apply(w.send(), signatureValid: false)
        },
        Row(name: "signed for another registry", code: .badSignature) { w throws(Rejection) in
            let t = Transfer(
                chainID: .zero, asset: w.asset, from: w.alice.key.publicKey, to: w.bob.key.publicKey, amount: 1,
                nonce: 1,
                expiresAt: w.fixture.timeMs / 1000 + 60
            )
            try w.fixture.apply(.transfer(t.signed(by: w.alice.key)))
        },
        Row(name: "vessel not registered", code: .unknownAsset) { w throws(Rejection) in
            try w.fixture.apply(w.fixture.transfer(w.alice.key, to: w.bob.key.publicKey, IMOs.b, amount: 1, nonce: 1))
        },
        Row(name: "receiver key not bound", code: .unknownKey) { w throws(Rejection) in
            var rng = SplitMix64(seed: 9)
            let stranger = SigningKey.generate(using: &rng)
            try w.fixture.apply(w.fixture.transfer(w.alice.key, to: stranger.publicKey, w.asset, amount: 1, nonce: 1))
        },
        Row(name: "expired before the block", code: .expired) { w throws(Rejection) in
            try w.fixture.apply(w.send(expiresAt: w.fixture.timeMs / 1000 - 1))
        },
        Row(name: "expiry beyond max validity", code: .expiryTooFar) { w throws(Rejection) in
            try w.fixture.apply(w.send(expiresAt: w.fixture.timeMs / 1000 + Genesis.defaultMaxValiditySeconds + 1))
        },
        Row(name: "nonce already used", code: .nonceReused) { w throws(Rejection) in
            try w.fixture.apply(w.send(1, nonce: 5))
            try w.fixture.apply(w.send(1, nonce: 5))
        },
        Row(name: "vessel deregistered", code: .assetNotActive) { w throws(Rejection) in
            try w.fixture.apply(.deregisterVessel(w.asset, reason: "scrapped"))
            try w.fixture.apply(w.send())
        },
        Row(name: "vessel frozen", code: .frozen) { w throws(Rejection) in
            try w.fixture.apply(.freeze(.vessel(w.asset), reason: "detained"))
            try w.fixture.apply(w.send())
        },
        Row(name: "receiver party frozen for this vessel", code: .frozen) { w throws(Rejection) in
            try w.fixture.apply(.freeze(.party(w.bob.party, asset: w.asset), reason: "inquiry"))
            try w.fixture.apply(w.send())
        },
        Row(name: "sender key frozen", code: .frozen) { w throws(Rejection) in
            try w.fixture.apply(.freeze(.key(w.alice.key.publicKey, asset: nil), reason: "lost key"))
            try w.fixture.apply(w.send())
        },
        Row(name: "receiver KYC expired", code: .kycExpired) { w throws(Rejection) in
            let carol = w.fixture.party("Carol Example", kycUntilMs: w.fixture.timeMs - 1)
            let key = w.fixture.key(for: carol)
            try w.fixture.apply(w.fixture.transfer(w.alice.key, to: key.publicKey, w.asset, amount: 1, nonce: 1))
        },
        Row(name: "receiver blocked by screening", code: .sanctionsHit) { w throws(Rejection) in
            try w.fixture.apply(.recordScreening(w.bob.party, .block, evidence: "UN list match"))
            try w.fixture.apply(w.send())
        },
        Row(name: "receiver held for review", code: .screeningReview) { w throws(Rejection) in
            try w.fixture.apply(.recordScreening(w.bob.party, .review, evidence: "possible alias match"))
            try w.fixture.apply(w.send())
        },
        Row(name: "vessel held for review by screening", code: .screeningReview) { w throws(Rejection) in
            try w.fixture.apply(.recordVesselScreening(w.asset, .review, evidence: "flag changed 3 times"))
            try w.fixture.apply(w.send())
        },
        Row(name: "vessel blocked by screening", code: .sanctionsHit) { w throws(Rejection) in
            try w.fixture.apply(.recordVesselScreening(w.asset, .block, evidence: "listed IMO"))
            try w.fixture.apply(w.send())
        },
        Row(name: "issuance of a vessel held for review", code: .screeningReview) { w throws(Rejection) in
            try w.fixture.apply(.recordVesselScreening(w.asset, .review, evidence: "listed vessel name"))
            try w.fixture.apply(.issue(w.asset, to: w.bob.key.publicKey, units: 1))
        },
        Row(name: "mortgaged units without the mortgagee's consent", code: .mortgaged) { w throws(Rejection) in
            try w.fixture.apply(
                .registerMortgage(
                    MortgageRegistration(
                        asset: w.asset, key: w.alice.key.publicKey, units: 8, mortgagee: w.owner, amount: "1000000",
                        currency: "EUR")))
            try w.fixture.apply(w.send(3))
        },
        Row(name: "discharging a mortgage not in force", code: .unknownMortgage) { w throws(Rejection) in
            try w.fixture.apply(.dischargeMortgage(w.asset, number: 1))
        },
        Row(name: "receiver in excluded country", code: .countryBlocked) { w throws(Rejection) in
            try w.fixture.apply(
                .setRules(
                    ComplianceRules(
                        maxHoldersPerVessel: 64, excludedCountries: [try Country("NO")], minimumHolding: 0,
                        kycRequired: true)))
            try w.fixture.apply(w.send())
        },
        Row(name: "more than held", code: .insufficientUnits) { w throws(Rejection) in
            try w.fixture.apply(w.send(11))
        },
        Row(name: "units frozen on the sender key", code: .insufficientUnits) { w throws(Rejection) in
            try w.fixture.apply(.freeze(.keyUnits(w.alice.key.publicKey, asset: w.asset, units: 8), reason: "lien"))
            try w.fixture.apply(w.send(3))
        },
        Row(name: "holder limit reached", code: .holderLimit) { w throws(Rejection) in
            try w.fixture.apply(
                .setRules(
                    ComplianceRules(maxHoldersPerVessel: 1, excludedCountries: [], minimumHolding: 0, kycRequired: true)
                ))
            try w.fixture.apply(w.send(3))
        },
        Row(name: "below minimum holding", code: .minHolding) { w throws(Rejection) in
            try w.fixture.apply(
                .setRules(
                    ComplianceRules(
                        maxHoldersPerVessel: 64, excludedCountries: [], minimumHolding: 5, kycRequired: true)))
            try w.fixture.apply(w.send(3))
        },
        Row(name: "empty party name", code: .malformed) { w throws(Rejection) in
            try w.fixture.apply(.registerParty(PartyRegistration(kind: .person, name: "", country: try Country("NO"))))
        },
        Row(name: "vessel registered twice", code: .duplicate) { w throws(Rejection) in
            w.fixture.vessel(IMOs.b, owner: w.owner)
            try w.fixture.apply(
                .registerVessel(
                    VesselRegistration(
                        asset: IMOs.b, name: "Again", flag: try Country("PA"), type: "tanker", grossTonnage: 1,
                        roles: .init(owner: w.owner))))
        },
        Row(name: "key bound to an unknown party", code: .unknownParty) { w throws(Rejection) in
            var rng = SplitMix64(seed: 10)
            try w.fixture.apply(.bindKey(SigningKey.generate(using: &rng).publicKey, to: PartyID(99)))
        },
        Row(name: "end of an unknown link", code: .unknownLink) { w throws(Rejection) in
            try w.fixture.apply(.endOwnership(LinkID(99)))
        },
        Row(name: "shareholdings over 100 percent", code: .badShare) { w throws(Rejection) in
            try w.fixture.apply(
                .declareOwnership(
                    .init(owner: w.alice.party, owned: w.owner, shareBps: 6000, kind: .shareholding, evidence: .zero)))
            try w.fixture.apply(
                .declareOwnership(
                    .init(owner: w.bob.party, owned: w.owner, shareBps: 4001, kind: .shareholding, evidence: .zero)))
        },
        Row(name: "registrar signature does not verify", code: .badRegistrarSignature) { w throws(Rejection) in
            // The ledger checks a registrar entry's signature itself, against the key in force.
            var rng = SplitMix64(seed: 174)
            let stranger = SigningKey.generate(using: &rng)
            try w.fixture.apply(
                .registrar(
                    RegistrarEntry.signed(
                        .endOwnership(LinkID(1)), sequence: 99, chainID: w.fixture.chainID, by: stranger)))
        },
        Row(name: "registrar sequence replayed", code: .sequenceReused) { w throws(Rejection) in
            let entry = w.fixture.registrarEntry(.setRules(.default))
            try w.fixture.apply(entry)
            try w.fixture.apply(entry)
        },
        Row(name: "key bound twice", code: .keyAlreadyBound) { w throws(Rejection) in
            try w.fixture.apply(.bindKey(w.alice.key.publicKey, to: w.bob.party))
        },
        Row(name: "unfreeze of what is not frozen", code: .notFrozen) { w throws(Rejection) in
            try w.fixture.apply(.unfreeze(.party(w.bob.party, asset: nil), reason: "cleared"))
        },
        Row(name: "freeze twice", code: .alreadyFrozen) { w throws(Rejection) in
            try w.fixture.apply(.freeze(.vessel(w.asset), reason: "detained"))
            try w.fixture.apply(.freeze(.vessel(w.asset), reason: "detained again"))
        },
        Row(name: "link ended twice", code: .alreadyEnded) { w throws(Rejection) in
            try w.fixture.apply(
                .declareOwnership(
                    .init(owner: w.alice.party, owned: w.owner, shareBps: 5000, kind: .shareholding, evidence: .zero)))
            try w.fixture.apply(.endOwnership(LinkID(1)))
            try w.fixture.apply(.endOwnership(LinkID(1)))
        },
    ]

    /// Every row fails with its code, and the failing entry changes nothing.
    @Test(arguments: rows)
    func rejectedWithCode(row: Row) {
        var world = World()
        do {
            try row.run(&world)
            Issue.record("\(row.name): accepted, expected \(row.code.rawValue)")
        } catch {
            #expect(error.code == row.code, "\(row.name): \(error)")
        }
    }

    @Test(arguments: rows)
    func rejectionChangesNothing(row: Row) throws {
        var world = World()
        #expect(throws: Rejection.self) { try row.run(&world) }
        let before = try #require(world.fixture.stateBeforeLastApply)
        #expect(world.fixture.state == before, "\(row.name) changed state")
        #expect(world.fixture.state.digest == before.digest)
    }

    @Test func everyReasonCodeHasARow() {
        let covered = Set(Self.rows.map(\.code)).union([.badIMO, .badCountry])
        #expect(covered == Set(ReasonCode.allCases), "missing: \(Set(ReasonCode.allCases).subtracting(covered))")
    }

    @Test func badIMOAndBadCountryAreRefusedAtTheEdge() {
        #expect(throws: CoreError(.badIMO, "IMO 9176188 fails its check digit")) { _ = try AssetID("IMO9176188") }
        #expect(throws: Rejection.self) { _ = try Country("X1") }
        #expect((try? Country("x1")) == nil)
        #expect(ReasonCode.badIMO.rawValue == "BAD_IMO")
    }
}
