import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// A registry's daily work on parties: renewing KYC (without it every holder is stuck after a
/// year) and amending particulars, with the previous values kept.
struct PartyAmendmentTests {
    @Test func aRenewedKYCClaimLetsAStuckHolderTradeAgain() throws {
        var f = LedgerFixture(seed: 61)
        let owner = f.party("Owner Co", country: "PA", kind: .organization)
        let (seller, sellerKey) = f.holder("Seller")
        let (_, buyerKey) = f.holder("Buyer")
        f.vessel(IMOs.a, owner: owner, issue: [(sellerKey, 10)])
        f.timeMs += LedgerFixture.yearMs + 86_400_000
        do {
            try f.apply(f.transfer(sellerKey, to: buyerKey.publicKey, IMOs.a, amount: 1, nonce: 1))
            Issue.record("an expired KYC claim must hold the transfer")
        } catch { #expect(error.code == .kycExpired) }
        var renewal = PartyAmendment(party: seller)
        renewal.kycClaim = Party.KYCClaim(issuer: "registrar", expiresAtMs: f.timeMs + LedgerFixture.yearMs)
        try f.apply(.amendParty(renewal))
        #expect(f.state.parties[seller]?.party.kycClaims.count == 1, "the claim of the same issuer is replaced")
        #expect(f.state.parties[seller]?.history.map(\.field) == ["kyc"])
        // The buyer's claim expired too: renew it, then the sale settles.
        var buyerRenewal = PartyAmendment(party: f.state.keys[buyerKey.publicKey]!.party)
        buyerRenewal.kycClaim = Party.KYCClaim(issuer: "registrar", expiresAtMs: f.timeMs + LedgerFixture.yearMs)
        try f.apply(.amendParty(buyerRenewal))
        try f.apply(f.transfer(sellerKey, to: buyerKey.publicKey, IMOs.a, amount: 1, nonce: 1))
        #expect(f.state.balance(IMOs.a, buyerKey.publicKey) == 1)
    }

    @Test func particularsChangeWithTheirHistory() throws {
        var f = LedgerFixture(seed: 62)
        let party = f.party("Nordic Bulk AS", country: "NO", kind: .organization)
        var amendment = PartyAmendment(party: party)
        amendment.name = "Nordic Bulk Holding AS"
        amendment.country = try Country("DK")
        amendment.identifiers = [Party.Identifier(scheme: "cvr", value: "12345678")]
        try f.apply(.amendParty(amendment))
        let record = try #require(f.state.parties[party])
        #expect(record.party.name == "Nordic Bulk Holding AS" && record.party.country.code == "DK")
        #expect(record.history.map(\.field) == ["name", "country", "identifiers"])
        #expect(record.history[0].from == "Nordic Bulk AS" && record.history[0].to == "Nordic Bulk Holding AS")
        #expect(record.history.allSatisfy { $0.atMs == f.timeMs })
        let entry = f.registrarEntry(.amendParty(amendment))
        #expect(entry.bytes[0] == 0x12)
        #expect(try Entry(bytes: entry.bytes) == entry)
        let before = StateCommitment(state: f.state).root
        var again = PartyAmendment(party: party)
        again.aliases = ["NBH"]
        try f.apply(.amendParty(again))
        #expect(StateCommitment(state: f.state).root != before, "the commitment covers particulars and history")
    }

    @Test func badAmendmentsAreRefusedAndChangeNothing() throws {
        var f = LedgerFixture(seed: 63)
        let first = f.party("First Shipping AS", country: "NO", kind: .organization)
        try f.apply(
            .registerParty(
                PartyRegistration(
                    kind: .organization, name: "Second Shipping AS", country: try Country("NO"),
                    identifiers: [Party.Identifier(scheme: "orgnr", value: "999")])))
        var cases: [(PartyAmendment, ReasonCode, String)] = []
        cases.append((PartyAmendment(party: first), .malformed, "an empty amendment"))
        var unknown = PartyAmendment(party: PartyID(99))
        unknown.name = "X"
        cases.append((unknown, .unknownParty, "no such party"))
        var sameName = PartyAmendment(party: first)
        sameName.name = "Second Shipping AS"
        cases.append((sameName, .duplicate, "another party's name, country and date"))
        var sharedID = PartyAmendment(party: first)
        sharedID.identifiers = [Party.Identifier(scheme: "orgnr", value: "999")]
        cases.append((sharedID, .duplicate, "another party's identifier"))
        var blank = PartyAmendment(party: first)
        blank.name = ""
        cases.append((blank, .malformed, "an empty name"))
        var expired = PartyAmendment(party: first)
        expired.kycClaim = Party.KYCClaim(issuer: "registrar", expiresAtMs: f.timeMs - 1)
        cases.append((expired, .malformed, "a claim that has expired"))
        var same = PartyAmendment(party: first)
        same.name = "First Shipping AS"
        cases.append((same, .malformed, "every field equal to the party's"))
        var badDate = PartyAmendment(party: first)
        badDate.born = "2020-13-01"
        cases.append((badDate, .malformed, "a date with month 13"))
        for (amendment, code, comment) in cases {
            do {
                try f.apply(.amendParty(amendment))
                Issue.record("accepted: \(comment)")
            } catch {
                #expect(error.code == code, "\(comment)")
                #expect(f.state == f.stateBeforeLastApply, "\(comment): state unchanged")
            }
        }
    }
}
