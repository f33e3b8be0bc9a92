import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollTesting
import Testing

/// Vessel screening: names and former names against the lists' vessels, every flag change named,
/// and a vessel's review decision logged and holding its transfers until the registrar decides.
struct VesselScreeningTests {
    static let screener = Screener(index: SanctionsData.index, rules: .default, listsDigest: Hashing.sha256([1]))

    func rules(_ decision: ScreeningDecision, _ status: ScreeningStatus) -> Set<String> {
        Set(decision.evidence.filter { $0.status == status }.map(\.rule))
    }

    /// A fixture with a clean owner (resolving to a person) and a vessel named `name`.
    static func world(_ asset: AssetID, name: String) throws -> LedgerFixture {
        var f = LedgerFixture(seed: 51)
        let owner = f.party("Clean Owner AS", country: "NO", kind: .organization)
        let person = f.party("Ola Nordmann", country: "NO")
        try f.apply(
            .declareOwnership(
                .init(owner: person, owned: owner, shareBps: 10_000, kind: .shareholding, evidence: .zero))
        )
        try f.apply(
            .registerVessel(
                VesselRegistration(
                    asset: asset, name: name, flag: try Country("PA"), type: "tanker", grossTonnage: 5000,
                    roles: Vessel.Roles(owner: owner), units: 64)))
        return f
    }

