import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Mortgages over units: registered and ranked, moved, discharged; mortgaged units leave the
/// mortgagor's key only with the mortgagee's signed consent or under a forced sale.
struct MortgageTests {
    struct World {
        var fixture = LedgerFixture(seed: 71)
        let seller: SigningKey
        let buyer: SigningKey
        let bank: PartyID
        let bankKey: SigningKey
        var nonce: UInt64 = 0

        init() {
            let owner = fixture.party("Owner Co", country: "PA", kind: .organization)
            seller = fixture.holder("Seller").key
            buyer = fixture.holder("Buyer").key
            let (bank, bankKey) = fixture.holder("Nordic Ship Finance ASA", country: "NO")
            self.bank = bank
            self.bankKey = bankKey
            fixture.vessel(IMOs.a, owner: owner, issue: [(seller, 20)])
        }

        func register(_ units: UInt64, mortgagee: PartyID? = nil) -> RegistrarAction {
            .registerMortgage(
                MortgageRegistration(
                    asset: IMOs.a, key: seller.publicKey, units: units, mortgagee: mortgagee ?? bank,
                    amount: "12000000.00", currency: "USD"))
        }

        /// The mortgagee's next consent, signed (the sequence follows the mortgage's count).
        func consent(
            _ number: UInt64, units: UInt64, signer: SigningKey? = nil, sequence: UInt64? = nil, to: KeyRef? = nil
        ) -> RegistrarAction {
            let signer = signer ?? bankKey
            let mortgage = fixture.state.vessels[IMOs.a]?.mortgages.first { $0.number == number }
            let sequence = sequence ?? (mortgage?.consents ?? 0) + 1
            let to = to ?? buyer.publicKey
            let message = MortgageConsent.message(
                chainID: fixture.chainID, asset: IMOs.a, number: number, mortgagor: mortgage?.key ?? seller.publicKey,
                mortgagee: mortgage?.mortgagee ?? bank, sequence: sequence, to: to, units: units)
            return .consentToRelease(
                MortgageConsent(
                    asset: IMOs.a, number: number, sequence: sequence, to: to, units: units,
                    mortgageeKey: signer.publicKey, signature: signer.sign(hash: message)))
        }

        mutating func sell(_ amount: UInt64) throws(Rejection) {
            nonce += 1
            try fixture.apply(fixture.transfer(seller, to: buyer.publicKey, IMOs.a, amount: amount, nonce: nonce))
        }

        var mortgages: [Mortgage] { fixture.state.vessels[IMOs.a]!.mortgages }
    }

