import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollTesting
import Testing

/// The ownership, control and opacity rules, each firing and not firing, on real list entries
/// (UN KPi.001 YUN HO-JIN, OFAC's OCEAN MARITIME MANAGEMENT COMPANY LIMITED, Kim Jong Un).
struct OwnershipRuleTests {
    static func screener(_ change: (inout ScreeningRules) -> Void = { _ in }) -> Screener {
        var rules = ScreeningRules.default
        change(&rules)
        return Screener(index: SanctionsData.index, rules: rules, listsDigest: Hashing.sha256([1]))
    }

    func decision(_ f: LedgerFixture, _ party: PartyID, _ screener: Screener = screener()) -> ScreeningDecision {
        screener.screen(party: party, state: f.state, at: f.timeMs)
    }

    func rules(_ decision: ScreeningDecision, _ status: ScreeningStatus) -> Set<String> {
        Set(decision.evidence.filter { $0.status == status }.map(\.rule))
    }

    func link(
        _ f: inout LedgerFixture, _ owner: PartyID, _ owned: PartyID, _ bps: UInt16,
        _ kind: OwnershipLink.Kind = .shareholding
    ) throws {
        try f.apply(.declareOwnership(.init(owner: owner, owned: owned, shareBps: bps, kind: kind, evidence: .zero)))
    }

    /// Issue item 1: A is owned 30% by a listed person and 70% by B, which A owns entirely. The
    /// listed person is the only owner outside the cycle and holds all of A by look-through.
    @Test func aCycleDoesNotHideTheListedOwnersFullShare() throws {
        var f = LedgerFixture(seed: 21)
        let listed = f.party("YUN HO-JIN", country: "CN")
        let a = f.party("Alpha Shipholding Ltd", country: "PA", kind: .organization)
        let b = f.party("Beta Shipholding Ltd", country: "PA", kind: .organization)
        try link(&f, listed, a, 3000)
        try link(&f, b, a, 7000)
        try link(&f, a, b, 10_000)
        let verdict = decision(f, a)
        #expect(verdict.status == .block)
        // B, owned entirely by A, is blocked in turn and holds 70% of A's votes: control agrees.
        #expect(rules(verdict, .block) == ["ownership_50_percent", "ownership", "control"])
        let owner = try #require(verdict.evidence.first { $0.rule == "ownership" })
        #expect(owner.share == "1", "100%, not the 30% of the simple path")
        #expect(owner.detail.contains("holds 100% (exactly 1)"), "\(owner.detail)")
        #expect(owner.detail.contains("70% more by going round the cycle"), "\(owner.detail)")
        // Not firing: the same cycle with a clean person outside it.
        var g = LedgerFixture(seed: 22)
        let clean = g.party("Ingrid Solberg", country: "NO")
        let c = g.party("Alpha Shipholding Ltd", country: "PA", kind: .organization)
        let d = g.party("Beta Shipholding Ltd", country: "PA", kind: .organization)
        try link(&g, clean, c, 3000)
        try link(&g, d, c, 7000)
        try link(&g, c, d, 10_000)
        #expect(decision(g, c).status == .clear, "the clean person holds all of it: resolved and clear")
    }

    /// Issue item 2: a holder 30% owned by a listed company, itself owned by a listed person. The
    /// listed share reaching the holder is 30%, attributed once, at the listed company.
    @Test func aListedOwnerOfAListedOwnerIsNotCountedTwice() throws {
        var f = LedgerFixture(seed: 23)
        let person = f.party("YUN HO-JIN", country: "CN")
        let company = f.party("Ocean Maritime Management Company Limited", country: "KP", kind: .organization)
        let clean = f.party("Ingrid Solberg", country: "NO")
        let holder = f.party("Nordic Bulk Holding AS", country: "NO", kind: .organization)
        try link(&f, person, company, 10_000)
        try link(&f, company, holder, 3000)
        try link(&f, clean, holder, 7000)
        let verdict = decision(f, holder)
        #expect(verdict.status == .review, "30% listed: review, not a 60% block")
        #expect(rules(verdict, .block).isEmpty)
        let owners = verdict.evidence.filter { $0.rule == "ownership" }
        #expect(owners.map(\.share) == ["3/10"])
        #expect(owners.first?.path == [holder, company])
        // Firing: the same with 50% through the listed company blocks.
        var g = LedgerFixture(seed: 24)
        let person2 = g.party("YUN HO-JIN", country: "CN")
        let company2 = g.party("Ocean Maritime Management Company Limited", country: "KP", kind: .organization)
        let clean2 = g.party("Ingrid Solberg", country: "NO")
        let holder2 = g.party("Nordic Bulk Holding AS", country: "NO", kind: .organization)
        try link(&g, person2, company2, 10_000)
        try link(&g, company2, holder2, 5000)
        try link(&g, clean2, holder2, 5000)
        #expect(decision(g, holder2).status == .block, "exactly 50% meets the 50% rule")
    }

