/// Exact look-through of one party's economic ownership (shareholding, nominee and trustee links)
/// to the parties where it ends: natural persons, and whatever else the caller makes terminal
/// (listed parties, so that listed ownership is attributed at the first listed node on each path
/// and never counted twice).
///
/// The share of the start party reaching each terminal is the sum over every walk of the product
/// of the shares along it. With cycles that sum is an infinite series; it is computed as the
/// solution of a linear system in exact fractions (an absorbing chain: organizations pass their
/// share on to their owners, terminals keep it), one strongly connected group of organizations at
/// a time, so 50 % is 50 % and a share going round a cycle is attributed, not dropped.
///
/// Everything of the start party is accounted for, exactly:
/// `sum(reached) + sum(undeclared) + sum(closed) + beyondBounds == 1`.
public struct LookThrough: Sendable {
    /// One simple path from the start party to a terminal with the product of its shares.
    public struct Path: Sendable, Equatable {
        public let parties: [PartyID]
        public let share: Rational
    }

    /// Organizations a look-through follows at most; the rest is reported as beyond bounds.
    public static let nodesMax = 256
    /// Steps of the path listing, and paths kept per terminal (the shares are exact regardless).
    public static let pathStepsMax = 20_000
    public static let pathsKept = 8
    public static let cyclesKept = 16

    public let start: PartyID
    /// Share of the start party ending at each terminal.
    public private(set) var reached: [PartyID: Rational] = [:]
    /// Simple paths to each terminal, largest first, at most `pathsKept`; `pathsLeftOut` counts the rest.
    public private(set) var paths: [PartyID: [Path]] = [:]
    public private(set) var pathsLeftOut: [PartyID: Int] = [:]
    /// Share whose owners are not declared, by the organization where declarations stop short of 100 %.
    public private(set) var undeclared: [PartyID: Rational] = [:]
    /// Share that enters a closed group of organizations owning each other with no owner outside
    /// the group: it never reaches a person. Keyed by the organization it enters at.
    public private(set) var closed: [PartyID: Rational] = [:]
    /// Share that reaches organizations beyond `nodesMax`.
    public private(set) var beyondBounds: Rational = .zero
    /// Organizations whose economic links declare more than 100 %; their links are scaled down pro rata.
    public private(set) var overDeclared: [PartyID] = []
    /// Cycles met while listing paths (each from the start party round to the repeated party).
    public private(set) var cycles: [[PartyID]] = []
    /// True when the node bound was reached: some share is beyond bounds.
    public private(set) var truncated = false
    /// True when the path listing stopped at its bounds; the shares stay exact, only the
    /// evidence lists fewer paths.
    public private(set) var pathsIncomplete = false
    /// Every party the look-through met, organizations and terminals.
    public private(set) var parties: Set<PartyID> = []

    /// Kinds of link that carry an economic share: shareholding, and nominee or trustee holdings
    /// (held for someone else, so looked through like a shareholding).
    public static let economicKinds: Set<OwnershipLink.Kind> = [.shareholding, .nominee, .trustee]

    private struct Edge {
        let owner: PartyID
        let share: Rational
    }

    private enum Node {
        case organization(edges: [Edge], remainder: Rational)
        case terminal
        case beyond
    }

    /// - Parameters:
    ///   - owners: every link into a party; the look-through keeps economic links effective at `time`.
    ///   - isTerminal: where a share stops (natural persons at least: nobody owns a person). A
    ///     terminal start party keeps the whole of itself.
    public init(
        from start: PartyID, at time: TimestampMs, owners: (PartyID) -> [OwnershipLink],
        isTerminal: (PartyID) -> Bool
    ) {
        self.start = start
        parties.insert(start)
        if isTerminal(start) {
            reached[start] = .one
            paths[start] = [Path(parties: [start], share: .one)]
            return
        }
        var nodes: [PartyID: Node] = [:]
        var order: [PartyID] = []
        var queue = [start]
        var organizations = 0
        while !queue.isEmpty {
            let party = queue.removeFirst()
            let (edges, remainder, over) = Self.edges(into: party, at: time, owners: owners)
            if over { overDeclared.append(party) }
            nodes[party] = .organization(edges: edges, remainder: remainder)
            order.append(party)
            for edge in edges where nodes[edge.owner] == nil && !queue.contains(edge.owner) {
                parties.insert(edge.owner)
                if isTerminal(edge.owner) {
                    nodes[edge.owner] = .terminal
                } else if organizations + queue.count + 1 >= Self.nodesMax {
                    nodes[edge.owner] = .beyond
                    truncated = true
                } else {
                    queue.append(edge.owner)
                }
            }
            organizations += 1
        }
        let open = Self.canResolve(order, nodes)
        if !open.contains(start) {
            closed[start] = .one
        } else {
            solve(order.filter(open.contains), nodes: nodes, open: open)
        }
        listPaths(nodes: nodes)
        precondition(accountedFor == .one, "a look-through must account for the whole start party")
    }

