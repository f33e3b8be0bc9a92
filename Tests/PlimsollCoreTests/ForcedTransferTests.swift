import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Forced transfers under an order: they override freezes and compliance rules, but a blank
/// reference is no reference, a deregistered vessel's units never move, and a blocked or frozen
/// receiver needs a licence that says so, logged in its own field. Also the register's other end
/// of a vessel's life: closure and reopening.
struct ForcedTransferTests {
    struct World {
        var fixture = LedgerFixture(seed: 41)
        let seller: SigningKey
        let buyer: SigningKey
        let buyerParty: PartyID

        init() {
            let owner = fixture.party("Owner Co", country: "PA", kind: .organization)
            let (_, seller) = fixture.holder("Seller")
            let (party, buyer) = fixture.holder("Buyer")
            fixture.vessel(IMOs.a, owner: owner, issue: [(seller, 64)])
            self.seller = seller
            self.buyer = buyer
            buyerParty = party
        }

        func force(order: String = "HC-2026-117", licence: String? = nil) -> RegistrarAction {
            .forcedTransferOrder(
                IMOs.a, from: seller.publicKey, to: buyer.publicKey, units: 8, order: order, licence: licence)
        }

        func legacy(order: String = "HC-2026-117") -> RegistrarAction {
            .forcedTransfer(IMOs.a, from: seller.publicKey, to: buyer.publicKey, units: 8, order: order)
        }

        /// Applies `action` and expects `code`, with the state left exactly as it was.
        mutating func expectRefused(_ action: RegistrarAction, _ code: ReasonCode, _ comment: Comment) {
            do {
                try fixture.apply(action)
                Issue.record("accepted: \(comment)")
            } catch {
                #expect(error.code == code, comment)
                #expect(fixture.state == fixture.stateBeforeLastApply, "a refusal changes nothing")
            }
        }
    }

    @Test func blankReferencesAreMalformed() throws {
        var w = World()
        w.expectRefused(w.force(order: "   "), .malformed, "an order reference of spaces")
        w.expectRefused(w.force(order: "\u{3000}"), .malformed, "an ideographic space")
        w.expectRefused(w.force(licence: "  "), .malformed, "a licence of spaces")
        try w.fixture.apply(w.force())
        #expect(w.fixture.state.balance(IMOs.a, w.buyer.publicKey) == 8)
    }

    @Test func aDeregisteredVesselsUnitsNeverMove() throws {
        var w = World()
        try w.fixture.apply(.deregisterVessel(IMOs.a, reason: "scrapped"))
        w.expectRefused(w.force(), .assetNotActive, "deregistered vessel")
        w.expectRefused(w.force(licence: "OFSI INT/2026/1"), .assetNotActive, "a licence does not revive it")
    }

    @Test func aBlockedReceiverNeedsALicence() throws {
        var w = World()
        try w.fixture.apply(.recordScreening(w.buyerParty, .block, evidence: "UN list match"))
        w.expectRefused(w.force(), .sanctionsHit, "a plain order into a blocked party")
        try w.fixture.apply(w.force(licence: "OFAC specific licence MUL-2026-1"))
        #expect(w.fixture.state.balance(IMOs.a, w.buyer.publicKey) == 8, "with a licence it settles")
    }

    @Test func aFrozenReceiverNeedsALicence() throws {
        var w = World()
        try w.fixture.apply(.freeze(.party(w.buyerParty, asset: nil), reason: "court freeze"))
        w.expectRefused(w.force(), .frozen, "frozen receiver party")
        var v = World()
        try v.fixture.apply(.freeze(.key(v.buyer.publicKey, asset: IMOs.a), reason: "lien"))
        v.expectRefused(v.force(), .frozen, "frozen receiver key")
        try v.fixture.apply(v.force(licence: "Order HC-2026-117 para 4: transfer into the frozen account"))
        #expect(v.fixture.state.balance(IMOs.a, v.buyer.publicKey) == 8)
    }

    @Test func theLicenceIsItsOwnLoggedField() throws {
        let w = World()
        var fixture = w.fixture
        let licensed = fixture.registrarEntry(w.force(licence: "OFSI INT/2026/7"))
        let bytes = licensed.bytes
        #expect(bytes[0] == 0x0f)
        let decoded = try Entry(bytes: bytes)
        #expect(decoded == licensed)
        guard case .registrar(let entry) = decoded,
            case .forcedTransferOrder(_, _, _, _, let order, let licence) = entry.action
        else {
            Issue.record("decoded as another kind")
            return
        }
        #expect(order == "HC-2026-117" && licence == "OFSI INT/2026/7")
        let plain = fixture.registrarEntry(w.force())
        #expect(plain.bytes[0] == 0x0f && plain.bytes.count < bytes.count, "without a licence, the field is absent")
        let legacy = fixture.registrarEntry(w.legacy())
        #expect(legacy.bytes[0] == 0x0a, "the legacy kind keeps its bytes")
    }

    /// Logs written before 0x0f hold 0x0a entries; they must replay exactly as they applied then,
    /// checks of 0x0f included (the intake refuses new 0x0a entries: `SettlementTests`).
    @Test func legacyForcedTransfersReplayAsTheyApplied() throws {
        var w = World()
        try w.fixture.apply(.recordScreening(w.buyerParty, .block, evidence: "UN list match"))
        try w.fixture.apply(w.legacy(order: "   "))
        #expect(w.fixture.state.balance(IMOs.a, w.buyer.publicKey) == 8)
        try w.fixture.apply(.deregisterVessel(IMOs.a, reason: "scrapped"))
        try w.fixture.apply(w.legacy())
        #expect(w.fixture.state.balance(IMOs.a, w.buyer.publicKey) == 16)
    }

    /// Issue 19: a closed vessel's IMO number is never registered again; it is reopened.
    @Test func aClosedVesselIsReopenedNeverRegisteredAgain() throws {
        var w = World()
        try w.fixture.apply(.deregisterVessel(IMOs.a, reason: "sold foreign, deletion certificate DC-2026-42"))
        let again = RegistrarAction.registerVessel(
            VesselRegistration(
                asset: IMOs.a, name: "New Name", flag: try Country("PA"), type: "bulk carrier", grossTonnage: 1,
                roles: Vessel.Roles(owner: w.buyerParty), units: 64))
        w.expectRefused(again, .duplicate, "an IMO number closed on the register")
        w.expectRefused(.reopenVessel(IMOs.a, reason: " "), .malformed, "a blank reason")
        try w.fixture.apply(.reopenVessel(IMOs.a, reason: "re-registered after repurchase"))
        #expect(w.fixture.state.vessels[IMOs.a]?.vessel.status == .active)
        #expect(w.fixture.state.balance(IMOs.a, w.seller.publicKey) == 64, "the same record, holdings included")
        w.expectRefused(.reopenVessel(IMOs.a, reason: "again"), .malformed, "an open vessel")
        let entry = w.fixture.registrarEntry(.reopenVessel(IMOs.a, reason: "x"))
        #expect(entry.bytes[0] == 0x17)
        #expect(try Entry(bytes: entry.bytes) == entry)
    }
}
