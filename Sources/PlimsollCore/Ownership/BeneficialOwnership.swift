/// Look-through of a vessel's holders to the natural persons behind them (DESIGN.md: every
/// layer of ownership up to natural persons), in exact fractions (`LookThrough`).
public struct BeneficialOwnership: Sendable {
    public struct Owner: Sendable, Codable, Equatable {
        public let party: PartyID
        public let name: String
        /// Effective share of the vessel, 0...1, summed over every path and every cycle; the
        /// nearest double of `exact`.
        public let share: Double
        /// The share as an exact fraction ("7/20").
        public let exact: String
        /// The share as a percentage, marked "…" when rounded down ("35%", "33.33…%").
        public let percent: String
        /// Paths from a holder up to this person (party ids), largest share first.
        public let paths: [[PartyID]]
    }

    public struct Gap: Sendable, Codable, Equatable {
        public enum Reason: String, Sendable, Codable {
            /// The organization's declared owners stop short of 100 %.
            case undeclared
            /// The share enters a group of organizations owning each other, with no owner outside.
            case closedCycle = "closed_cycle"
            /// The share reaches organizations beyond the look-through's bounds.
            case beyondBounds = "beyond_bounds"
        }

        /// The organization where the share stops resolving.
        public let party: PartyID
        public let name: String
        public let reason: Reason
        /// Share of the vessel that does not resolve there.
        public let share: Double
        public let exact: String
        public let percent: String
    }

    public let owners: [Owner]
    public let undeclared: [Gap]
    public let cycles: [[PartyID]]
    public let truncated: Bool
    /// Exact shares behind `owners` and `undeclared`, for decisions and tests.
    public let ownerShares: [PartyID: Rational]
    public let unresolvedShare: Rational

    /// - Parameters:
    ///   - holdings: each holding party with its units of the vessel.
    ///   - links: every declared link (the look-through keeps those effective at `time`).
    public init(
        holdings: [(party: PartyID, units: UInt64)], totalUnits: UInt64, links: [OwnershipLink],
        parties: [PartyID: PartyRecord], at time: TimestampMs
    ) {
        precondition(totalUnits > 0)
        var byOwned: [PartyID: [OwnershipLink]] = [:]
        for link in links { byOwned[link.owned, default: []].append(link) }
        let isPerson = { (id: PartyID) in parties[id]?.party.kind == .person }
        var shares: [PartyID: Rational] = [:]
        var paths: [PartyID: [(share: Rational, path: [PartyID])]] = [:]
        var gaps: [GapKey: Rational] = [:]
        var cycles: [[PartyID]] = []
        var truncated = false
        var byParty: [PartyID: UInt64] = [:]
        for holding in holdings { byParty[holding.party, default: 0] += holding.units }
        for (party, units) in byParty.sorted(by: { $0.key < $1.key }) {
            let fraction = Rational(units, over: totalUnits)
            let look = LookThrough(from: party, at: time, owners: { byOwned[$0] ?? [] }, isTerminal: isPerson)
            for (person, share) in look.reached {
                shares[person, default: .zero] += fraction * share
                paths[person, default: []] += (look.paths[person] ?? []).map { (fraction * $0.share, $0.parties) }
            }
            for (org, share) in look.undeclared {
                gaps[GapKey(party: org, reason: .undeclared), default: .zero] += fraction * share
            }
            for (org, share) in look.closed {
                gaps[GapKey(party: org, reason: .closedCycle), default: .zero] += fraction * share
            }
            if !look.beyondBounds.isZero {
                gaps[GapKey(party: party, reason: .beyondBounds), default: .zero] += fraction * look.beyondBounds
            }
            for cycle in look.cycles where cycles.count < LookThrough.cyclesKept && !cycles.contains(cycle) {
                cycles.append(cycle)
            }
            truncated = truncated || look.truncated
        }
        let name = { (id: PartyID) in parties[id]?.party.name ?? "party \(id)" }
        self.owners = shares.map { person, share in
            let ranked = (paths[person] ?? []).sorted {
                $0.share != $1.share ? $0.share > $1.share : $0.path.lexicographicallyPrecedes($1.path)
            }
            return Owner(
                party: person, name: name(person), share: share.double, exact: share.description,
                percent: share.percentText, paths: ranked.prefix(LookThrough.pathsKept).map(\.path))
        }
        .sorted { ($0.share, $1.party) > ($1.share, $0.party) }
        self.undeclared = gaps.map { key, share in
            Gap(
                party: key.party, name: name(key.party), reason: key.reason, share: share.double,
                exact: share.description, percent: share.percentText)
        }
        .sorted { ($0.share, $1.party) > ($1.share, $0.party) }
        self.cycles = cycles
        self.truncated = truncated
        self.ownerShares = shares
        self.unresolvedShare = gaps.values.reduce(.zero, +)
    }

    private struct GapKey: Hashable {
        let party: PartyID
        let reason: Gap.Reason
    }
}