    /// The sum of every outcome; exactly one by construction.
    public var accountedFor: Rational {
        (Array(reached.values) + Array(undeclared.values) + Array(closed.values)).reduce(beyondBounds, +)
    }

    /// The effective economic links into `party`, one edge per owner, with the undeclared rest.
    private static func edges(
        into party: PartyID, at time: TimestampMs, owners: (PartyID) -> [OwnershipLink]
    ) -> (edges: [Edge], remainder: Rational, overDeclared: Bool) {
        var bps: [PartyID: Int] = [:]
        // A 0 bps link carries nothing: as an edge it would count as a way out of a cycle that
        // passes no share, and leave the cycle's system without a unique solution.
        for link in owners(party)
        where link.isEffective(at: time) && economicKinds.contains(link.kind) && link.shareBps > 0 {
            bps[link.owner, default: 0] += Int(link.shareBps)
        }
        let total = bps.values.reduce(0, +)
        let scale = max(total, 10_000)
        let edges = bps.sorted { $0.key < $1.key }.map {
            Edge(owner: $0.key, share: Rational(UInt64($0.value), over: UInt64(scale)))
        }
        return (edges, Rational(bps: 10_000 - min(total, 10_000)), total > 10_000)
    }

    /// Organizations from which some share can leave the organizations (to a terminal, an
    /// undeclared rest or beyond the bounds); the others form closed groups.
    private static func canResolve(_ order: [PartyID], _ nodes: [PartyID: Node]) -> Set<PartyID> {
        var ownedBy: [PartyID: [PartyID]] = [:]
        var resolved: [PartyID] = []
        for party in order {
            guard case .organization(let edges, let remainder) = nodes[party] else { continue }
            var exits = !remainder.isZero
            for edge in edges {
                if case .organization = nodes[edge.owner] {
                    ownedBy[edge.owner, default: []].append(party)
                } else {
                    exits = true
                }
            }
            if exits { resolved.append(party) }
        }
        var open = Set(resolved)
        while let party = resolved.popLast() {
            for owned in ownedBy[party] ?? [] where !open.contains(owned) {
                open.insert(owned)
                resolved.append(owned)
            }
        }
        return open
    }

    /// Passes the start party's share up through the open organizations, one strongly connected
    /// group at a time in topological order, solving each group's cycle exactly.
    private mutating func solve(_ order: [PartyID], nodes: [PartyID: Node], open: Set<PartyID>) {
        var inflow: [PartyID: Rational] = [start: .one]
        let groups = StronglyConnected(
            order,
            successors: { party in
                guard case .organization(let edges, _) = nodes[party] else { return [] }
                return edges.map(\.owner).filter(open.contains)
            }
        ).groups
        for group in groups {
            let members = Set(group)
            let through = Self.solveGroup(group, members: members, inflow: inflow, nodes: nodes)
            for (party, mass) in through {
                guard case .organization(let edges, let remainder) = nodes[party] else { continue }
                if !remainder.isZero { undeclared[party, default: .zero] += mass * remainder }
                for edge in edges where !members.contains(edge.owner) {
                    let share = mass * edge.share
                    switch nodes[edge.owner] {
                    case .terminal: reached[edge.owner, default: .zero] += share
                    case .beyond: beyondBounds += share
                    case .organization where open.contains(edge.owner): inflow[edge.owner, default: .zero] += share
                    default: closed[edge.owner, default: .zero] += share
                    }
                }
            }
        }
        reached = reached.filter { !$0.value.isZero }
        undeclared = undeclared.filter { !$0.value.isZero }
        closed = closed.filter { !$0.value.isZero }
    }

