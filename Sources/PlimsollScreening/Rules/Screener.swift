import Foundation
public import PlimsollCore
public import PlimsollCrypto

/// One reason behind a screening decision.
public struct Evidence: Sendable, Codable, Equatable {
    public let rule: String
    public let status: ScreeningStatus
    public let detail: String
    public var match: NameMatch?
    /// For ownership: the largest path from the screened party up to the listed owner.
    public var path: [PartyID]?
    /// For ownership: every path kept, largest share first.
    public var paths: [[PartyID]]?
    /// For ownership: the listed owner's exact share ("11/20").
    public var share: String?

    public init(
        rule: String, status: ScreeningStatus, detail: String, match: NameMatch? = nil, path: [PartyID]? = nil
    ) {
        self.rule = rule
        self.status = status
        self.detail = detail
        self.match = match
        self.path = path
    }
}

/// A decision with its evidence and the list version it used (DESIGN.md: Screening).
public struct ScreeningDecision: Sendable, Codable, Equatable {
    public let subject: String
    public let status: ScreeningStatus
    public let evidence: [Evidence]
    public let listsDigest: String

    /// One line for a log entry's evidence field (bounded).
    public var summary: String {
        let text = evidence.filter { $0.status == status }.map { "\($0.rule): \($0.detail)" }.joined(separator: "; ")
        let line = text.isEmpty ? "clear" : text
        return line.utf8.count <= 3800 ? line : String(line.prefix(900)) + "…"
    }

    /// The reason of the freeze this decision causes: a freeze reason is bounded text
    /// (`Limits.textBytesMax`), so a long ownership path is cut at a character boundary; the
    /// full evidence stays in the party's screening record.
    public var freezeReason: String {
        let full = "sanctions screening: \(summary)"
        guard full.utf8.count > Limits.textBytesMax else { return full }
        let budget = Limits.textBytesMax - "…".utf8.count
        var used = 0
        var cut = ""
        for character in full {
            used += character.utf8.count
            if used > budget { break }
            cut.append(character)
        }
        return cut + "…"
    }
}

/// Applies the rules to parties and vessels against the match index. Pure: the state, time and
/// lists come in as values.
public struct Screener: Sendable {
    public let index: MatchIndex
    public let rules: ScreeningRules
    public let listsDigest: Hash32
    /// Shared by every copy of this screener: its lists and rules never change.
    public let memo = DirectEvidenceMemo()

    public init(index: MatchIndex, rules: ScreeningRules, listsDigest: Hash32) {
        self.index = index
        self.rules = rules
        self.listsDigest = listsDigest
    }

    /// `directEvidence`, from the memo when the party's particulars are those it was found for.
    func rememberedEvidence(_ party: Party, cache: MatchCache? = nil) -> [Evidence] {
        memo.evidence(for: party) { directEvidence(party, cache: cache) }
    }

    /// Evidence from a party's own names, identifiers and country (not its owners).
    public func directEvidence(_ party: Party, cache: MatchCache? = nil) -> [Evidence] {
        var evidence: [Evidence] = []
        let kind: ListEntity.Kind = party.kind == .person ? .person : .organization
        var best: NameMatch?
        let subject = Self.subject(party)
        for name in [party.name] + party.aliases {
            if let match = index.match(
                name: name, kind: kind, threshold: rules.nameMatch.reviewScore, subject: subject, cache: cache
            ).first,
                match.score > (best?.score ?? 0)
            {
                best = match
            }
        }
        if let best {
            // A name the identifiers say is someone else's is reviewed, never blocked.
            let status: ScreeningStatus =
                best.score >= rules.nameMatch.blockScore && !best.identifiersDisagree ? .block : .review
            evidence.append(
                Evidence(
                    rule: "name_match", status: status,
                    detail:
                        "\(best.entityID) \"\(best.listedName)\" score \(best.score) (\(best.evidence))\(Self.describe(best.checks))",
                    match: best))
        }
        for identifier in party.identifiers where identifier.scheme.lowercased().contains("imo") {
            for entity in index.match(imo: identifier.value) {
                evidence.append(
                    Evidence(
                        rule: "listed_imo_company", status: .block,
                        detail:
                            "IMO company number \(identifier.value) is listed as \(entity.id) \"\(entity.primaryName)\""
                    ))
            }
        }
        if rules.excludedCountries.contains(party.country.code) {
            evidence.append(
                Evidence(rule: "excluded_country", status: .block, detail: "country \(party.country.code) is excluded"))
        }
        return evidence
    }

    /// What the registry knows of a party besides its names: its date of birth or
    /// incorporation, its country, its numbers.
    public static func subject(_ party: Party) -> MatchSubject {
        MatchSubject(born: party.born, country: party.country.code, identifiers: party.identifiers.map(\.value))
    }

