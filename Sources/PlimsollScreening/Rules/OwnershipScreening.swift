import Foundation
public import PlimsollCore

/// What the ownership and control rules of one screening run share: the graph, and the parties
/// that count as blocked for the parties they own or control. Computed once per run, over every
/// party for `screenAll`, over the parties above the screened one for a single screen.
struct OwnershipContext {
    let byOwned: [PartyID: [OwnershipLink]]
    /// Parties blocked in their own right (names, identifiers, country).
    let listed: Set<PartyID>
    /// `listed`, and every party blocked by the 50 percent rule, recursively: OFAC treats an
    /// entity blocked by the rule as a blocked person for what it owns in turn (OFAC FAQ 401:
    /// X listed owns 50 % of A, A owns 50 % of B, so B is blocked).
    let blocked: Set<PartyID>
    /// Parties controlled by blocked parties, directly or up a chain (the control rule).
    let controlled: Set<PartyID>
    /// True when the parties above the screened one exceed the bound (single screens only).
    let truncated: Bool
}

extension Screener {
    /// The bound on the parties a single screen gathers above the screened party.
    static let reachableMax = 4 * LookThrough.nodesMax

    /// Everything above `id` in the declared graph (every link kind effective at `time`), bounded:
    /// the parties whose own names must be screened before the ownership rules can run.
    static func reachable(
        from id: PartyID, at time: TimestampMs, byOwned: [PartyID: [OwnershipLink]]
    ) -> (parties: Set<PartyID>, truncated: Bool) {
        var seen: Set<PartyID> = [id]
        var queue = [id]
        while let party = queue.popLast() {
            for link in byOwned[party] ?? [] where link.isEffective(at: time) && !seen.contains(link.owner) {
                guard seen.count < reachableMax else { return (seen, true) }
                seen.insert(link.owner)
                queue.append(link.owner)
            }
        }
        return (seen, false)
    }

    /// The context over `candidates` (the parties whose status may matter): the blocked and
    /// controlled sets as least fixed points, starting from the listed parties and adding a party
    /// only when the parties already in the set reach the threshold in it. Only descendants of a
    /// newly added party are looked at again, so a run costs one look-through per party that
    /// listed parties reach, times the depth of the blocking chains.
    func context(
        direct: [PartyID: [Evidence]], candidates: Set<PartyID>, state: LedgerState, at time: TimestampMs,
        truncated: Bool = false
    ) -> OwnershipContext {
        var byOwned: [PartyID: [OwnershipLink]] = [:]
        var byOwner: [PartyID: [OwnershipLink]] = [:]
        for link in state.links.values where link.isEffective(at: time) {
            byOwned[link.owned, default: []].append(link)
            byOwner[link.owner, default: []].append(link)
        }
        let listed = Set(direct.filter { $0.value.contains { $0.status == .block } }.keys)
        let isPerson = { (party: PartyID) in state.parties[party]?.party.kind == .person }
        func below(_ parties: some Sequence<PartyID>, economic: Bool) -> Set<PartyID> {
            var seen: Set<PartyID> = []
            var queue = Array(parties)
            while let party = queue.popLast() {
                for link in byOwner[party] ?? []
                where (!economic || LookThrough.economicKinds.contains(link.kind)) && !seen.contains(link.owned)
                    && candidates.contains(link.owned)
                {
                    seen.insert(link.owned)
                    queue.append(link.owned)
                }
            }
            return seen
        }
        let ownershipThreshold = Rational(bps: ScreeningRules.basisPoints(rules.ownership.blockPercent))
        var blocked = listed
        var work = below(listed, economic: true)
        while !work.isEmpty {
            var added: [PartyID] = []
            for party in work.sorted() where !blocked.contains(party) && !isPerson(party) {
                let look = LookThrough(
                    from: party, at: time, owners: { byOwned[$0] ?? [] },
                    isTerminal: { isPerson($0) || ($0 != party && blocked.contains($0)) })
                let share = look.reached.filter { blocked.contains($0.key) }.values.reduce(.zero, +)
                if !share.isZero && share >= ownershipThreshold { added.append(party) }
            }
            blocked.formUnion(added)
            work = below(added, economic: true).subtracting(blocked)
        }
        let controlThreshold = Rational(bps: ScreeningRules.basisPoints(rules.control.blockPercent))
        var controlled: Set<PartyID> = []
        work = below(blocked, economic: false)
        while !work.isEmpty {
            var added: [PartyID] = []
            for party in work.sorted() where !controlled.contains(party) {
                let total = Self.votes(into: party, byOwned: byOwned, at: time)
                    .filter { $0.owner != party && (blocked.contains($0.owner) || controlled.contains($0.owner)) }
                    .map(\.share).reduce(.zero, +)
                if !total.isZero && total >= controlThreshold { added.append(party) }
            }
            controlled.formUnion(added)
            work = below(added, economic: false).subtracting(controlled)
        }
        return OwnershipContext(
            byOwned: byOwned, listed: listed, blocked: blocked, controlled: controlled, truncated: truncated)
    }

