import Foundation
public import PlimsollCore

/// The ownership, control and opacity rules of a party's decision (DESIGN.md: Screening), in
/// exact fractions: a compliance officer can redo every figure in the evidence by hand.
extension Screener {
    /// Everything above `id` in the declared graph (every link kind effective at `time`), bounded:
    /// the parties whose own names must be screened before the ownership rules can run.
    static func reachable(
        from id: PartyID, at time: TimestampMs, byOwned: [PartyID: [OwnershipLink]]
    ) -> Set<PartyID> {
        var seen: Set<PartyID> = [id]
        var queue = [id]
        while let party = queue.popLast(), seen.count < 4 * LookThrough.nodesMax {
            for link in byOwned[party] ?? [] where link.isEffective(at: time) && !seen.contains(link.owner) {
                seen.insert(link.owner)
                queue.append(link.owner)
            }
        }
        return seen
    }

    /// Evidence of the ownership (OFAC 50 percent), control and opacity rules for party `id`.
    /// - Parameter direct: each party's own evidence (names, identifiers, country); a party with
    ///   a blocking piece of its own is listed.
    func ownershipEvidence(
        of id: PartyID, direct: [PartyID: [Evidence]], byOwned: [PartyID: [OwnershipLink]], state: LedgerState,
        at time: TimestampMs
    ) -> [Evidence] {
        let isPerson = { (party: PartyID) in state.parties[party]?.party.kind == .person }
        let listed = { (party: PartyID) in party != id && (direct[party] ?? []).contains { $0.status == .block } }
        let exempt = { (party: PartyID) in party != id && isExempt(state.parties[party]?.party) }
        let look = LookThrough(
            from: id, at: time, owners: { byOwned[$0] ?? [] },
            isTerminal: { isPerson($0) || listed($0) || exempt($0) })
        var evidence = listedOwnership(look, listed: listed, direct: direct)
        evidence += control(of: id, listed: listed, byOwned: byOwned, at: time)
        if state.parties[id]?.party.kind == .organization, !isExempt(state.parties[id]?.party) {
            evidence += opacity(look)
        }
        if look.truncated {
            evidence.append(
                Evidence(
                    rule: "ownership_walk_bounded", status: .review,
                    detail: "the ownership chain reaches more than \(LookThrough.nodesMax) organizations"))
        }
        return evidence
    }

    /// OFAC's 50 percent rule: listed ownership attributed at the first listed party on each
    /// path (a listed company owned by a listed person counts once), summed over every path and
    /// cycle, against the threshold; every contributing path named, largest first.
    private func listedOwnership(
        _ look: LookThrough, listed: (PartyID) -> Bool, direct: [PartyID: [Evidence]]
    ) -> [Evidence] {
        let owners = look.reached.filter { listed($0.key) }.sorted {
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
            let paths = look.paths[owner] ?? []
            let listedAs = (direct[owner] ?? []).first { $0.status == .block }?.detail ?? ""
            var detail =
                "owner party \(owner) holds \(share.percentText) (exactly \(share)) via "
                + paths.map { "\(Self.text($0.parties)) (\($0.share.percentText))" }.joined(separator: ", ")
            if let more = look.pathsLeftOut[owner] { detail += " and \(more) more paths" }
            let simple = paths.map(\.share).reduce(.zero, +)
            if look.pathsLeftOut[owner] == nil, !look.pathsIncomplete, simple < share {
                detail +=
                    "; \((share - simple).percentText) more by going round the cycle "
                    + (look.cycles.first.map(Self.text) ?? "")
            }
            detail += " and is listed (\(listedAs))"
            var item = Evidence(rule: "ownership", status: status, detail: detail, path: paths.first?.parties)
            item.paths = paths.map(\.parties)
            item.share = share.description
            evidence.append(item)
        }
        return evidence
    }

    /// Designation by control: votes and control held in `id` by listed parties, and by parties
    /// they control (control passes up a chain when a party's controllers reach the threshold).
    /// Within a cycle a party is not counted as its own controller, so the figure is a lower bound.
    private func control(
        of id: PartyID, listed: (PartyID) -> Bool, byOwned: [PartyID: [OwnershipLink]], at time: TimestampMs
    ) -> [Evidence] {
        let threshold = Rational(bps: ScreeningRules.basisPoints(rules.control.blockPercent))
        var controlled: [PartyID: Bool] = [:]
        var visiting: Set<PartyID> = []
        func listedSide(_ party: PartyID, _ depth: Int) -> Bool {
            if listed(party) { return true }
            if let known = controlled[party] { return known }
            guard depth < Limits.ownershipDepthMax, !visiting.contains(party), party != id else { return false }
            visiting.insert(party)
            defer { visiting.remove(party) }
            let total = Self.votes(into: party, byOwned: byOwned, at: time).filter { listedSide($0.owner, depth + 1) }
                .map(\.share).reduce(.zero, +)
            let result = !total.isZero && total >= threshold
            controlled[party] = result
            return result
        }
        let holders = Self.votes(into: id, byOwned: byOwned, at: time).filter {
            $0.owner != id && listedSide($0.owner, 1)
        }
        guard !holders.isEmpty else { return [] }
        let total = holders.map(\.share).reduce(.zero, +)
        let described = holders.map {
            "party \($0.owner) (\($0.kind.rawValue) \($0.share.percentText), \(listed($0.owner) ? "listed" : "controlled by listed parties"))"
        }.joined(separator: ", ")
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
        for link in byOwned[party] ?? [] where link.isEffective(at: time) {
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
