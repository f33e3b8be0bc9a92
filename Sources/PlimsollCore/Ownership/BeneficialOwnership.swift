/// Look-through of a vessel's holders to the natural persons behind them (DESIGN.md: every
/// layer of ownership up to natural persons).
public struct BeneficialOwnership: Sendable {
    public struct Owner: Sendable, Codable, Equatable {
        public let party: PartyID
        public let name: String
        /// Effective share of the vessel, 0...1, summed over every path.
        public let share: Double
        /// Example paths from a holder up to this person (party ids).
        public let paths: [[PartyID]]
    }

    public struct Gap: Sendable, Codable, Equatable {
        /// The organization whose declared owners stop short of 100%.
        public let party: PartyID
        public let name: String
        /// Share of the vessel whose owners are not declared there.
        public let share: Double
    }

    public let owners: [Owner]
    public let undeclared: [Gap]
    public let cycles: [[PartyID]]
    public let truncated: Bool

    /// - Parameters:
    ///   - holdings: each holding party with its units of the vessel.
    ///   - links: every declared link (the walk keeps those effective at `time`).
    public init(
        holdings: [(party: PartyID, units: UInt64)], totalUnits: UInt64, links: [OwnershipLink],
        parties: [PartyID: PartyRecord], at time: TimestampMs
    ) {
        precondition(totalUnits > 0)
        var byOwned: [PartyID: [OwnershipLink]] = [:]
        for link in links { byOwned[link.owned, default: []].append(link) }
        let isPerson = { (id: PartyID) in parties[id]?.party.kind == .person }
        var owners: [PartyID: (share: Double, paths: [[PartyID]])] = [:]
        var gaps: [PartyID: Double] = [:]
        var cycles: [[PartyID]] = []
        var truncated = false
        var byParty: [PartyID: UInt64] = [:]
        for holding in holdings { byParty[holding.party, default: 0] += holding.units }
        for (party, units) in byParty.sorted(by: { $0.key < $1.key }) {
            let fraction = Double(units) / Double(totalUnits)
            if isPerson(party) {
                owners[party, default: (0, [])].share += fraction
                owners[party]!.paths.append([party])
                continue
            }
            let walk = OwnershipWalk(from: party, at: time, owners: { byOwned[$0] ?? [] }, isPerson: isPerson)
            for (person, ancestor) in walk.naturalPersons(isPerson: isPerson) {
                owners[person, default: (0, [])].share += fraction * ancestor.share
                owners[person]!.paths += ancestor.paths.prefix(OwnershipWalk.pathsKept - owners[person]!.paths.count)
            }
            for (org, share) in walk.undeclared { gaps[org, default: 0] += fraction * share }
            cycles += walk.cycles
            truncated = truncated || walk.truncated
        }
        let name = { (id: PartyID) in parties[id]?.party.name ?? "party \(id)" }
        self.owners = owners.map {
            Owner(party: $0.key, name: name($0.key), share: $0.value.share, paths: $0.value.paths)
        }
        .sorted { ($0.share, $1.party) > ($1.share, $0.party) }
        self.undeclared = gaps.filter { $0.value > 1e-12 }.map {
            Gap(party: $0.key, name: name($0.key), share: $0.value)
        }
        .sorted { ($0.share, $1.party) > ($1.share, $0.party) }
        self.cycles = cycles
        self.truncated = truncated
    }
}