    /// The share passing through each member of a group: the solution of
    /// `m[v] = inflow[v] + sum over members u of m[u] * share(u -> v)`, by Gaussian elimination in
    /// exact fractions. The system is regular: every member can pass share out of the group.
    private static func solveGroup(
        _ group: [PartyID], members: Set<PartyID>, inflow: [PartyID: Rational], nodes: [PartyID: Node]
    ) -> [(PartyID, Rational)] {
        let index = Dictionary(uniqueKeysWithValues: group.enumerated().map { ($1, $0) })
        let n = group.count
        var matrix = [[Rational]](repeating: [Rational](repeating: .zero, count: n + 1), count: n)
        for (row, party) in group.enumerated() {
            matrix[row][row] = .one
            matrix[row][n] = inflow[party] ?? .zero
        }
        for (column, party) in group.enumerated() {
            guard case .organization(let edges, _) = nodes[party] else { continue }
            for edge in edges where members.contains(edge.owner) {
                let row = index[edge.owner]!
                matrix[row][column] = matrix[row][column] - edge.share
            }
        }
        if n == 1 { return [(group[0], matrix[0][1] / matrix[0][0])] }
        for pivot in 0..<n {
            guard let row = (pivot..<n).first(where: { !matrix[$0][pivot].isZero }) else {
                preconditionFailure("an open group of organizations must have a regular system")
            }
            matrix.swapAt(pivot, row)
            for other in 0..<n where other != pivot && !matrix[other][pivot].isZero {
                let factor = matrix[other][pivot] / matrix[pivot][pivot]
                for column in pivot...n where !matrix[pivot][column].isZero {
                    matrix[other][column] = matrix[other][column] - factor * matrix[pivot][column]
                }
            }
        }
        return group.enumerated().map { ($1, matrix[$0][n] / matrix[$0][$0]) }
    }

    /// Every simple path from the start party to a terminal, bounded; and the cycles met.
    private mutating func listPaths(nodes: [PartyID: Node]) {
        var found: [PartyID: [Path]] = [:]
        var steps = 0
        var path = [start]
        func visit(_ party: PartyID, _ share: Rational, _ this: inout LookThrough) {
            steps += 1
            guard steps <= Self.pathStepsMax, path.count <= Limits.ownershipDepthMax else {
                this.pathsIncomplete = true
                return
            }
            guard case .organization(let edges, _) = nodes[party] else { return }
            for edge in edges {
                if path.contains(edge.owner) {
                    if this.cycles.count < Self.cyclesKept { this.cycles.append(path + [edge.owner]) }
                    continue
                }
                let next = share * edge.share
                path.append(edge.owner)
                if case .terminal = nodes[edge.owner] {
                    // Each path kept costs a step, so the listing's memory is bounded too.
                    steps += 1
                    guard steps <= Self.pathStepsMax else {
                        this.pathsIncomplete = true
                        path.removeLast()
                        return
                    }
                    found[edge.owner, default: []].append(Path(parties: path, share: next))
                } else {
                    visit(edge.owner, next, &this)
                }
                path.removeLast()
            }
        }
        visit(start, .one, &self)
        for (terminal, all) in found {
            let sorted = all.sorted { ($0.share, $1.parties.count) > ($1.share, $0.parties.count) }
            paths[terminal] = Array(sorted.prefix(Self.pathsKept))
            if sorted.count > Self.pathsKept { pathsLeftOut[terminal] = sorted.count - Self.pathsKept }
        }
    }

    /// Share of the start party reaching `terminal` (zero when it reaches none).
    public func share(of terminal: PartyID) -> Rational { reached[terminal] ?? .zero }

    /// The part of the start party that resolves to no terminal: undeclared, closed or beyond bounds.
    public var unresolved: Rational {
        (Array(undeclared.values) + Array(closed.values)).reduce(beyondBounds, +)
    }
}
