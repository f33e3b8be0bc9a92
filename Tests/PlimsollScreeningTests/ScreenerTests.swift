import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollTesting
import Testing

/// Every rule firing and not firing, on the real lists; ownership chains through shells.
struct ScreenerTests {
    static let screener = Screener(index: SanctionsData.index, rules: .default, listsDigest: Hashing.sha256([1]))

    func decision(_ fixture: LedgerFixture, party: PartyID) -> ScreeningDecision {
        Self.screener.screen(party: party, state: fixture.state, at: fixture.timeMs)
    }

    func rules(_ decision: ScreeningDecision, _ status: ScreeningStatus) -> Set<String> {
        Set(decision.evidence.filter { $0.status == status }.map(\.rule))
    }

    @Test func chainThroughTwoShellsToAUNListedPersonBlocks() throws {
        var f = LedgerFixture(seed: 1)
        let listed = f.party("YUN HO-JIN", country: "CN")  // UN KPi.001.
        let shellA = f.party("Harbor Light Holdings Ltd", country: "SC", kind: .organization)
        let shellB = f.party("Eastern Crest Trading FZE", country: "AE", kind: .organization)
        let investor = f.party("Pacific Dawn Investments S.A.", country: "PA", kind: .organization)
        try f.apply(
            .declareOwnership(
                .init(owner: listed, owned: shellA, shareBps: 10_000, kind: .shareholding, evidence: .zero)))
        try f.apply(
            .declareOwnership(.init(owner: shellA, owned: shellB, shareBps: 6000, kind: .shareholding, evidence: .zero))
        )
        try f.apply(
            .declareOwnership(
                .init(owner: shellB, owned: investor, shareBps: 10_000, kind: .shareholding, evidence: .zero)))
        #expect(decision(f, party: listed).status == .block)
        let verdict = decision(f, party: investor)
        #expect(verdict.status == .block)
        #expect(rules(verdict, .block).contains("ownership_50_percent"))
        let path = try #require(verdict.evidence.first { $0.path != nil }?.path)
        #expect(path == [investor, shellB, shellA, listed], "the evidence names the path")
        #expect(verdict.listsDigest == Self.screener.listsDigest.hex)
        // The freeze this decision causes must be a valid registrar entry however long the path.
        #expect(verdict.summary.utf8.count > Limits.textBytesMax, "the case exercises the cut")
        #expect(verdict.freezeReason.utf8.count <= Limits.textBytesMax)
        #expect(verdict.freezeReason.hasSuffix("…"))
        try f.apply(.freeze(.party(investor, asset: nil), reason: verdict.freezeReason))
        #expect(f.state.parties[investor]?.frozen == true)
        let listedVerdict = decision(f, party: listed)
        #expect(listedVerdict.summary.utf8.count < 200)
        #expect(
            listedVerdict.freezeReason == "sanctions screening: " + listedVerdict.summary,
            "a short summary is kept whole")
    }

    @Test func splitListedHoldingsAddUpPastFiftyPercent() throws {
        var f = LedgerFixture(seed: 2)
        let first = f.party("YUN HO-JIN", country: "CN")
        let second = f.party("Kim Jong Un", country: "CN")
        let company = f.party("Northern Star Shipping Ltd", country: "PA", kind: .organization)
        let other = f.party("Clean Holder AS", country: "NO", kind: .organization)
        try f.apply(
            .declareOwnership(.init(owner: first, owned: company, shareBps: 3000, kind: .shareholding, evidence: .zero))
        )
        try f.apply(
            .declareOwnership(.init(owner: other, owned: company, shareBps: 4500, kind: .shareholding, evidence: .zero))
        )
        #expect(decision(f, party: company).status == .review, "one listed owner with 30%: review, not block")
        try f.apply(
            .declareOwnership(
                .init(owner: second, owned: company, shareBps: 2500, kind: .shareholding, evidence: .zero)))
        let verdict = decision(f, party: company)
        #expect(verdict.status == .block, "30% + 25% listed = 55%")
        #expect(rules(verdict, .block).contains("ownership_50_percent"))
    }

    @Test func cyclesInOwnershipDoNotHang() throws {
        var f = LedgerFixture(seed: 3)
        let a = f.party("Alpha Marine Ltd", country: "PA", kind: .organization)
        let b = f.party("Beta Marine Ltd", country: "PA", kind: .organization)
        try f.apply(.declareOwnership(.init(owner: a, owned: b, shareBps: 5000, kind: .shareholding, evidence: .zero)))
        try f.apply(.declareOwnership(.init(owner: b, owned: a, shareBps: 5000, kind: .shareholding, evidence: .zero)))
        let verdict = decision(f, party: a)
        #expect(
            rules(verdict, .review) == ["opaque_ownership"], "two companies owning half of each other resolve to no one"
        )
        #expect(verdict.status == .review)
    }

    @Test func nameRuleBlocksReviewsAndClears() {
        var f = LedgerFixture(seed: 4)
        let blocked = f.party("Kim Jong-un", country: "CN")
        let clean = f.party("Ingrid Solberg", country: "NO")
        #expect(rules(decision(f, party: blocked), .block) == ["name_match"])
        #expect(decision(f, party: clean).status == .clear)
        #expect(decision(f, party: clean).evidence.isEmpty)
    }

    @Test func excludedCountryAndListedCompanyNumber() throws {
        var f = LedgerFixture(seed: 5)
        let inKP = f.party("Ordinary Name Example", country: "KP")
        #expect(rules(decision(f, party: inKP), .block) == ["excluded_country"])
        try f.apply(
            .registerParty(
                PartyRegistration(
                    kind: .organization, name: "Harmless Sounding Ltd", country: try Country("SG"),
                    identifiers: [Party.Identifier(scheme: "imo-company", value: "5342883")], kycClaims: []
                )))
        let company = PartyID(f.state.counters.nextPartyID - 1)
        #expect(rules(decision(f, party: company), .block) == ["listed_imo_company"])
    }

    @Test func vesselRules() throws {
        var f = LedgerFixture(seed: 6)
        let owner = f.party("Clean Owner AS", country: "NO", kind: .organization)
        let person = f.party("Ola Nordmann", country: "NO")
        let listedManager = f.party("Ocean Maritime Management Company Limited", country: "PA", kind: .organization)
        let listedIMO = try AssetID("IMO8660313")
        f.vessel(listedIMO, owner: owner)
        f.vessel(IMOs.a, owner: owner)
        let vessel = { (asset: AssetID) in Self.screener.screen(vessel: asset, state: f.state, at: f.timeMs) }
        #expect(rules(vessel(listedIMO), .block).contains("listed_vessel_imo"))
        #expect(rules(vessel(IMOs.a), .block).isEmpty)
        #expect(
            rules(vessel(IMOs.a), .review) == ["no_natural_person_owner", "listed_owner"],
            "an owner that resolves to no person is itself under review")
        try f.apply(
            .declareOwnership(
                .init(owner: person, owned: owner, shareBps: 10_000, kind: .shareholding, evidence: .zero)))
        #expect(vessel(IMOs.a).status == .clear, "a declared natural-person owner clears the rule")
        var amend = VesselAmendment(asset: IMOs.a)
        amend.manager = .set(listedManager)
        try f.apply(.amendVessel(amend))
        #expect(rules(vessel(IMOs.a), .block) == ["listed_manager"])
        amend = VesselAmendment(asset: IMOs.a)
        amend.manager = .clear
        amend.flag = try Country("KM")
        amend.name = "Renamed Star"
        try f.apply(.amendVessel(amend))
        #expect(rules(vessel(IMOs.a), .review) == ["recent_flag_change", "recent_name_change"])
        f.timeMs += 400 * 86_400_000
        #expect(vessel(IMOs.a).status == .clear, "changes older than the rules' window no longer review")
        for role in ["operator", "charterer"] {
            amend = VesselAmendment(asset: IMOs.a)
            if role == "operator" {
                amend.operator = .set(listedManager)
            } else {
                amend.charterer = .set(listedManager)
            }
            try f.apply(.amendVessel(amend))
            #expect(rules(vessel(IMOs.a), .block).contains("listed_\(role)"), "\(role)")
        }
    }

    /// The commented example in examples/ stays valid and matches the defaults.
    @Test func exampleRulesFileIsTheDefault() throws {
        let url = SanctionsData.root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "examples/rules.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(try ScreeningRules.parse(yaml: text) == .default)
        // Version 2 percentages are whole basis points: a third decimal is refused, not rounded.
        let refined = String(text.replacingOccurrences(of: "block_percent: 50\n", with: "block_percent: 50.005\n"))
        #expect(refined != text)
        do {
            _ = try ScreeningRules.parse(yaml: refined)
            Issue.record("a version-2 percentage with three decimals must be refused")
        } catch {
            #expect("\(error)".contains("has at most two decimals"), "\(error)")
        }
    }

    @Test func rulesFileParsesAndRefusesNonsense() throws {
        let yaml = """
            version: 1
            name_match: {block_score: 0.95, review_score: 0.88}
            ownership: {block_percent: 50, review_listed_minority: false}
            vessels: {block_listed_imo: true, block_listed_roles: true, review_flag_change_days: 180, review_name_change_days: 180, review_no_natural_person_owner: false}
            excluded_countries: [KP, IR]
            """
        let rules = try ScreeningRules.parse(yaml: yaml)
        #expect(rules.nameMatch.blockScore == 0.95)
        #expect(rules.excludedCountries == ["KP", "IR"])
        #expect(throws: (any Error).self) {
            _ = try ScreeningRules.parse(
                yaml: yaml.replacingOccurrences(of: "block_score: 0.95", with: "block_score: 0.5"))
        }
        #expect(throws: (any Error).self) { _ = try ScreeningRules.parse(yaml: "version: 2") }
        let fine = try ScreeningRules.parse(
            yaml: yaml.replacingOccurrences(of: "block_percent: 50", with: "block_percent: 33.333"))
        #expect(ScreeningRules.basisPoints(fine.ownership.blockPercent) == 3333, "version 1 rounds to basis points")
    }
}