    /// Issue item 7: OFAC lists the tanker CHON MA SAN as IMO 8660313.
    @Test func aListedVesselNameUnderAnotherIMOIsHeldForReview() throws {
        let f = try Self.world(IMOs.a, name: "Chon Ma San")
        let decision = Self.screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs)
        #expect(rules(decision, .review) == ["listed_vessel_name"])
        let detail = try #require(decision.evidence.first?.detail)
        #expect(detail.contains("CHON MA SAN") && detail.contains("8660313"), "\(detail)")
        // Not firing: the listed vessel itself is caught by its IMO number, not twice.
        let listed = try Self.world(try AssetID("IMO8660313"), name: "Chon Ma San")
        let own = Self.screener.screen(vessel: try AssetID("IMO8660313"), state: listed.state, at: listed.timeMs)
        #expect(rules(own, .block) == ["listed_vessel_imo"])
        #expect(!rules(own, .review).contains("listed_vessel_name"))
        // Not firing: an ordinary name.
        let plain = try Self.world(IMOs.a, name: "Nordic Aurora")
        #expect(Self.screener.screen(vessel: IMOs.a, state: plain.state, at: plain.timeMs).status == .clear)
        // The rule is data.
        var rules = ScreeningRules.default
        rules.vessels.reviewListedVesselName = false
        let off = Screener(index: SanctionsData.index, rules: rules, listsDigest: Hashing.sha256([1]))
        #expect(off.screen(vessel: IMOs.a, state: f.state, at: f.timeMs).status == .clear)
    }

    @Test func aFormerListedNameIsFoundAfterARename() throws {
        var f = try Self.world(IMOs.a, name: "Chon Ma San")
        var amend = VesselAmendment(asset: IMOs.a)
        amend.name = "Sea Lantern"
        try f.apply(.amendVessel(amend))
        f.timeMs += 400 * 86_400_000  // the rename itself is no longer recent
        let decision = Self.screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs)
        #expect(rules(decision, .review) == ["listed_vessel_name"])
        #expect(decision.evidence.first?.detail.hasPrefix("former name \"Chon Ma San\"") == true)
    }

    /// Issue item 6: the evidence names every flag change within the window, not just the last.
    @Test func everyRecentFlagChangeIsNamed() throws {
        var f = try Self.world(IMOs.a, name: "Nordic Aurora")
        for flag in ["KM", "TG", "CM"] {
            var amend = VesselAmendment(asset: IMOs.a)
            amend.flag = try Country(flag)
            try f.apply(.amendVessel(amend))
            f.timeMs += 30 * 86_400_000
        }
        let decision = Self.screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs)
        let flags = try #require(decision.evidence.first { $0.rule == "recent_flag_change" })
        #expect(flags.detail.contains("3 time(s)"))
        for hop in ["from PA to KM", "from KM to TG", "from TG to CM"] { #expect(flags.detail.contains(hop)) }
    }

    /// Issue item 6: a logged review holds transfers and issuance until the registrar decides.
    @Test func aVesselReviewIsLoggedAndHoldsTransfersUntilDecided() throws {
        var f = try Self.world(IMOs.a, name: "Nordic Aurora")
        let (_, seller) = f.holder("Seller")
        let (_, buyer) = f.holder("Buyer")
        try f.apply(.issue(IMOs.a, to: seller.publicKey, units: 10))
        try f.apply(.recordVesselScreening(IMOs.a, .review, evidence: "recent_flag_change: flag changed 3 times"))
        #expect(f.state.vessels[IMOs.a]?.screening == .review)
        do {
            try f.apply(f.transfer(seller, to: buyer.publicKey, IMOs.a, amount: 1, nonce: 1))
            Issue.record("a vessel under review must not trade")
        } catch {
            #expect(error.code == .screeningReview)
            #expect(error.message.contains("flag changed 3 times"))
        }
        try f.apply(.recordVesselScreening(IMOs.a, .clear, evidence: "registrar decision: flags explained by sale"))
        try f.apply(f.transfer(seller, to: buyer.publicKey, IMOs.a, amount: 1, nonce: 1))
        #expect(f.state.balance(IMOs.a, buyer.publicKey) == 1)
        // The decision is an entry of its own kind, and the state commitment covers it.
        let entry = f.registrarEntry(.recordVesselScreening(IMOs.a, .review, evidence: "x"))
        #expect(entry.bytes[0] == 0x11)
        #expect(try Entry(bytes: entry.bytes) == entry)
        let before = StateCommitment(state: f.state).root
        try f.apply(.recordVesselScreening(IMOs.a, .review, evidence: "x"))
        #expect(StateCommitment(state: f.state).root != before)
    }

    /// Issue 19: mortgagees are screened like owners.
    @Test func aListedMortgageeBlocksTheVessel() throws {
        var f = try Self.world(IMOs.a, name: "Nordic Aurora")
        let (_, holder) = f.holder("Holder")
        try f.apply(.issue(IMOs.a, to: holder.publicKey, units: 10))
        let lender = f.party("Ocean Maritime Management Company Limited", country: "KP", kind: .organization)
        #expect(Self.screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs).status == .clear)
        try f.apply(
            .registerMortgage(
                MortgageRegistration(
                    asset: IMOs.a, key: holder.publicKey, units: 4, mortgagee: lender, amount: "5000000",
                    currency: "USD")))
        let decision = Self.screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs)
        #expect(rules(decision, .block) == ["listed_mortgagee"])
        // An ISM company named apart from the manager is screened too.
        try f.apply(.dischargeMortgage(IMOs.a, number: 1))
        try f.apply(.amendVesselCompanies(IMOs.a, ismCompany: .set(lender), classSociety: "DNV"))
        let ism = Self.screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs)
        #expect(rules(ism, .block) == ["listed_ism_company"])
    }

    /// Issue 19: flag hopping, more than N changes of flag or name within M months, as data.
    @Test func flagHoppingFiresAboveItsCountWithinItsWindow() throws {
        var f = try Self.world(IMOs.a, name: "Nordic Aurora")
        func hop(_ flag: String) throws {
            var amend = VesselAmendment(asset: IMOs.a)
            amend.flag = try Country(flag)
            try f.apply(.amendVessel(amend))
            f.timeMs += 30 * 86_400_000
        }
        let hopping = { (screener: Screener) in
            self.rules(screener.screen(vessel: IMOs.a, state: f.state, at: f.timeMs), .review).contains("flag_hopping")
        }
        try hop("KM")
        try hop("TG")
        #expect(!hopping(Self.screener), "two changes: not more than 2")
        try hop("CM")
        #expect(hopping(Self.screener), "three changes within 12 months")
        var lenient = ScreeningRules.default
        lenient.vessels.flagHoppingChanges = 5
        #expect(!hopping(Screener(index: SanctionsData.index, rules: lenient, listsDigest: Hashing.sha256([1]))))
        f.timeMs += 13 * 30 * 86_400_000
        #expect(!hopping(Self.screener), "the changes are older than the window")
    }
}