    /// Evidence of the ownership (OFAC 50 percent), control and opacity rules for party `id`.
    func ownershipEvidence(
        of id: PartyID, direct: [PartyID: [Evidence]], context: OwnershipContext, state: LedgerState,
        at time: TimestampMs
    ) -> [Evidence] {
        let isPerson = { (party: PartyID) in state.parties[party]?.party.kind == .person }
        let listed = { (party: PartyID) in party != id && context.listed.contains(party) }
        let look = LookThrough(
            from: id, at: time, owners: { context.byOwned[$0] ?? [] },
            isTerminal: { isPerson($0) || listed($0) })
        var evidence: [Evidence]
        let threshold = Rational(bps: ScreeningRules.basisPoints(rules.ownership.blockPercent))
        let listedTotal = look.reached.filter { listed($0.key) }.values.reduce(.zero, +)
        if listedTotal < threshold && context.blocked.contains(id) && !context.listed.contains(id) {
            // Blocked only through owners that the rule blocks in turn: name those owners, each
            // with its own way up to a party listed in its own right.
            let blocked = { (party: PartyID) in party != id && context.blocked.contains(party) }
            let recursive = LookThrough(
                from: id, at: time, owners: { context.byOwned[$0] ?? [] },
                isTerminal: { isPerson($0) || blocked($0) })
            evidence = listedOwnership(
                recursive, terminal: blocked, context: context, direct: direct, state: state, at: time)
        } else {
            evidence = listedOwnership(look, terminal: listed, context: context, direct: direct, state: state, at: time)
        }
        evidence += control(of: id, context: context, at: time)
        if state.parties[id]?.party.kind == .organization, !isExempt(state.parties[id]?.party) {
            // Exempt organizations end the opacity rule's look-through only: a listed owner above
            // an exchange-listed company still counts for the 50 percent rule.
            let exempt = { (party: PartyID) in party != id && isExempt(state.parties[party]?.party) }
            let opaque =
                look.parties.contains(where: exempt)
                ? LookThrough(
                    from: id, at: time, owners: { context.byOwned[$0] ?? [] },
                    isTerminal: { isPerson($0) || listed($0) || exempt($0) }) : look
            evidence += opacity(opaque)
        }
        if look.truncated || context.truncated {
            evidence.append(
                Evidence(
                    rule: "ownership_walk_bounded", status: .review,
                    detail:
                        "the ownership graph above the party exceeds the bounds (\(LookThrough.nodesMax) organizations in a look-through, \(Self.reachableMax) parties gathered)"
                ))
        }
        return evidence
    }

    /// OFAC's 50 percent rule: ownership by blocked parties attributed at the first one on each
    /// path (a listed company owned by a listed person counts once), summed over every path and
    /// cycle, against the threshold; every contributing path named, largest first.
    private func listedOwnership(
        _ look: LookThrough, terminal: (PartyID) -> Bool, context: OwnershipContext, direct: [PartyID: [Evidence]],
        state: LedgerState, at time: TimestampMs
    ) -> [Evidence] {
        let owners = look.reached.filter { terminal($0.key) }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
        guard !owners.isEmpty else { return [] }
        let total = owners.map(\.value).reduce(.zero, +)
        let threshold = Rational(bps: ScreeningRules.basisPoints(rules.ownership.blockPercent))
        let blocks = total >= threshold
        guard blocks || rules.ownership.reviewListedMinority else { return [] }
        let status: ScreeningStatus = blocks ? .block : .review
        var evidence: [Evidence] = []
        if blocks {
            evidence.append(
                Evidence(
                    rule: "ownership_50_percent", status: .block,
                    detail:
                        "listed owners hold \(total.percentText) (exactly \(total)) in total (threshold \(threshold.percentText))"
                ))
        }
        for (owner, share) in owners {
            var paths = look.paths[owner]?.map(\.parties) ?? []
            var why: String
            if context.listed.contains(owner) {
                why = "is listed (\((direct[owner] ?? []).first { $0.status == .block }?.detail ?? ""))"
            } else {
                // Blocked by the rule itself: its own way up to the listed, continuing each path.
                let isPerson = { (party: PartyID) in state.parties[party]?.party.kind == .person }
                let above = LookThrough(
                    from: owner, at: time, owners: { context.byOwned[$0] ?? [] },
                    isTerminal: { isPerson($0) || ($0 != owner && context.blocked.contains($0)) })
                let best = above.reached.filter { $0.key != owner && context.blocked.contains($0.key) }
                    .max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
                let tail = best.flatMap { above.paths[$0.key]?.first?.parties } ?? [owner]
                paths = paths.map { $0 + tail.dropFirst() }
                why =
                    "is blocked by the 50 percent rule itself"
                    + (best.map { " (party \($0.key) holds \($0.value.percentText) of it via \(Self.text(tail)))" }
                        ?? "")
            }
            var detail =
                "owner party \(owner) holds \(share.percentText) (exactly \(share)) via "
                + zip(paths, look.paths[owner] ?? []).map { "\(Self.text($0)) (\($1.share.percentText))" }.joined(
                    separator: ", ")
            if let more = look.pathsLeftOut[owner] { detail += " and \(more) more paths" }
            let simple = (look.paths[owner] ?? []).map(\.share).reduce(.zero, +)
            if look.pathsLeftOut[owner] == nil, !look.pathsIncomplete, simple < share {
                detail +=
                    "; \((share - simple).percentText) more by going round the cycle "
                    + (look.cycles.first.map(Self.text) ?? "")
            }
            detail += " and \(why)"
            var item = Evidence(rule: "ownership", status: status, detail: detail, path: paths.first)
            item.paths = paths
            item.share = share.description
            evidence.append(item)
        }
        return evidence
    }

