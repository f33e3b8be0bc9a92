/// Which party holds each set of particulars (kind, name, country, date) and each identifier.
///
/// A registration or an amendment must share neither with another party. Found by a scan of
/// every party, that check made a registrar block cost O(parties) per party it registers, and a
/// replay of the log O(parties²): at 1,000,000 parties a block of registrations took minutes
/// (issue 13: the cost of a block must not grow with the registry). Two lookups do it now.
///
/// A function of the parties alone, kept in step by `LedgerState`'s only party mutations, so a
/// replayed state and a restored one hold the same index (the simulation compares them whole).
struct PartyIndex: Hashable, Sendable {
    /// What two parties may not share: equal as the uniqueness rule compares them (String's `==`,
    /// canonical equivalence, which its hash follows).
    struct Particulars: Hashable, Sendable {
        let kind: Party.Kind
        let name: String
        let country: Country
        let born: String?

        init(kind: Party.Kind, name: String, country: Country, born: String?) {
            self.kind = kind
            self.name = name
            self.country = country
            self.born = born
        }

        init(_ party: Party) { self.init(kind: party.kind, name: party.name, country: party.country, born: party.born) }
    }

    /// What another party already holds of a party's particulars and identifiers.
    enum Conflict: Equatable, Sendable {
        case particulars(PartyID)
        case identifier(Party.Identifier, PartyID)
    }

    private var byParticulars: [Particulars: PartyID] = [:]
    private var byIdentifier: [Party.Identifier: PartyID] = [:]

    /// The party holding `particulars`, if any.
    func holder(of particulars: Particulars) -> PartyID? { byParticulars[particulars] }

    /// The first thing another party than `party.id` holds: its particulars, then its
    /// identifiers in the party's order (a fixed order, so the same entry always gets the same
    /// message).
    func conflict(with party: Party) -> Conflict? {
        if let other = byParticulars[Particulars(party)], other != party.id { return .particulars(other) }
        for identifier in party.identifiers {
            if let other = byIdentifier[identifier], other != party.id { return .identifier(identifier, other) }
        }
        return nil
    }

    /// Moves a party's entries from what it was (`old`, nil for a new party) to what it is.
    /// - Precondition: `new` conflicts with no other party (the ledger checked it).
    mutating func replace(_ old: Party?, with new: Party) {
        if let old {
            precondition(old.id == new.id)
            guard Particulars(old) != Particulars(new) || old.identifiers != new.identifiers else { return }
            remove(old)
        }
        insert(new)
    }

    /// Drops the entries that name `party`. A store's copy of the state applies a block's changed
    /// parties by removing them all first, then inserting them: within one block a party may take
    /// particulars another gave up, whichever of the two has the lower id.
    mutating func remove(_ party: Party) {
        if byParticulars[Particulars(party)] == party.id { byParticulars[Particulars(party)] = nil }
        for identifier in party.identifiers where byIdentifier[identifier] == party.id {
            byIdentifier[identifier] = nil
        }
    }

    /// Adds `party`'s entries.
    /// - Precondition: no other party holds them (a stored state has kept the rule since the first
    ///   release).
    mutating func insert(_ party: Party) {
        assert(conflict(with: party) == nil, "party \(party.id) shares particulars or an identifier")
        byParticulars[Particulars(party)] = party.id
        for identifier in party.identifiers { byIdentifier[identifier] = party.id }
    }
}
