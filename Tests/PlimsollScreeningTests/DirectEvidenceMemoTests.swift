import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollTesting
import Testing

/// A screener that re-screens a registry keeps each party's direct evidence between runs
/// (`DirectEvidenceMemo`). From fixed seeds, a registry is screened, then its parties are renamed
/// (onto listed names and off them), given aliases, identifiers, other countries and dates, and
/// new ones registered and linked; after each round, the screener that remembers decides every
/// party and vessel exactly as a new screener does, and has matched again only the parties whose
/// particulars changed.
struct DirectEvidenceMemoTests {
    static let names = [
        "YUN HO-JIN", "Ocean Maritime Management Company Limited", "Ingrid Solberg", "Nordic Bulk Holding AS",
        "Alpha Shipholding Ltd", "KOREA TONGHAE SHIPPING COMPANY", "Maria Rossi",
    ]

    static func screener() -> Screener {
        Screener(index: SanctionsData.index, rules: .default, listsDigest: Hashing.sha256([7]))
    }

    @Test(arguments: SplitMix64.seeds([11, 12, 13]))
    func aRememberingScreenerDecidesAsANewOne(seed: UInt64) throws {
        var f = LedgerFixture(seed: seed)
        var rng = SplitMix64(seed: seed)
        var parties: [PartyID] = []
        for index in 0..<24 { parties.append(register(&f, &rng, index)) }
        let remembering = Self.screener()
        var matched = remembering.memo.statistics.misses
        #expect(remembering.screenAll(f.state, at: f.timeMs) == Self.screener().screenAll(f.state, at: f.timeMs))
        #expect(remembering.memo.statistics.misses - matched == parties.count)
        var blocked = 0
        for round in 0..<6 {
            let before = f.state.parties.mapValues(\.party)
            for _ in 0..<5 {
                let id = parties[Int(rng.next() % UInt64(parties.count))]
                var amendment = PartyAmendment(party: id)
                switch rng.next() % 6 {
                case 0: amendment.name = Self.names[Int(rng.next() % UInt64(Self.names.count))] + " \(round)"
                case 1: amendment.aliases = [Self.names[Int(rng.next() % UInt64(Self.names.count))]]
                case 2: amendment.country = try Country(["KP", "NO", "PA"][Int(rng.next() % 3)])
                case 3: amendment.born = "19\(50 + rng.next() % 50)-0\(1 + rng.next() % 9)-1\(rng.next() % 10)"
                case 4:
                    // A renewed KYC claim changes nothing screening reads: answered from the memo.
                    amendment.kycClaim = Party.KYCClaim(
                        issuer: "registrar", expiresAtMs: f.timeMs + LedgerFixture.yearMs + UInt64(round))
                default: amendment.identifiers = [Party.Identifier(scheme: "imo", value: "\(rng.next() % 9_999_999)")]
                }
                try? f.apply(.amendParty(amendment))
            }
            let new = register(&f, &rng, 100 + round)
            parties.append(new)
            let owned = parties[Int(rng.next() % UInt64(parties.count))]
            if owned != new {
                try? f.apply(
                    .declareOwnership(
                        OwnershipDeclaration(
                            owner: new, owned: owned, shareBps: 6_000, kind: .shareholding, evidence: .zero)))
            }
            // Matched again: new parties, and those whose names, aliases, country, date or
            // identifiers differ from the last run's (an amendment undone within a round is not).
            let changed = f.state.parties.values.filter { record in
                guard let old = before[record.party.id] else { return true }
                let p = record.party
                return (p.name, p.aliases, p.country, p.born, p.identifiers)
                    != (old.name, old.aliases, old.country, old.born, old.identifiers)
            }
            matched = remembering.memo.statistics.misses
            let kept = remembering.screenAll(f.state, at: f.timeMs)
            let fresh = Self.screener().screenAll(f.state, at: f.timeMs)
            #expect(kept == fresh, "round \(round): the remembering screener decides as a new one")
            #expect(remembering.memo.statistics.misses - matched == changed.count, "only changed parties matched")
            blocked += fresh.parties.values.filter { $0.status == .block }.count
            for id in parties.suffix(4) {
                #expect(
                    remembering.screen(party: id, state: f.state, at: f.timeMs)
                        == Self.screener().screen(party: id, state: f.state, at: f.timeMs))
            }
        }
        #expect(blocked > 0, "some rounds find a block, so a stale memo would show")
    }

    private func register(_ f: inout LedgerFixture, _ rng: inout SplitMix64, _ index: Int) -> PartyID {
        let name = Self.names[Int(rng.next() % UInt64(Self.names.count))] + " \(index)"
        let kind: Party.Kind = rng.next() % 2 == 0 ? .person : .organization
        return f.party(name, country: ["NO", "CN", "PA"][Int(rng.next() % 3)], kind: kind)
    }
}