    /// Designation by control: votes and control held in `id` by blocked parties, and by parties
    /// they control (control passes up a chain when a party's controllers reach the threshold).
    private func control(of id: PartyID, context: OwnershipContext, at time: TimestampMs) -> [Evidence] {
        let threshold = Rational(bps: ScreeningRules.basisPoints(rules.control.blockPercent))
        let holders = Self.votes(into: id, byOwned: context.byOwned, at: time).filter {
            $0.owner != id && (context.blocked.contains($0.owner) || context.controlled.contains($0.owner))
        }
        guard !holders.isEmpty else { return [] }
        let total = holders.map(\.share).reduce(.zero, +)
        let described = holders.map {
            let why = context.blocked.contains($0.owner) ? "listed" : "controlled by listed parties"
            return "party \($0.owner) (\($0.kind.rawValue) \($0.share.percentText), \(why))"
        }
        .joined(separator: ", ")
        if total >= threshold {
            return [
                Evidence(
                    rule: "control", status: .block,
                    detail:
                        "listed parties and parties they control hold \(total.percentText) of the votes or control (threshold \(threshold.percentText)): \(described)"
                )
            ]
        }
        guard rules.control.reviewListedMinority, holders.contains(where: { $0.kind != .shareholding }) else {
            return []
        }
        return [
            Evidence(
                rule: "control_listed_minority", status: .review,
                detail: "listed parties hold \(total.percentText) of the votes or control: \(described)")
        ]
    }

    /// Votes or control each owner holds in `party`: the largest of its control links, its voting
    /// links and its economic links (shares carry votes unless voting is declared apart).
    static func votes(
        into party: PartyID, byOwned: [PartyID: [OwnershipLink]], at time: TimestampMs
    ) -> [(owner: PartyID, share: Rational, kind: OwnershipLink.Kind)] {
        var byOwner: [PartyID: [OwnershipLink.Kind: Int]] = [:]
        for link in byOwned[party] ?? [] where link.isEffective(at: time) && link.shareBps > 0 {
            let kind: OwnershipLink.Kind = LookThrough.economicKinds.contains(link.kind) ? .shareholding : link.kind
            byOwner[link.owner, default: [:]][kind, default: 0] += Int(link.shareBps)
        }
        return byOwner.sorted { $0.key < $1.key }.map { owner, kinds in
            let (kind, bps) = kinds.max { ($0.value, $1.key.rawValue) < ($1.value, $0.key.rawValue) }!
            return (owner, Rational(bps: min(bps, 10_000)), kind)
        }
    }

    /// An organization must resolve to natural persons: the share that does not (undeclared,
    /// closed cycles, beyond bounds) is held for review at or above the threshold.
    private func opacity(_ look: LookThrough) -> [Evidence] {
        var evidence: [Evidence] = []
        if !look.overDeclared.isEmpty {
            evidence.append(
                Evidence(
                    rule: "over_declared_ownership", status: .review,
                    detail: "economic owners declared above 100% in "
                        + look.overDeclared.map { "party \($0)" }.joined(separator: ", ") + " (scaled pro rata)"))
        }
        let unresolved = look.unresolved
        let threshold = Rational(bps: ScreeningRules.basisPoints(rules.opacity.reviewUnresolvedPercent))
        guard !unresolved.isZero, unresolved >= threshold else { return evidence }
        var parts = look.undeclared.sorted { $0.key < $1.key }.map {
            "undeclared above party \($0.key) \($0.value.percentText)"
        }
        parts += look.closed.sorted { $0.key < $1.key }.map {
            "closed cycle at party \($0.key) \($0.value.percentText)"
        }
        if !look.beyondBounds.isZero { parts.append("beyond bounds \(look.beyondBounds.percentText)") }
        evidence.append(
            Evidence(
                rule: "opaque_ownership", status: .review,
                detail:
                    "\(unresolved.percentText) (exactly \(unresolved)) resolves to no natural person (threshold \(threshold.percentText)): \(parts.joined(separator: "; "))"
            ))
        return evidence
    }

    private func isExempt(_ party: Party?) -> Bool {
        guard let party, party.kind == .organization else { return false }
        let schemes = Set(rules.opacity.exemptIdentifierSchemes.map { $0.lowercased() })
        return party.identifiers.contains { schemes.contains($0.scheme.lowercased()) }
    }

    static func text(_ path: [PartyID]) -> String { path.map { "\($0)" }.joined(separator: "→") }
}