    /// Issue item 3: three paths of 20%, 20% and 15% add up to 55%; every path is named.
    @Test func everyContributingPathIsNamedLargestFirst() throws {
        var f = LedgerFixture(seed: 25)
        let listed = f.party("YUN HO-JIN", country: "CN")
        let clean = f.party("Ingrid Solberg", country: "NO")
        let holder = f.party("Fjord Tankers AS", country: "NO", kind: .organization)
        var shells: [PartyID] = []
        for (index, bps) in [UInt16(1500), 2000, 2000].enumerated() {
            let shell = f.party("Shell Number \(index) Ltd", country: "SC", kind: .organization)
            try link(&f, listed, shell, 10_000)
            try link(&f, shell, holder, bps)
            shells.append(shell)
        }
        try link(&f, clean, holder, 4500)
        let verdict = decision(f, holder)
        #expect(verdict.status == .block)
        let owner = try #require(verdict.evidence.first { $0.rule == "ownership" })
        #expect(owner.share == "11/20")
        #expect(
            owner.paths == [[holder, shells[1], listed], [holder, shells[2], listed], [holder, shells[0], listed]])
        #expect(owner.detail.contains("(20%)") && owner.detail.contains("(15%)"), "\(owner.detail)")
        let total = try #require(verdict.evidence.first { $0.rule == "ownership_50_percent" })
        #expect(total.detail.contains("55% (exactly 11/20)"), "\(total.detail)")
    }

    /// Issue item 4: control and voting links count under their own rule and threshold.
    @Test func controlByAListedPartyBlocksUnderItsOwnRule() throws {
        var f = LedgerFixture(seed: 26)
        let listed = f.party("YUN HO-JIN", country: "CN")
        let clean = f.party("Ingrid Solberg", country: "NO")
        let controlled = f.party("Control Target Shipping SA", country: "PA", kind: .organization)
        let voted = f.party("Voting Target Shipping SA", country: "PA", kind: .organization)
        let minority = f.party("Minority Target Shipping SA", country: "PA", kind: .organization)
        let chained = f.party("Chained Target Shipping SA", country: "PA", kind: .organization)
        for party in [controlled, voted, minority, chained] { try link(&f, clean, party, 10_000) }
        try link(&f, listed, controlled, 10_000, .control)
        try link(&f, listed, voted, 6000, .voting)
        try link(&f, listed, minority, 3000, .voting)
        // The listed person controls `voted` (60% of votes); `voted` controls `chained` entirely.
        try link(&f, voted, chained, 10_000, .control)
        #expect(rules(decision(f, controlled), .block) == ["control"])
        #expect(rules(decision(f, voted), .block) == ["control"])
        let chain = decision(f, chained)
        #expect(rules(chain, .block) == ["control"])
        #expect(chain.evidence.first { $0.rule == "control" }?.detail.contains("controlled by listed parties") == true)
        let small = decision(f, minority)
        #expect(small.status == .review && rules(small, .review) == ["control_listed_minority"])
        // The threshold is data: at 70%, 60% of the votes reviews instead of blocking.
        let strict = Self.screener { $0.control.blockPercent = 70 }
        #expect(rules(decision(f, voted, strict), .review) == ["control_listed_minority"])
        #expect(decision(f, voted, strict).status == .review)
        // Not firing: control by a clean person.
        let clear = f.party("Clear Target Shipping SA", country: "PA", kind: .organization)
        try link(&f, clean, clear, 10_000)
        try link(&f, clean, clear, 10_000, .control)
        #expect(decision(f, clear).status == .clear)
    }

    /// Issue item 5: an organization must resolve to natural persons, unless exempt.
    @Test func opacityHoldsAnOrganizationWithoutPeopleBehindIt() throws {
        var f = LedgerFixture(seed: 27)
        let person = f.party("Ingrid Solberg", country: "NO")
        let empty = f.party("Nobody Behind Ltd", country: "PA", kind: .organization)
        let opaque = f.party("Mostly Hidden Ltd", country: "PA", kind: .organization)
        let enough = f.party("Mostly Declared Ltd", country: "PA", kind: .organization)
        let edge = f.party("Quarter Hidden Ltd", country: "PA", kind: .organization)
        try link(&f, person, opaque, 7000)
        try link(&f, person, enough, 8000)
        try link(&f, person, edge, 7500)
        let nobody = decision(f, empty)
        #expect(rules(nobody, .review) == ["opaque_ownership"])
        #expect(nobody.evidence.first?.detail.contains("100% (exactly 1)") == true)
        #expect(rules(decision(f, opaque), .review) == ["opaque_ownership"], "30% undeclared >= 25%")
        #expect(rules(decision(f, edge), .review) == ["opaque_ownership"], "exactly 25% meets the threshold")
        #expect(decision(f, enough).status == .clear, "20% undeclared is below 25%")
        #expect(decision(f, person).status == .clear, "the rule is for organizations")
        try f.apply(
            .registerParty(
                PartyRegistration(
                    kind: .organization, name: "Equinor ASA", country: try Country("NO"),
                    identifiers: [Party.Identifier(scheme: "stock-exchange-listing", value: "XOSL:EQNR")],
                    kycClaims: [Party.KYCClaim(issuer: "registrar", expiresAtMs: f.timeMs + LedgerFixture.yearMs)])))
        let listedCompany = PartyID(f.state.counters.nextPartyID - 1)
        #expect(decision(f, listedCompany).status == .clear, "a listed company resolves by itself")
        // An organization owned by the exempt company resolves through it.
        let subsidiary = f.party("Equinor Shipping AS", country: "NO", kind: .organization)
        try link(&f, listedCompany, subsidiary, 10_000)
        #expect(decision(f, subsidiary).status == .clear)
        let loose = Self.screener { $0.opacity.reviewUnresolvedPercent = 100 }
        #expect(decision(f, opaque, loose).status == .clear, "the threshold is data")
    }

    /// Economic owners declared above 100% (a shareholding and a nominee holding of the same
    /// shares) are scaled pro rata, and the inconsistency is held for review.
    @Test func overDeclaredOwnershipIsReviewed() throws {
        var f = LedgerFixture(seed: 28)
        let first = f.party("Ingrid Solberg", country: "NO")
        let second = f.party("Ola Nordmann", country: "NO")
        let company = f.party("Doubly Owned AS", country: "NO", kind: .organization)
        try link(&f, first, company, 10_000)
        #expect(decision(f, company).status == .clear, "100% declared: consistent")
        try link(&f, second, company, 5000, .nominee)
        let verdict = decision(f, company)
        #expect(rules(verdict, .review) == ["over_declared_ownership"])
        #expect(verdict.evidence.first?.detail.contains("party \(company)") == true)
    }

    /// A graph above the look-through's bound is held for review, never walked without end.
    @Test func anOwnershipGraphBeyondTheBoundIsReviewed() throws {
        var f = LedgerFixture(seed: 29)
        let person = f.party("Ingrid Solberg", country: "NO")
        var below = f.party("Layer 0 AS", country: "NO", kind: .organization)
        let start = below
        for layer in 1...(LookThrough.nodesMax + 4) {
            let above = f.party("Layer \(layer) AS", country: "NO", kind: .organization)
            try link(&f, above, below, 10_000)
            below = above
        }
        try link(&f, person, below, 10_000)
        let verdict = decision(f, start)
        #expect(rules(verdict, .review).contains("ownership_walk_bounded"))
        // Not firing: a chain of 40 layers resolves to the person.
        var g = LedgerFixture(seed: 30)
        let owner = g.party("Ingrid Solberg", country: "NO")
        var bottom = g.party("Layer 0 AS", country: "NO", kind: .organization)
        let first = bottom
        for layer in 1...40 {
            let above = g.party("Layer \(layer) AS", country: "NO", kind: .organization)
            try link(&g, above, bottom, 10_000)
            bottom = above
        }
        try link(&g, owner, bottom, 10_000)
        #expect(decision(g, first).status == .clear)
    }

    /// OFAC FAQ 401: an entity blocked by the 50 percent rule is a blocked person for what it
    /// owns. Listed X owns 50% of A; A owns 60% of B: B is blocked (not 30%).
    @Test func anEntityBlockedByTheRuleCountsInFullForWhatItOwns() throws {
        var f = LedgerFixture(seed: 31)
        let listed = f.party("YUN HO-JIN", country: "CN")
        let clean = f.party("Ingrid Solberg", country: "NO")
        let a = f.party("Alpha Holding Ltd", country: "PA", kind: .organization)
        let b = f.party("Beta Shipping Ltd", country: "PA", kind: .organization)
        try link(&f, listed, a, 5000)
        try link(&f, clean, a, 5000)
        try link(&f, a, b, 6000)
        try link(&f, clean, b, 4000)
        #expect(decision(f, a).status == .block)
        for screener in [Self.screener()] {
            let verdict = decision(f, b, screener)
            #expect(verdict.status == .block)
            let owner = try #require(verdict.evidence.first { $0.rule == "ownership" })
            #expect(owner.share == "3/5" && owner.path == [b, a, listed], "\(owner.detail)")
            #expect(owner.detail.contains("is blocked by the 50 percent rule itself"))
        }
        let all = Self.screener().screenAll(f.state, at: f.timeMs).parties
        #expect(all[b]?.status == .block, "the registry-wide re-screen agrees with the single screen")
    }

    /// A control chain through a cycle: X is controlled by A (60%), A by listed L (60%) and X
    /// (10%); the target holds votes of A (30%) and X (30%). Both A and X are controlled, so the
    /// target is, with 60%: the fixed point does not keep an answer found while a loop was cut.
    @Test func controlThroughACycleIsFoundWhateverTheOrder() throws {
        var f = LedgerFixture(seed: 32)
        let a = f.party("Alpha Control Ltd", country: "PA", kind: .organization)
        let x = f.party("Xeno Control Ltd", country: "PA", kind: .organization)
        let listed = f.party("YUN HO-JIN", country: "CN")
        let target = f.party("Target Shipping SA", country: "PA", kind: .organization)
        let clean = f.party("Ingrid Solberg", country: "NO")
        try link(&f, listed, a, 6000, .voting)
        try link(&f, x, a, 1000, .voting)
        try link(&f, a, x, 6000, .voting)
        try link(&f, a, target, 3000, .voting)
        try link(&f, x, target, 3000, .voting)
        try link(&f, clean, target, 10_000)
        let verdict = decision(f, target)
        #expect(rules(verdict, .block).contains("control"), "\(verdict.evidence.map(\.detail))")
        #expect(Self.screener().screenAll(f.state, at: f.timeMs).parties[target]?.status == .block)
    }

    /// An exempt (exchange-listed) company ends the opacity rule's look-through only: a listed
    /// owner above it still counts for the 50 percent rule.
    @Test func anExemptCompanyDoesNotHideAListedOwner() throws {
        var f = LedgerFixture(seed: 33)
        let listed = f.party("YUN HO-JIN", country: "CN")
        try f.apply(
            .registerParty(
                PartyRegistration(
                    kind: .organization, name: "Listed Parent PLC", country: try Country("GB"),
                    identifiers: [Party.Identifier(scheme: "stock-exchange-listing", value: "XLON:LPP")],
                    kycClaims: [Party.KYCClaim(issuer: "registrar", expiresAtMs: f.timeMs + LedgerFixture.yearMs)])))
        let parent = PartyID(f.state.counters.nextPartyID - 1)
        let holder = f.party("Parent Shipping Ltd", country: "GB", kind: .organization)
        try link(&f, listed, parent, 3000)
        try link(&f, parent, holder, 10_000)
        let verdict = decision(f, holder)
        #expect(rules(verdict, .review) == ["ownership"], "30% listed through the exempt parent: review")
        #expect(verdict.evidence.first { $0.rule == "ownership" }?.share == "3/10")
    }
}
