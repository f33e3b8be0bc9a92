import Foundation
public import PlimsollCore

/// Each party's direct evidence (its own names, identifiers and country matched against the
/// lists), kept by one screener between its runs.
///
/// A serving registry re-screens every party after each registrar batch that can change what
/// screening finds, and matching names was 86 % of that run (5.2 s at 100,000 parties). A
/// party's direct evidence depends only on those particulars and on the screener, whose lists
/// and rules are fixed (new ones build a new screener, and with it a new memo). So a party whose
/// particulars are unchanged keeps its evidence, and only new or amended parties are matched
/// again. The ownership rules run in full each time: they read the whole graph.
///
/// Holds at most one entry per party of the registries it screened: it grows with the registry,
/// as the registry's state does, never with the log. Locked, since two re-screens may run at
/// once.
public final class DirectEvidenceMemo: @unchecked Sendable {
    /// What direct evidence reads of a party; kycClaims and the id do not count. Texts compare
    /// by their bytes, not by canonical equivalence as `String`'s `==` does: a name sent again in
    /// another Unicode form is matched again, as the matcher may fold the two forms differently.
    struct Particulars: Equatable {
        let kind: Party.Kind
        let name: String
        let aliases: [String]
        let country: Country
        let born: String?
        let identifiers: [Party.Identifier]

        init(_ party: Party) {
            kind = party.kind
            name = party.name
            aliases = party.aliases
            country = party.country
            born = party.born
            identifiers = party.identifiers
        }

        static func == (a: Self, b: Self) -> Bool {
            func same(_ x: String, _ y: String) -> Bool { x.utf8.elementsEqual(y.utf8) }
            return a.kind == b.kind && same(a.name, b.name) && a.aliases.elementsEqual(b.aliases, by: same)
                && same(a.country.code, b.country.code) && same(a.born ?? "", b.born ?? "")
                && (a.born == nil) == (b.born == nil)
                && a.identifiers.elementsEqual(b.identifiers) { same($0.scheme, $1.scheme) && same($0.value, $1.value) }
        }
    }

    private let lock = NSLock()
    private var entries: [PartyID: (particulars: Particulars, evidence: [Evidence])] = [:]
    private var counts = (hits: 0, misses: 0)

    public init() {}

    /// The evidence kept for `party` if its particulars are those it was found for; otherwise
    /// `find()`'s, kept for next time.
    func evidence(for party: Party, find: () -> [Evidence]) -> [Evidence] {
        let particulars = Particulars(party)
        let kept: [Evidence]? = lock.withLock {
            guard let entry = entries[party.id], entry.particulars == particulars else { return nil }
            counts.hits += 1
            return entry.evidence
        }
        if let kept { return kept }
        let evidence = find()
        lock.withLock {
            entries[party.id] = (particulars, evidence)
            counts.misses += 1
        }
        return evidence
    }

    /// Parties answered from the memo and parties matched, since it was made.
    public var statistics: (hits: Int, misses: Int) { lock.withLock { counts } }
}