    /// The identifier comparisons of a match, for the evidence line ("" when none).
    static func describe(_ checks: [IdentifierCheck]?) -> String {
        guard let checks, !checks.isEmpty else { return "" }
        return "; "
            + checks.map {
                "\($0.field) \($0.party) \($0.outcome == .agrees ? "agrees with" : "disagrees with") \($0.listed.joined(separator: " / "))"
            }.joined(separator: "; ")
    }

    /// Decisions for every party and vessel of `state` at `time`; each party's own names are
    /// matched once, then reused for everyone it owns.
    public func screenAll(
        _ state: LedgerState, at time: TimestampMs
    ) -> (parties: [PartyID: ScreeningDecision], vessels: [AssetID: ScreeningDecision]) {
        var direct: [PartyID: [Evidence]] = [:]
        let cache = MatchCache()
        for (id, record) in state.parties { direct[id] = rememberedEvidence(record.party, cache: cache) }
        let context = context(direct: direct, candidates: Set(state.parties.keys), state: state, at: time)
        var parties: [PartyID: ScreeningDecision] = [:]
        for id in state.parties.keys {
            parties[id] = decide(party: id, direct: direct, context: context, state: state, at: time)
        }
        var vessels: [AssetID: ScreeningDecision] = [:]
        for asset in state.vessels.keys {
            vessels[asset] = screen(
                vessel: asset, state: state, parties: parties, byOwned: context.byOwned, at: time)
        }
        return (parties, vessels)
    }

    /// The decision for one party (its names, country, and its ownership chain).
    public func screen(party id: PartyID, state: LedgerState, at time: TimestampMs) -> ScreeningDecision {
        var byOwned: [PartyID: [OwnershipLink]] = [:]
        for link in state.links.values { byOwned[link.owned, default: []].append(link) }
        let (above, truncated) = Self.reachable(from: id, at: time, byOwned: byOwned)
        var direct: [PartyID: [Evidence]] = [:]
        for party in above {
            if let record = state.parties[party] { direct[party] = rememberedEvidence(record.party) }
        }
        let context = context(direct: direct, candidates: above, state: state, at: time, truncated: truncated)
        return decide(party: id, direct: direct, context: context, state: state, at: time)
    }

    private func decide(
        party id: PartyID, direct: [PartyID: [Evidence]], context: OwnershipContext, state: LedgerState,
        at time: TimestampMs
    ) -> ScreeningDecision {
        let evidence =
            (direct[id] ?? []) + ownershipEvidence(of: id, direct: direct, context: context, state: state, at: time)
        return decision("party \(id)", evidence)
    }

    private func screen(
        vessel asset: AssetID, state: LedgerState, parties: [PartyID: ScreeningDecision],
        byOwned: [PartyID: [OwnershipLink]], at time: TimestampMs
    ) -> ScreeningDecision {
        guard let vessel = state.vessels[asset]?.vessel else { return decision("vessel \(asset)", []) }
        var evidence: [Evidence] = []
        if rules.vessels.blockListedIMO {
            for entity in index.match(imo: asset.digits) {
                evidence.append(
                    Evidence(
                        rule: "listed_vessel_imo", status: .block,
                        detail:
                            "IMO \(asset.digits) is listed as \(entity.id) \"\(entity.primaryName)\" (\(entity.programmes.joined(separator: ", ")))"
                    ))
            }
        }
        // Mortgagees are screened like owners: a lender can be the hidden controller.
        let mortgagees =
            (state.vessels[asset]?.mortgages ?? []).map { ("mortgagee", Optional($0.mortgagee)) }
            + [("ism_company", state.vessels[asset]?.ismCompany)]
        let roles: [(String, PartyID?)] =
            [
                ("owner", vessel.roles.owner), ("manager", vessel.roles.manager), ("operator", vessel.roles.operator),
                ("charterer", vessel.roles.charterer),
            ] + mortgagees
        for (role, party) in roles {
            guard let party, let decision = parties[party], decision.status != .clear else { continue }
            let status: ScreeningStatus = decision.status == .block && rules.vessels.blockListedRoles ? .block : .review
            evidence.append(
                Evidence(rule: "listed_\(role)", status: status, detail: "\(role) party \(party): \(decision.summary)"))
        }
        evidence += recentChanges(vessel, at: time)
        evidence += listedVesselNames(vessel)
        if rules.vessels.reviewNoNaturalPersonOwner, let owner = state.parties[vessel.roles.owner],
            owner.party.kind == .organization
        {
            let look = LookThrough(
                from: owner.party.id, at: time, owners: { byOwned[$0] ?? [] },
                isTerminal: { state.parties[$0]?.party.kind == .person })
            if look.reached.isEmpty {
                evidence.append(
                    Evidence(
                        rule: "no_natural_person_owner", status: .review,
                        detail: "registered owner party \(owner.party.id) declares no natural-person beneficial owner"))
            }
        }
        return decision("vessel \(asset)", evidence)
    }

