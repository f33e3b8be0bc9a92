import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Exact look-through: split holdings add up along all paths, cycles are attributed (not dropped),
/// closed cycles and undeclared rests are reported, and everything of the start party is
/// accounted for exactly.
struct OwnershipTests {
    /// Links by (owner, owned, bps); persons are the ids listed.
    struct Graph {
        let links: [OwnershipLink]
        let persons: Set<UInt64>

        init(_ edges: [(UInt64, UInt64, UInt16)], persons: Set<UInt64>, kind: OwnershipLink.Kind = .shareholding) {
            links = edges.enumerated().map { index, edge in
                OwnershipLink(
                    id: LinkID(UInt64(index + 1)), owner: PartyID(edge.0), owned: PartyID(edge.1), shareBps: edge.2,
                    kind: kind, evidence: .zero, effectiveFromMs: 0)
            }
            self.persons = persons
        }

        init(links: [OwnershipLink], persons: Set<UInt64>) {
            self.links = links
            self.persons = persons
        }

        func look(_ from: UInt64, at time: TimestampMs = 10) -> LookThrough {
            LookThrough(
                from: PartyID(from), at: time, owners: { party in links.filter { $0.owned == party } },
                isTerminal: { persons.contains($0.raw) })
        }
    }

    static func r(_ numerator: UInt64, _ denominator: UInt64) -> Rational { Rational(numerator, over: denominator) }
    static func p(_ ids: UInt64...) -> [PartyID] { ids.map(PartyID.init) }

    @Test func splitHoldingsAddUpToExactlyFiftyPercent() {
        // 1 is owned 30% by 2 and 70% by 3; 2 and 3 are each 50% owned by person 9:
        // 9 holds 0.3*0.5 + 0.7*0.5 = 50% of 1, exactly, over two paths, though no path reaches 50%.
        let look = Graph(
            [(2, 1, 3000), (3, 1, 7000), (9, 2, 5000), (9, 3, 5000), (8, 2, 5000), (7, 3, 5000)], persons: [7, 8, 9]
        ).look(1)
        #expect(look.share(of: PartyID(9)) == Self.r(1, 2))
        #expect(look.share(of: PartyID(9)) >= Rational(bps: 5000), "50% is 50%: it meets a 50% threshold")
        #expect(look.paths[PartyID(9)]?.map(\.parties) == [Self.p(1, 3, 9), Self.p(1, 2, 9)], "largest first")
        #expect(look.paths[PartyID(9)]?.map(\.share) == [Self.r(7, 20), Self.r(3, 20)])
        #expect(look.share(of: PartyID(8)) == Self.r(3, 20))
        #expect(look.undeclared.isEmpty && look.cycles.isEmpty && look.closed.isEmpty)
        #expect(look.accountedFor == .one)
    }

    @Test func aCycleAttributesItsShareInsteadOfDroppingIt() {
        // The case: A (1) is owned 30% by listed person P (9) and 70% by B (2); B is owned
        // 100% by A. P is the only owner outside the cycle, so P controls all of A by look-through:
        // 0.3 + 0.7*0.3 + 0.7^2*0.3 + ... = 1.
        let look = Graph([(9, 1, 3000), (2, 1, 7000), (1, 2, 10_000)], persons: [9]).look(1)
        #expect(look.share(of: PartyID(9)) == .one)
        #expect(look.paths[PartyID(9)]?.map(\.parties) == [Self.p(1, 9)])
        #expect(look.paths[PartyID(9)]?.first?.share == Self.r(3, 10), "the simple path alone is 30%")
        #expect(look.cycles == [Self.p(1, 2, 1)])
        #expect(look.unresolved == .zero)
    }

    @Test func aLongerCycleWithAnExitPassesEverythingToTheExit() {
        // 1 <- 2 <- 3 <- 1 (a cycle), and 3 is half owned by person 5: all of 1 ends at 5.
        let look = Graph([(2, 1, 10000), (3, 2, 10000), (1, 3, 5000), (5, 3, 5000)], persons: [5]).look(1)
        #expect(look.share(of: PartyID(5)) == .one)
        #expect(look.cycles == [Self.p(1, 2, 3, 1)])
        #expect(!look.truncated)
    }

    @Test func aClosedCycleIsReportedNotLost() {
        // 1 and 2 own each other entirely: no share of 1 ever reaches a person.
        let closedAlone = Graph([(2, 1, 10000), (1, 2, 10000)], persons: []).look(1)
        #expect(closedAlone.closed == [PartyID(1): .one])
        #expect(closedAlone.reached.isEmpty)
        // 3 is half owned by person 5 and half by the closed pair.
        let look = Graph([(2, 1, 10000), (1, 2, 10000), (5, 3, 5000), (1, 3, 5000)], persons: [5]).look(3)
        #expect(look.share(of: PartyID(5)) == Self.r(1, 2))
        #expect(look.closed == [PartyID(1): Self.r(1, 2)])
        #expect(look.unresolved == Self.r(1, 2))
        #expect(look.accountedFor == .one)
    }

