import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollStore

/// The explorer's pages with party data: a vessel (particulars, cap table at any date, units over
/// time, history, the ownership picture), a party (holdings, ownership up and down, screening
/// decisions) and search. Each answers 401 with a sign-in link to a visitor without a session.
extension RegistryAPI {
    func addExplorerRegulatorPages(to router: Router<BasicRequestContext>) {
        router.get("/explorer/vessels/{imo}") { request, context in
            let visit = await explorerVisit(request)
            guard visit.signedIn else { return try explorerSignInRequired(visit) }
            let asset = try Self.assetParameter(context)
            guard let record = try store.vessel(asset) else {
                return try explorerMessage(
                    "No such vessel", "\(asset) is not registered.", visit: visit, status: .notFound)
            }
            return try explorerPage("vessel", try vesselContext(record, request: request), visit: visit)
        }
        router.get("/explorer/parties/{id}") { request, context in
            let visit = await explorerVisit(request)
            guard visit.signedIn else { return try explorerSignInRequired(visit) }
            let id = try Self.partyParameter(context)
            guard let record = try store.party(id) else {
                return try explorerMessage("No such party", "There is no party \(id).", visit: visit, status: .notFound)
            }
            return try explorerPage("party", try partyContext(record), visit: visit)
        }
        router.post("/explorer/search") { request, _ in
            let visit = await explorerVisit(request)
            guard let session = visit.session else { return try explorerSignInRequired(visit) }
            guard let form = await Self.formBody(request), let csrf = form["csrf"],
                ExplorerHTTP.same(csrf, session.csrf)
            else {
                return try explorerMessage(
                    "Search refused", "The form is stale or was not sent from this site.", visit: visit,
                    status: .forbidden)
            }
            let query = (form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !query.isEmpty, query.utf8.count <= 200 else {
                return try explorerMessage(
                    "Search", "Give a name, an IMO number or a key (at most 200 bytes).", visit: visit,
                    status: .badRequest)
            }
            return try explorerPage("search", try searchContext(query), visit: visit)
        }
    }

    /// Everything the party page shows, now.
    func partyContext(_ record: PartyRecord) throws -> [String: Any] {
        let party = record.party
        let height = try store.latestHeight()
        let graph = try store.ownershipGraph()
        let timeMs = try store.block(at: height)?.header.timestampMs ?? 0
        let report = try store.beneficialOwners(ofParty: party.id, at: height, graph: graph)
        let picture = OwnershipPicture(
            party: party.id, links: graph.links, parties: graph.parties, gaps: report?.undeclared ?? [],
            cycles: report?.cycles ?? [], timeMs: timeMs)
        var context: [String: Any] = [
            "id": party.id.raw, "name": party.name, "kind": party.kind.rawValue, "country": party.country.code,
            "aliases": party.aliases, "screening": record.screening.rawValue,
            "screeningEvidence": record.screeningEvidence, "frozen": record.frozen, "keys": record.keys.map(\.hex),
        ]
        if let born = party.born { context["born"] = born }
        var holdings: [[String: Any]] = []
        for key in record.keys {
            for (asset, units) in try store.balances(of: key) {
                holdings.append(["imo": asset.text, "key": String(key.hex.prefix(16)) + "…", "units": units])
            }
        }
        context["holdings"] = holdings
        context.merge(ownershipContext(picture, report: report)) { _, new in new }
        context["owns"] = graph.links.filter { $0.owner == party.id && $0.isEffective(at: timeMs) }.map {
            link -> [String: Any] in
            [
                "party": link.owned.raw, "name": partyName(link.owned, graph.parties),
                "share": OwnershipPicture.percent(UInt64(link.shareBps), of: 10_000) + " " + link.kind.rawValue,
            ]
        }
        context["decisions"] = try store.newestPartyEvents(party.id, limit: 1000).filter { stored in
            if case .registrar(let entry) = stored.entry, case .recordScreening = entry.action { return true }
            return false
        }.prefix(100).map { stored -> [String: Any] in
            [
                "height": stored.height, "summary": stored.entry.summary,
                "time": try store.block(at: stored.height).map { Self.time($0.header.timestampMs) } ?? "",
            ]
        }
        return context
    }

    /// Everything the vessel page shows, as at the time asked (`?at=YYYY-MM-DD`, the end of that
    /// day UTC, or `YYYY-MM-DDTHH:MM[:SS]`, UTC), at a height (`?height=H`), or now.
    func vesselContext(_ record: VesselRecord, request: Request) throws -> [String: Any] {
        let vessel = record.vessel
        let latest = try store.latestHeight()
        var height = latest
        var atDate = ""
        var atHeight = ""
        let query = request.uri.queryParameters
        if let text = query.get("height"), !text.isEmpty {
            height = try Parameter.height(String(text))
            guard height <= latest else {
                throw Problem.malformed("height \(height) is above the latest, \(latest)", parameter: "height")
            }
            atHeight = String(height)
        } else if let text = query.get("at"), !text.isEmpty {
            atDate = String(text)
            height = try store.height(atTimeMs: try Self.endOfTime(atDate)) ?? 0
        }
        let graph = try store.ownershipGraph()
        let parties = graph.parties
        let holders = try store.capTable(vessel.asset, at: height)
        let capTime = try store.block(at: height).map { Self.time($0.header.timestampMs) } ?? ""
        var context: [String: Any] = [
            "name": vessel.name, "imo": vessel.asset.text, "flag": vessel.flag.code, "type": vessel.type,
            "grossTonnage": vessel.grossTonnage, "units": vessel.totalUnits, "unissued": record.unissued,
            "status": vessel.status.rawValue, "frozen": vessel.status == .frozen,
            "screening": record.screening.rawValue, "screeningEvidence": record.screeningEvidence,
            "atDate": atDate, "atHeight": atHeight, "capHeight": height, "capTime": capTime, "past": height < latest,
        ]
        var roles: [[String: Any]] = [
            ["role": "Registered owner", "id": vessel.roles.owner.raw, "name": partyName(vessel.roles.owner, parties)]
        ]
        for (role, party) in [
            ("Manager", vessel.roles.manager), ("Operator", vessel.roles.operator),
            ("Charterer", vessel.roles.charterer),
        ] {
            if let party { roles.append(["role": role, "id": party.raw, "name": partyName(party, parties)]) }
        }
        context["roles"] = roles
        context["holders"] = holders.map { holding -> [String: Any] in
            var row: [String: Any] = [
                "name": partyName(holding.party, parties), "key": String(holding.key.hex.prefix(16)) + "…",
                "units": holding.units, "percent": OwnershipPicture.percent(holding.units, of: vessel.totalUnits),
            ]
            if let party = holding.party { row["party"] = party.raw }
            return row
        }
        let timeMs = try store.block(at: height)?.header.timestampMs ?? 0
        let report = try store.beneficialOwners(of: vessel.asset, at: height, graph: graph)
        var roleParties: [(party: PartyID, role: String)] = []
        for (role, party) in [
            ("manager", vessel.roles.manager), ("operator", vessel.roles.operator),
            ("charterer", vessel.roles.charterer), ("ISM company", record.ismCompany),
        ] {
            if let party, !holders.contains(where: { $0.party == party }) { roleParties.append((party, role)) }
        }
        let picture = OwnershipPicture(
            vessel: vessel, status: record.screening.rawValue, totalUnits: vessel.totalUnits,
            holders: holders.compactMap { holding in holding.party.map { ($0, holding.units) } }, roles: roleParties,
            links: graph.links, parties: parties, gaps: report?.undeclared ?? [], cycles: report?.cycles ?? [],
            timeMs: timeMs)
        context.merge(ownershipContext(picture, report: report)) { _, new in new }
        // Units over time: one line per key that ever held the vessel, from its history.
        let history = try store.vesselHoldingHistory(vessel.asset)
        var byKey: [KeyRef: [(height: UInt64, units: UInt64)]] = [:]
        for change in history { byKey[change.key, default: []].append((change.height, change.units)) }
        let keys = byKey.keys.sorted { (byKey[$0]!.last!.units, $1) > (byKey[$1]!.last!.units, $0) }
        var series: [HoldingsChart.Series] = []
        var legend: [[String: Any]] = []
        for (index, key) in keys.prefix(HoldingsChart.seriesMax).enumerated() {
            let party = try store.keyRecord(key)?.party
            let label = "\(partyName(party, parties)) (\(key.hex.prefix(8))…)"
            series.append(HoldingsChart.Series(label: label, points: byKey[key]!))
            legend.append([
                "index": index, "number": index + 1, "label": label, "changes": byKey[key]!.count,
                "units": byKey[key]!.last!.units,
            ])
        }
        let first = history.first?.height ?? 0
        let chart = HoldingsChart(
            series: series, totalUnits: vessel.totalUnits, firstHeight: first, lastHeight: max(latest, first),
            firstLabel: history.first.map { Self.day($0.timestampMs) } ?? "",
            lastLabel: try store.block(at: latest).map { Self.day($0.header.timestampMs) } ?? "")
        context["chartSVG"] = chart.svg
        context["series"] = legend
        context["events"] = try store.newestVesselEvents(vessel.asset, limit: 200).map { stored -> [String: Any] in
            [
                "height": stored.height, "kind": stored.entry.kindName, "summary": stored.entry.summary,
                "time": try store.block(at: stored.height).map { Self.time($0.header.timestampMs) } ?? "",
            ]
        }
        return context
    }

    /// The last millisecond of a day (`YYYY-MM-DD`) or a minute or second
    /// (`YYYY-MM-DDTHH:MM[:SS]`), UTC: the cap table "as at" it includes everything settled then.
    static func endOfTime(_ text: String) throws -> UInt64 {
        let formatter = ISO8601DateFormatter()
        let day = String(text.prefix(10))
        guard text.utf8.count <= 19, DayText.isValid(day) else {
            throw Problem.malformed("at is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC", parameter: "at")
        }
        let (full, extra): (String, Double) =
            switch text.utf8.count {
            case 10: (day + "T23:59:59Z", 0.999)
            case 16: (text + ":59Z", 0.999)
            default: (text + "Z", 0.999)
            }
        guard let date = formatter.date(from: full) else {
            throw Problem.malformed("at is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC", parameter: "at")
        }
        return UInt64(max(0, (date.timeIntervalSince1970 + extra) * 1000))
    }

    /// The ownership picture's fields for the `ownership` partial.
    func ownershipContext(_ picture: OwnershipPicture, report: BeneficialOwnership?) -> [String: Any] {
        let labels = Dictionary(picture.nodes.map { ($0.id, $0.label) }, uniquingKeysWith: { first, _ in first })
        return [
            "graph": true, "graphSVG": picture.svg, "truncated": picture.truncated,
            "nodes": picture.nodes.dropFirst(picture.nodes.first?.kind == .vessel ? 1 : 0).map {
                node -> [String: Any] in
                [
                    "party": node.id.hasPrefix("p") ? String(node.id.dropFirst()) as Any : false,
                    "label": node.label,
                    "kind": node.kind.rawValue, "status": node.status, "frozen": node.frozen, "detail": node.detail,
                ]
            },
            "edges": picture.edges.map { edge -> [String: Any] in
                [
                    "from": labels[edge.from] ?? edge.from, "to": labels[edge.to] ?? edge.to, "label": edge.label,
                    "highlighted": edge.highlighted, "inCycle": edge.inCycle,
                ]
            },
            "owners": (report?.owners ?? []).map { owner -> [String: Any] in
                ["party": owner.party.raw, "name": owner.name, "percent": owner.percent, "exact": owner.exact]
            },
            "hasGaps": !(report?.undeclared ?? []).isEmpty,
            "gaps": (report?.undeclared ?? []).map { gap -> [String: Any] in
                ["party": gap.party.raw, "name": gap.name, "percent": gap.percent, "reason": gap.reason.rawValue]
            },
        ]
    }

    /// Search by IMO number, key or name: vessels and parties.
    func searchContext(_ query: String) throws -> [String: Any] {
        var vessels: [VesselRecord] = []
        var parties: [PartyRecord] = []
        let digits = query.uppercased().replacingOccurrences(of: "IMO", with: "").trimmingCharacters(in: .whitespaces)
        if let asset = try? AssetID("IMO" + digits), let record = try store.vessel(asset) { vessels.append(record) }
        if let key = try? XOnlyPublicKey(hex: query), let record = try store.keyRecord(key),
            let party = try store.party(record.party)
        {
            parties.append(party)
        }
        vessels += try store.vessels(named: query, limit: 50).filter { found in
            !vessels.contains { $0.vessel.asset == found.vessel.asset }
        }
        let limit = 50
        let named = try store.parties(named: query, limit: limit + 1)
        parties += named.prefix(limit).filter { found in !parties.contains { $0.party.id == found.party.id } }
        return [
            "query": query, "limit": limit, "more": named.count > limit,
            "vessels": vessels.map { ["imo": $0.vessel.asset.text, "name": $0.vessel.name] },
            "parties": parties.map { record -> [String: Any] in
                ["id": record.party.id.raw, "name": record.party.name, "country": record.party.country.code]
            },
        ]
    }
}