    /// Every flag and name change within the rules' windows, each named (a vessel that hops
    /// flags shows every hop, not only the last).
    private func recentChanges(_ vessel: Vessel, at time: TimestampMs) -> [Evidence] {
        func recent(_ history: [Vessel.Change], days: Int, rule: String, what: String) -> Evidence? {
            let changes = history.filter { time < $0.atMs + UInt64(days) * 86_400_000 }
            guard !changes.isEmpty else { return nil }
            return Evidence(
                rule: rule, status: .review,
                detail: "\(what) \(changes.count) time(s) within \(days) days: "
                    + changes.map { "from \($0.from) to \($0.to) on \(Self.date($0.atMs))" }.joined(separator: ", "))
        }
        let window = UInt64(rules.vessels.flagHoppingMonths) * 30 * 86_400_000
        let hops = (vessel.flagHistory + vessel.nameHistory).filter { time < $0.atMs + window }
        let hopping =
            hops.count > rules.vessels.flagHoppingChanges
            ? Evidence(
                rule: "flag_hopping", status: .review,
                detail:
                    "\(hops.count) changes of flag or name within \(rules.vessels.flagHoppingMonths) months (more than \(rules.vessels.flagHoppingChanges))"
            ) : nil
        return [
            hopping,
            recent(
                vessel.flagHistory, days: rules.vessels.reviewFlagChangeDays, rule: "recent_flag_change",
                what: "flag changed"),
            recent(
                vessel.nameHistory, days: rules.vessels.reviewNameChangeDays, rule: "recent_name_change",
                what: "renamed"),
        ].compactMap { $0 }
    }

    /// The vessel's name and former names against the lists' vessels: a listed vessel under
    /// another IMO number (or none) is held for review, since vessels are relisted under new
    /// names and numbers are sometimes missing from the lists. A listed IMO number is its own rule.
    private func listedVesselNames(_ vessel: Vessel) -> [Evidence] {
        guard rules.vessels.reviewListedVesselName else { return [] }
        var evidence: [Evidence] = []
        var seen: Set<String> = []
        let names = [(vessel.name, "name")] + vessel.nameHistory.reversed().map { ($0.from, "former name") }
        for (name, role) in names {
            // The flag is compared with the listed vessel's flag like a person's nationality.
            for match in index.match(
                name: name, kind: .vessel, threshold: rules.nameMatch.reviewScore,
                subject: MatchSubject(country: vessel.flag.code)
            ).prefix(3)
            where !seen.contains(match.entityID) {
                let listedIMOs = index.entity(match.entityID)?.imoNumbers ?? []
                guard !listedIMOs.contains(vessel.asset.digits) else { continue }
                seen.insert(match.entityID)
                let imoText =
                    listedIMOs.isEmpty
                    ? "listed without an IMO number" : "listed as IMO \(listedIMOs.joined(separator: ", "))"
                var item = Evidence(
                    rule: "listed_vessel_name", status: .review,
                    detail:
                        "\(role) \"\(name)\" matches listed vessel \(match.entityID) \"\(match.listedName)\" score \(match.score), \(imoText), not \(vessel.asset.digits)\(Self.describe(match.checks))",
                    match: match)
                item.path = nil
                evidence.append(item)
            }
        }
        return evidence
    }

    static func date(_ ms: TimestampMs) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// Screens a vessel of `state` (its roles screened on the way).
    public func screen(vessel asset: AssetID, state: LedgerState, at time: TimestampMs) -> ScreeningDecision {
        var parties: [PartyID: ScreeningDecision] = [:]
        if let record = state.vessels[asset] {
            for party in record.vessel.roles.all + record.mortgages.map(\.mortgagee)
                + (record.ismCompany.map { [$0] } ?? [])
            {
                parties[party] = screen(party: party, state: state, at: time)
            }
        }
        var byOwned: [PartyID: [OwnershipLink]] = [:]
        for link in state.links.values { byOwned[link.owned, default: []].append(link) }
        return screen(vessel: asset, state: state, parties: parties, byOwned: byOwned, at: time)
    }

    private func decision(_ subject: String, _ evidence: [Evidence]) -> ScreeningDecision {
        let status = evidence.map(\.status).max() ?? .clear
        return ScreeningDecision(subject: subject, status: status, evidence: evidence, listsDigest: listsDigest.hex)
    }
}
