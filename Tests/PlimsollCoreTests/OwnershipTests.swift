import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Ownership walks: split holdings add up along all paths, cycles terminate, undeclared gaps show.
struct OwnershipTests {
    /// Builds links by (owner, owned, bps) on fresh parties; persons are the ids listed.
    static func graph(
        _ edges: [(UInt64, UInt64, UInt16)], persons: Set<UInt64>, time: TimestampMs = 10
    ) -> (([PartyID]) -> Void, OwnershipWalkFactory) {
        let links = edges.enumerated().map { index, edge in
            OwnershipLink(
                id: LinkID(UInt64(index + 1)), owner: PartyID(edge.0), owned: PartyID(edge.1), shareBps: edge.2,
                kind: .shareholding,
                evidence: .zero, effectiveFromMs: 0
            )
        }
        return ({ _ in }, OwnershipWalkFactory(links: links, persons: persons))
    }

    struct OwnershipWalkFactory {
        let links: [OwnershipLink]
        let persons: Set<UInt64>
        func walk(_ from: UInt64, at time: TimestampMs = 10) -> OwnershipWalk {
            OwnershipWalk(
                from: PartyID(from), at: time, owners: { party in links.filter { $0.owned == party } },
                isPerson: { persons.contains($0.raw) }
            )
        }
    }

    @Test func splitHoldingsAddUpPastFiftyPercent() {
        // 1 is owned 30% by 2 and 70% by 3; 2 and 3 are each 50% owned by person 9 (listed):
        // 9 holds 0.3*0.5 + 0.7*0.5 = 50% of 1, over two paths, though no single path reaches 50%.
        let (_, factory) = Self.graph(
            [(2, 1, 3000), (3, 1, 7000), (9, 2, 5000), (9, 3, 5000), (8, 2, 5000), (7, 3, 5000)], persons: [7, 8, 9])
        let walk = factory.walk(1)
        let nine = walk.ancestors[PartyID(9)]!
        #expect(abs(nine.share - 0.5) < 1e-12)
        #expect(nine.paths.count == 2)
        #expect(Set(nine.paths) == [[PartyID(1), PartyID(2), PartyID(9)], [PartyID(1), PartyID(3), PartyID(9)]])
        #expect(abs(walk.ancestors[PartyID(8)]!.share - 0.15) < 1e-12)
        #expect(walk.undeclared.isEmpty)
        #expect(walk.cycles.isEmpty)
    }

    @Test func cyclesTerminateAndAreReported() {
        // 1 <- 2 <- 3 <- 1 (a cycle), and 3 is half owned by person 5.
        let (_, factory) = Self.graph([(2, 1, 10000), (3, 2, 10000), (1, 3, 5000), (5, 3, 5000)], persons: [5])
        let walk = factory.walk(1)
        #expect(abs(walk.ancestors[PartyID(5)]!.share - 0.5) < 1e-12)
        #expect(walk.cycles == [[PartyID(1), PartyID(2), PartyID(3), PartyID(1)]])
        #expect(!walk.truncated)
    }

    @Test func deepChainsAreBoundedNotHung() {
        let edges = (1..<200).map { (UInt64($0 + 1), UInt64($0), UInt16(10000)) }
        let (_, factory) = Self.graph(edges, persons: [])
        let walk = factory.walk(1)
        #expect(walk.truncated)
        #expect(walk.ancestors.count == Limits.ownershipDepthMax, "owners up to the depth bound are kept")
    }

    @Test func undeclaredRemainderAndEndedLinks() {
        var links = [
            OwnershipLink(
                id: LinkID(1), owner: PartyID(2), owned: PartyID(1), shareBps: 4000, kind: .shareholding,
                evidence: .zero, effectiveFromMs: 0),
            OwnershipLink(
                id: LinkID(2), owner: PartyID(3), owned: PartyID(1), shareBps: 6000, kind: .shareholding,
                evidence: .zero, effectiveFromMs: 0),
        ]
        links[1].effectiveToMs = 100
        let factory = OwnershipWalkFactory(links: links, persons: [2, 3])
        #expect(factory.walk(1, at: 50).undeclared.isEmpty)
        let later = factory.walk(1, at: 150)
        #expect(abs(later.undeclared[PartyID(1)]! - 0.6) < 1e-12, "after the 60% link ended, 60% is undeclared")
        #expect(later.ancestors[PartyID(3)] == nil)
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
        #expect(abs(report.owners[0].share - 0.5625) < 1e-12, "75% of 48/64")
        #expect(abs(report.owners[1].share - 0.25) < 1e-12)
        #expect(report.undeclared.map(\.party) == [holdCo])
        #expect(abs(report.undeclared[0].share - 0.1875) < 1e-12)
    }
}