    @Test func mortgagedUnitsMoveOnlyWithTheMortgageesSignedConsent() throws {
        var w = World()
        try w.fixture.apply(w.register(12))
        try w.fixture.apply(w.register(5))
        #expect(w.mortgages.map(\.number) == [1, 2], "numbered in registration order: the priority")
        try w.sell(3)  // 20 held, 17 mortgaged: 3 are free
        do {
            try w.sell(1)
            Issue.record("a mortgaged unit moved without consent")
        } catch {
            #expect(error.code == .mortgaged)
            #expect(w.fixture.state == w.fixture.stateBeforeLastApply)
        }
        try w.fixture.apply(w.consent(2, units: 4))
        try w.sell(4)
        #expect(w.fixture.state.balance(IMOs.a, w.buyer.publicKey) == 7)
        #expect(w.mortgages.map(\.units) == [12, 1], "the consented units left mortgage 2")
        #expect(w.mortgages[1].consent == nil, "the consent is used up")
        // The same signed consent cannot be recorded again: it carries its sequence number.
        let replay = w.consent(2, units: 1, sequence: 1)
        do {
            try w.fixture.apply(replay)
            Issue.record("a consent was used twice")
        } catch { #expect(error.code == .sequenceReused) }
        do {
            try w.sell(1)
            Issue.record("consent is spent")
        } catch { #expect(error.code == .mortgaged) }
    }

    @Test func consentMustBeSignedByTheMortgagee() throws {
        var w = World()
        try w.fixture.apply(w.register(10))
        let stranger = w.fixture.holder("Stranger").key
        for (action, code) in [
            (w.consent(1, units: 2, signer: stranger), ReasonCode.unknownKey),
            (w.consent(7, units: 2), .unknownMortgage), (w.consent(1, units: 11), .malformed),
        ] {
            do {
                try w.fixture.apply(action)
                Issue.record("accepted \(action.name)")
            } catch { #expect(error.code == code) }
        }
        // A signature over other units does not verify.
        guard case .consentToRelease(var forged) = w.consent(1, units: 2) else { return }
        forged.units = 9
        do {
            try w.fixture.apply(.consentToRelease(forged))
            Issue.record("a forged consent was accepted")
        } catch {
            #expect(error.code == .badSignature)
            #expect(w.fixture.state == w.fixture.stateBeforeLastApply)
        }
    }

    @Test func mortgagesAreRegisteredOnlyOnFreeUnitsToScreenedMortgagees() throws {
        var w = World()
        let refusals: [(RegistrarAction, ReasonCode)] = [
            (w.register(21), .insufficientUnits), (w.register(0), .malformed),
            (
                .registerMortgage(
                    MortgageRegistration(
                        asset: IMOs.a, key: w.seller.publicKey, units: 1, mortgagee: w.bank, amount: "1",
                        currency: "usd")),
                .malformed
            ),
            (
                .registerMortgage(
                    MortgageRegistration(
                        asset: IMOs.a, key: w.seller.publicKey, units: 1, mortgagee: w.bank, amount: "  ",
                        currency: "USD")),
                .malformed
            ),
            (w.register(1, mortgagee: PartyID(99)), .unknownParty),
        ]
        for (action, code) in refusals {
            do {
                try w.fixture.apply(action)
                Issue.record("accepted \(action)")
            } catch { #expect(error.code == code) }
        }
        try w.fixture.apply(.recordScreening(w.bank, .block, evidence: "listed"))
        do {
            try w.fixture.apply(w.register(1))
            Issue.record("a blocked mortgagee")
        } catch { #expect(error.code == .sanctionsHit) }
    }

    @Test func transferDischargeAndForcedSale() throws {
        var w = World()
        try w.fixture.apply(w.register(10))
        let (other, _) = w.fixture.holder("Other Bank SA")
        try w.fixture.apply(.transferMortgage(IMOs.a, number: 1, to: other))
        #expect(w.mortgages.first?.mortgagee == other)
        // A forced sale under an order releases the mortgaged units it moves.
        try w.fixture.apply(
            .forcedTransferOrder(
                IMOs.a, from: w.seller.publicKey, to: w.buyer.publicKey, units: 16, order: "Mortgagee sale, HC-2026-9",
                licence: nil))
        #expect(w.mortgages.first?.units == 4, "20 - 16 = 4 units left, all still mortgaged")
        try w.fixture.apply(
            .forcedTransferOrder(
                IMOs.a, from: w.seller.publicKey, to: w.buyer.publicKey, units: 4, order: "Mortgagee sale, HC-2026-9",
                licence: nil))
        #expect(w.mortgages.first?.units == 0, "an emptied mortgage stays registered until it is discharged")
        try w.fixture.apply(.dischargeMortgage(IMOs.a, number: 1))
        #expect(w.mortgages.isEmpty)
        do {
            try w.fixture.apply(.dischargeMortgage(IMOs.a, number: 1))
            Issue.record("discharged twice")
        } catch { #expect(error.code == .unknownMortgage) }
        #expect(w.fixture.state.vessels[IMOs.a]!.nextMortgageNumber == 2, "numbers are never reused")
    }

    @Test func entriesRoundTripAndTheCommitmentCoversMortgages() throws {
        var w = World()
        let before = StateCommitment(state: w.fixture.state).root
        for action in [
            w.register(3), .transferMortgage(IMOs.a, number: 1, to: w.bank), .dischargeMortgage(IMOs.a, number: 1),
            w.consent(1, units: 1),
        ] {
            let entry = w.fixture.registrarEntry(action)
            #expect(try Entry(bytes: entry.bytes) == entry, "\(action.name)")
        }
        try w.fixture.apply(w.register(3))
        #expect(StateCommitment(state: w.fixture.state).root != before)
    }

    /// Random sales, consents, forced sales and discharges: units are conserved, mortgaged units
    /// never exceed what the key holds, and no sale moves mortgaged units beyond consent.
    @Test(arguments: SplitMix64.seeds([1, 2, 3, 4]))
    func mortgagedUnitsNeverLeaveWithoutConsent(seed: UInt64) throws {
        var w = World()
        var rng = SplitMix64(seed: seed)
        for step in 0..<300 {
            let mortgagedBefore = w.mortgages.units(of: w.seller.publicKey)
            let consentedBefore = w.mortgages.reduce(0) { $0 + ($1.consent?.units ?? 0) }
            let heldBefore = w.fixture.state.balance(IMOs.a, w.seller.publicKey)
            let units = 1 + rng.next() % 6
            switch rng.next() % 6 {
            case 0: _ = try? w.fixture.apply(w.register(units))
            case 1:
                if let number = w.mortgages.randomElement(using: &rng)?.number {
                    _ = try? w.fixture.apply(w.consent(number, units: units))
                }
            case 2:
                if let number = w.mortgages.randomElement(using: &rng)?.number {
                    _ = try? w.fixture.apply(.dischargeMortgage(IMOs.a, number: number))
                }
            case 3: _ = try? w.fixture.apply(.issue(IMOs.a, to: w.seller.publicKey, units: units))
            default:
                if (try? w.sell(units)) != nil {
                    let free = heldBefore - mortgagedBefore
                    #expect(units <= free + consentedBefore, "seed \(seed) step \(step): moved mortgaged units")
                }
            }
            #expect(w.fixture.state.unitsAccountedFor(IMOs.a) == 64, "seed \(seed) step \(step)")
            #expect(
                w.mortgages.units(of: w.seller.publicKey) <= w.fixture.state.balance(IMOs.a, w.seller.publicKey),
                "seed \(seed) step \(step)")
        }
    }

    /// One mortgagee's consent never releases another's units, even after a forced sale left a
    /// consent larger than its mortgage.
    @Test func aConsentReleasesOnlyItsOwnMortgage() throws {
        var w = World()
        let (other, otherKey) = w.fixture.holder("Other Bank SA")
        try w.fixture.apply(.issue(IMOs.a, to: w.seller.publicKey, units: 20))  // 40 held
        try w.fixture.apply(w.register(16, mortgagee: other))  // mortgage 1: the other bank's
        try w.fixture.apply(w.register(24))  // mortgage 2: the bank's
        try w.fixture.apply(w.consent(2, units: 24))
        try w.fixture.apply(
            .forcedTransferOrder(
                IMOs.a, from: w.seller.publicKey, to: w.fixture.holder("Court Buyer").key.publicKey, units: 20,
                order: "HC-2026-77", licence: nil))
        #expect(w.mortgages.map(\.units) == [16, 4], "the forced sale released the junior mortgage first")
        #expect(w.mortgages[1].consent?.units == 4, "the consent shrank with its mortgage")
        do {
            try w.sell(20)
            Issue.record("the other bank's 16 units moved without its consent")
        } catch { #expect(error.code == .mortgaged) }
        try w.sell(4)
        #expect(w.mortgages.map(\.units) == [16, 0])
        _ = otherKey
    }
}