    @Test func aZeroShareIsNoWayOutOfACycle() {
        // 1 and 2 own each other entirely; person 9 holds 0 bps of 2: still a closed cycle.
        let look = Graph([(2, 1, 10000), (1, 2, 10000), (9, 2, 0)], persons: [9]).look(1)
        #expect(look.closed == [PartyID(1): .one])
        #expect(look.reached.isEmpty)
    }

    @Test func longChainsResolveAndHugeOnesAreBounded() {
        let chain = (1..<200).map { (UInt64($0 + 1), UInt64($0), UInt16(10000)) }
        let look = Graph(chain, persons: []).look(1)
        #expect(!look.truncated, "200 organizations are within the bound")
        #expect(look.undeclared == [PartyID(200): .one], "the top of the chain declares no owner")
        #expect(look.pathsIncomplete, "paths are listed to a depth of \(Limits.ownershipDepthMax) only")
        let huge = (1..<400).map { (UInt64($0 + 1), UInt64($0), UInt16(10000)) }
        let bounded = Graph(huge, persons: []).look(1)
        #expect(bounded.truncated)
        #expect(bounded.beyondBounds == .one)
        #expect(bounded.accountedFor == .one)
    }

    @Test func undeclaredRemainderAndEndedLinks() {
        var links = Graph([(2, 1, 4000), (3, 1, 6000)], persons: []).links
        links[1].effectiveToMs = 100
        let graph = Graph(links: links, persons: [2, 3])
        #expect(graph.look(1, at: 50).undeclared.isEmpty)
        let later = graph.look(1, at: 150)
        #expect(later.undeclared[PartyID(1)] == Self.r(3, 5), "after the 60% link ended, 60% is undeclared")
        #expect(later.reached[PartyID(3)] == nil)
    }

    @Test func overDeclaredOwnersAreScaledProRata() {
        // 100% shareholding by 2 and a 50% nominee holding by 3 declare 150% in all.
        let links =
            Graph([(2, 1, 10000)], persons: []).links
            + [
                OwnershipLink(
                    id: LinkID(9), owner: PartyID(3), owned: PartyID(1), shareBps: 5000, kind: .nominee,
                    evidence: .zero, effectiveFromMs: 0)
            ]
        let look = Graph(links: links, persons: [2, 3]).look(1)
        #expect(look.overDeclared == [PartyID(1)])
        #expect(look.share(of: PartyID(2)) == Self.r(2, 3))
        #expect(look.share(of: PartyID(3)) == Self.r(1, 3))
    }

    @Test func controlAndVotingLinksCarryNoEconomicShare() {
        let look = Graph([(9, 1, 10000)], persons: [9], kind: .control).look(1)
        #expect(look.reached.isEmpty)
        #expect(look.undeclared[PartyID(1)] == .one)
    }

    @Test func percentagesReadExactOnlyWhenExact() {
        #expect(Self.r(3, 10).percentText == "30%")
        #expect(Self.r(1, 3).percentText == "33.33…%")
        #expect(Self.r(1, 200).percentText == "0.5%")
        #expect(Self.r(1, 16).percentText == "6.25%")
        #expect(Self.r(1, 40).percentText == "2.5%")
        #expect(Self.r(7, 20).description == "7/20")
        #expect(Rational.one.description == "1")
        #expect(Self.r(1, 3) + Self.r(2, 3) == .one)
        #expect(abs(Self.r(1, 3).double - 1.0 / 3) < 1e-15)
    }

    @Test func beneficialOwnersOfAVesselWeightByHolding() throws {
        var fixture = LedgerFixture(seed: 5)
        let holdCo = fixture.party("HoldCo", country: "PA", kind: .organization)
        let person = fixture.party("Kim", country: "KP")
        let direct = fixture.party("Ana", country: "ES")
        try fixture.apply(
            .declareOwnership(.init(owner: person, owned: holdCo, shareBps: 7500, kind: .shareholding, evidence: .zero))
        )
        let report = BeneficialOwnership(
            holdings: [(holdCo, 48), (direct, 16)], totalUnits: 64, links: Array(fixture.state.links.values),
            parties: fixture.state.parties, at: fixture.timeMs
        )
        #expect(report.owners.map(\.party) == [person, direct])
        #expect(report.ownerShares[person] == Self.r(9, 16), "75% of 48/64")
        #expect(report.owners[0].exact == "9/16" && report.owners[0].percent == "56.25%")
        #expect(report.ownerShares[direct] == Self.r(1, 4))
        #expect(report.undeclared.map(\.party) == [holdCo])
        #expect(report.undeclared[0].reason == .undeclared && report.undeclared[0].exact == "3/16")
        #expect(report.unresolvedShare == Self.r(3, 16))
    }
}
