/// A walk up the declared ownership graph from one party: who owns it, directly and
/// indirectly, and how much, aggregated over every path (the OFAC 50 percent rule adds up
/// holdings along all paths).
///
/// Cycles are legal in the data: an edge back onto the current path is recorded and not
/// followed. Every walk is bounded in depth (`Limits.ownershipDepthMax`) and in steps
/// (`stepsMax`); a bounded-out walk says so instead of hanging.
public struct OwnershipWalk: Sendable {
    /// One ancestor with its aggregated effective share of the start party (0...1) and up to
    /// `pathsKept` example paths, each from the start party up to the ancestor.
    public struct Ancestor: Sendable {
        public var share: Double
        public var paths: [[PartyID]]
    }

    public static let stepsMax = 20_000
    public static let pathsKept = 4

    public let start: PartyID
    public private(set) var ancestors: [PartyID: Ancestor] = [:]
    /// Share of the start party whose owners are not declared, by the organization where the
    /// declarations stop (an organization whose declared owners add up to less than 100%).
    public private(set) var undeclared: [PartyID: Double] = [:]
    public private(set) var cycles: [[PartyID]] = []
    public private(set) var truncated = false
    private var steps = 0

    /// Kinds of link that carry an economic share: shareholding, and nominee or trustee holdings
    /// (held for someone else, so looked through like a shareholding).
    public static let economicKinds: Set<OwnershipLink.Kind> = [.shareholding, .nominee, .trustee]

    /// - Parameters:
    ///   - owners: the links into a party (its owners), all of them; the walk filters by time and kind.
    ///   - isPerson: natural persons end a path: nobody owns a person.
    public init(
        from start: PartyID, at time: TimestampMs, owners: (PartyID) -> [OwnershipLink], isPerson: (PartyID) -> Bool
    ) {
        self.start = start
        visit(start, share: 1, path: [start], time: time, owners: owners, isPerson: isPerson)
    }

    private mutating func visit(
        _ party: PartyID, share: Double, path: [PartyID], time: TimestampMs, owners: (PartyID) -> [OwnershipLink],
        isPerson: (PartyID) -> Bool
    ) {
        steps += 1
        guard steps <= Self.stepsMax, path.count <= Limits.ownershipDepthMax else {
            truncated = true
            return
        }
        if isPerson(party) { return }
        let links = owners(party).filter { $0.isEffective(at: time) && Self.economicKinds.contains($0.kind) }
        let declared = links.reduce(0) { $0 + Double($1.shareBps) } / 10_000
        if declared < 1 { undeclared[party, default: 0] += share * (1 - min(1, declared)) }
        for link in links.sorted(by: { $0.id < $1.id }) {
            if path.contains(link.owner) {
                cycles.append(path + [link.owner])
                continue
            }
            let through = share * Double(link.shareBps) / 10_000
            let next = path + [link.owner]
            var ancestor = ancestors[link.owner] ?? Ancestor(share: 0, paths: [])
            ancestor.share += through
            if ancestor.paths.count < Self.pathsKept { ancestor.paths.append(next) }
            ancestors[link.owner] = ancestor
            visit(link.owner, share: through, path: next, time: time, owners: owners, isPerson: isPerson)
        }
    }

    /// Natural persons among the ancestors, largest share first.
    public func naturalPersons(isPerson: (PartyID) -> Bool) -> [(party: PartyID, ancestor: Ancestor)] {
        ancestors.filter { isPerson($0.key) }.map { ($0.key, $0.value) }.sorted {
            ($0.ancestor.share, $1.party) > ($1.ancestor.share, $0.party)
        }
    }
}

extension LedgerState {
    /// The ownership walk from `party` over this state's links, at `time`.
    public func ownershipWalk(from party: PartyID, at time: TimestampMs) -> OwnershipWalk {
        var byOwned: [PartyID: [OwnershipLink]] = [:]
        for link in links.values { byOwned[link.owned, default: []].append(link) }
        return OwnershipWalk(
            from: party, at: time, owners: { byOwned[$0] ?? [] }, isPerson: { parties[$0]?.party.kind == .person }
        )
    }
}
