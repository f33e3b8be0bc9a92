import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// The uniqueness of parties and the ownership-share rules are decided from indexes, not by a
/// scan of every party and link (issue 13). From fixed seeds, random registrations, amendments,
/// declarations and ends, drawn from small pools so that collisions are frequent, are decided as
/// a scan over the whole state decides them; and a state restored from its records holds the
/// same indexes as the state that applied them (`LedgerState`'s `==` compares them).
struct PartyIndexPropertyTests {
    /// "Zoë" twice, composed and decomposed: the same name to the rule (canonical equivalence).
    static let names = ["Aster", "Borea", "Calypso", "Dione", "Eos", "Zo\u{EB}", "Zoe\u{308}"]
    static let countries = ["NO", "PA", "MT"]
    static let dates: [String?] = [nil, "1970-01-01", "1985-06-30"]
    static let identifiers = (1...6).map { Party.Identifier(scheme: "orgnr", value: "\($0)") }

    @Test(arguments: SplitMix64.seeds([1, 2, 3, 4]))
    func indexedChecksDecideAsAScanOfEveryPartyAndLink(seed: UInt64) throws {
        var f = LedgerFixture(seed: seed)
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9)
        var decided = (duplicates: 0, badShares: 0, settled: 0)
        // A store's copy of the state, given each block's changes as a store is.
        var stored = f.state
        f.ledger.clearDirty()
        var blockEnd = 0
        for step in 0..<600 {
            if step == blockEnd {
                stored.apply(StateChanges(dirty: f.ledger.dirty, state: f.state))
                f.ledger.clearDirty()
                #expect(stored == f.state, "step \(step): the stored copy equals the ledger's state")
                blockEnd = step + 1 + Int(rng.next() % 12)
            }
            let parties = f.state.parties.keys.sorted()
            let action: RegistrarAction
            switch parties.count < 2 ? 0 : rng.next() % 5 {
            case 0, 1:
                var p = Self.particulars(&rng)
                action = .registerParty(
                    PartyRegistration(
                        kind: p.kind, name: p.name, country: p.country, born: p.born, identifiers: p.identifiers))
                p.id = PartyID(f.state.counters.nextPartyID)
                try check(&f, action, expected: Self.scanConflict(p, f.state), step: step, &decided)
            case 2:
                let id = parties[Int(rng.next() % UInt64(parties.count))]
                var p = Self.particulars(&rng)
                p.id = id
                var amendment = PartyAmendment(party: id)
                amendment.name = p.name
                amendment.country = p.country
                amendment.born = p.born
                amendment.identifiers = p.identifiers
                let current = f.state.parties[id]!.party
                // An amendment without a date keeps the party's.
                p = Particulars(
                    id: id, kind: current.kind, name: p.name, country: p.country, born: p.born ?? current.born,
                    identifiers: p.identifiers)
                let unchanged =
                    current.name == p.name && current.country == p.country && current.born == p.born
                    && current.identifiers == p.identifiers
                try check(
                    &f, .amendParty(amendment), expected: unchanged ? .malformed : Self.scanConflict(p, f.state),
                    step: step, &decided)
            case 3:
                let owner = parties[Int(rng.next() % UInt64(parties.count))]
                // A few owned parties, so that shares add up past 100 % and links repeat.
                let owned = parties[Int(rng.next() % UInt64(min(parties.count, 6)))]
                guard owner != owned else { continue }
                let declaration = OwnershipDeclaration(
                    owner: owner, owned: owned, shareBps: UInt16(1 + rng.next() % 8_000),
                    kind: rng.next() % 2 == 0 ? .shareholding : .voting, evidence: .zero)
                try check(
                    &f, .declareOwnership(declaration), expected: Self.scanShareRule(declaration, f.state, f.timeMs),
                    step: step, &decided)
            default:
                let open = f.state.links.values.filter { $0.effectiveToMs == nil }.map(\.id).sorted { $0.raw < $1.raw }
                if let id = open.isEmpty ? nil : open[Int(rng.next() % UInt64(open.count))] {
                    try check(&f, .endOwnership(id), expected: nil, step: step, &decided)
                }
                f.timeMs += 1_000
            }
        }
        #expect(decided.duplicates > 20, "the pools collide often enough to test the index")
        #expect(decided.badShares > 3)
        #expect(decided.settled > 100)
        let s = f.state
        let restored = LedgerState(
            genesis: f.genesis, counters: s.counters, parties: Array(s.parties.values.reversed()),
            keys: Array(s.keys.values), vessels: Array(s.vessels.values), links: Array(s.links.values.reversed()),
            balances: s.balances.flatMap { asset, held in held.map { (BalanceKey(asset: asset, key: $0.key), $0.value) }
            })
        #expect(restored == s, "a restored state holds the indexes the applied one holds")
        for record in s.parties.values {
            let p = record.party
            #expect(s.party(kind: p.kind, name: p.name, country: p.country, born: p.born)?.party.id == p.id)
            let byScan = s.links.values.filter { $0.owned == p.id }.map(\.id.raw).sorted()
            #expect(s.links(owning: p.id).map(\.id.raw) == byScan)
        }
    }

    /// Within one block a party takes the particulars and the identifier that a party with a
    /// higher id gave up earlier in the block. A store's copy of the state, applying the block's
    /// changed records in id order, must end with the ledger's index, not trap on a clash that
    /// exists only halfway through.
    @Test func aStoredCopyTakesABlockWhosePartiesSwapParticulars() throws {
        var f = LedgerFixture(seed: 71)
        let nid = Party.Identifier(scheme: "nid", value: "7")
        try f.apply(
            .registerParty(PartyRegistration(kind: .person, name: "Taker", country: try Country("NO"))))
        try f.apply(
            .registerParty(
                PartyRegistration(kind: .person, name: "Giver", country: try Country("NO"), identifiers: [nid])))
        let (taker, giver) = (PartyID(1), PartyID(2))
        var stored = f.state
        f.ledger.clearDirty()
        var release = PartyAmendment(party: giver)
        release.name = "Former Giver"
        release.identifiers = []
        try f.apply(.amendParty(release))
        var take = PartyAmendment(party: taker)
        take.name = "Giver"
        take.identifiers = [nid]
        try f.apply(.amendParty(take))
        let changes = StateChanges(dirty: f.ledger.dirty, state: f.state)
        #expect(changes.parties.map(\.party.id) == [taker, giver], "the taker comes first")
        stored.apply(changes)
        #expect(stored == f.state)
        #expect(stored.party(kind: .person, name: "Giver", country: try Country("NO"), born: nil)?.party.id == taker)
        var again = PartyAmendment(party: giver)
        again.identifiers = [nid]
        #expect(throws: Rejection.self, "the identifier is the taker's now") { try f.apply(.amendParty(again)) }
    }

    /// Applies `action`; it must be refused with `expected`, or settle when that is nil.
    private func check(
        _ f: inout LedgerFixture, _ action: RegistrarAction, expected: ReasonCode?, step: Int,
        _ decided: inout (duplicates: Int, badShares: Int, settled: Int)
    ) throws {
        let before = f.state
        do {
            try f.apply(action)
            #expect(expected == nil, "step \(step): \(action) settled, a scan refuses it with \(expected!)")
            decided.settled += 1
        } catch {
            #expect(error.code == expected, "step \(step): \(action) refused \(error.code): \(error.message)")
            #expect(f.state == before, "a refusal changes nothing")
            if error.code == .duplicate { decided.duplicates += 1 }
            if error.code == .badShare { decided.badShares += 1 }
        }
    }

    private struct Particulars {
        var id = PartyID(0)
        let kind: Party.Kind
        let name: String
        let country: Country
        let born: String?
        let identifiers: [Party.Identifier]
    }

    private static func particulars(_ rng: inout SplitMix64) -> Particulars {
        let ids = identifiers.filter { _ in rng.next() % 5 == 0 }
        return Particulars(
            kind: rng.next() % 2 == 0 ? .person : .organization, name: names[Int(rng.next() % UInt64(names.count))],
            country: try! Country(countries[Int(rng.next() % UInt64(countries.count))]),
            born: dates[Int(rng.next() % UInt64(dates.count))], identifiers: ids)
    }

    /// The rule as the first release decided it: every other party compared in turn.
    private static func scanConflict(_ p: Particulars, _ state: LedgerState) -> ReasonCode? {
        for record in state.parties.values where record.party.id != p.id {
            let other = record.party
            if other.kind == p.kind && other.name == p.name && other.country == p.country && other.born == p.born {
                return .duplicate
            }
            if p.identifiers.contains(where: other.identifiers.contains) { return .duplicate }
        }
        return nil
    }

    private static func scanShareRule(
        _ d: OwnershipDeclaration, _ state: LedgerState, _ time: TimestampMs
    ) -> ReasonCode? {
        let active = state.links.values.filter { $0.owned == d.owned && $0.isEffective(at: time) }
        if active.contains(where: { $0.owner == d.owner && $0.kind == d.kind }) { return .duplicate }
        let held = active.filter { $0.kind == d.kind }.reduce(0) { $0 + Int($1.shareBps) }
        return held + Int(d.shareBps) > 10_000 ? .badShare : nil
    }
}
