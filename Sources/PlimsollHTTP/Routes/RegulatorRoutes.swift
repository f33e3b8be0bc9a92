import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollStore

/// Regulator-only reads (bearer token with role regulator or registrar).
extension RegistryAPI {
    func addRegulatorRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/vessels/{imo}") { request, context in
            try requireRegulator(request)
            let asset = try Self.assetParameter(context)
            guard let record = try store.vessel(asset) else { throw Problem.notFound("vessel \(asset)") }
            struct View: Encodable {
                let height: UInt64, vessel: Vessel, unissued_units: UInt64
                let screening: String, screening_evidence: String
            }
            return try JSONResponse.make(
                View(
                    height: try store.latestHeight(), vessel: record.vessel, unissued_units: record.unissued,
                    screening: record.screening.rawValue, screening_evidence: record.screeningEvidence))
        }
        router.get("/v1/vessels/{imo}/cap-table") { request, context in
            try requireRegulator(request)
            let asset = try Self.assetParameter(context)
            guard try store.vessel(asset) != nil else { throw Problem.notFound("vessel \(asset)") }
            let height = try heightParameter(request)
            struct View: Encodable {
                let vessel: String, height: UInt64, holders: [Holding]
            }
            return try JSONResponse.make(
                View(vessel: asset.text, height: height, holders: try store.capTable(asset, at: height)))
        }
        router.get("/v1/vessels/{imo}/beneficial-owners") { request, context in
            try requireRegulator(request)
            let asset = try Self.assetParameter(context)
            let height = try heightParameter(request)
            guard let report = try store.beneficialOwners(of: asset, at: height) else {
                throw Problem.notFound("vessel \(asset)")
            }
            struct View: Encodable {
                let vessel: String, height: UInt64, owners: [BeneficialOwnership.Owner],
                    undeclared: [BeneficialOwnership.Gap]
                let cycles: [[PartyID]], truncated: Bool
            }
            return try JSONResponse.make(
                View(
                    vessel: asset.text, height: height, owners: report.owners, undeclared: report.undeclared,
                    cycles: report.cycles,
                    truncated: report.truncated
                ))
        }
        router.get("/v1/vessels/{imo}/history") { request, context in
            try requireRegulator(request)
            let asset = try Self.assetParameter(context)
            guard try store.vessel(asset) != nil else { throw Problem.notFound("vessel \(asset)") }
            return try Self.eventsPage(try store.vesselEvents(asset), request, height: try store.latestHeight())
        }
        router.get("/v1/vessels/{imo}/synopsis") { request, context in
            try requireRegulator(request)
            let asset = try Self.assetParameter(context)
            guard let synopsis = try store.synopsis(of: asset) else { throw Problem.notFound("vessel \(asset)") }
            struct View: Encodable {
                let height: UInt64
                let synopsis: Synopsis
            }
            return try JSONResponse.make(View(height: try store.latestHeight(), synopsis: synopsis))
        }
        router.get("/v1/vessels/{imo}/screening") { request, context in
            try requireRegulator(request)
            let asset = try Self.assetParameter(context)
            guard try store.vessel(asset) != nil else { throw Problem.notFound("vessel \(asset)") }
            let events = try store.vesselEvents(asset).filter {
                if case .registrar(let entry) = $0.entry, case .recordVesselScreening = entry.action { return true }
                return false
            }
            return try Self.eventsPage(events, request, height: try store.latestHeight())
        }
        router.get("/v1/parties/{id}") { request, context in
            try requireRegulator(request)
            let id = try Self.partyParameter(context)
            guard let record = try store.party(id) else { throw Problem.notFound("party \(id)") }
            return try JSONResponse.make(record)
        }
        router.get("/v1/parties/{id}/history") { request, context in
            try requireRegulator(request)
            let id = try Self.partyParameter(context)
            guard try store.party(id) != nil else { throw Problem.notFound("party \(id)") }
            let (limit, before) = try Self.page(request)
            let rows = try store.partyHoldingHistory(id, beforeHeight: before, limit: limit + 1)
            struct View: Encodable {
                let height: UInt64, holdings: [HoldingChange], next_cursor: String?
            }
            let page = Array(rows.prefix(limit))
            let next = rows.count > limit ? page.last.map { Self.cursor($0.height) } : nil
            return try JSONResponse.make(
                View(height: try store.latestHeight(), holdings: page, next_cursor: next ?? nil))
        }
        router.get("/v1/parties/{id}/beneficial-owners") { request, context in
            try requireRegulator(request)
            let id = try Self.partyParameter(context)
            guard try store.party(id) != nil else { throw Problem.notFound("party \(id)") }
            let height = try heightParameter(request)
            guard let report = try store.beneficialOwners(ofParty: id, at: height) else {
                throw Problem.notFound("block \(height)")
            }
            struct View: Encodable {
                let party: UInt64, height: UInt64, owners: [BeneficialOwnership.Owner],
                    undeclared: [BeneficialOwnership.Gap], cycles: [[PartyID]]
            }
            return try JSONResponse.make(
                View(
                    party: id.raw, height: height, owners: report.owners, undeclared: report.undeclared,
                    cycles: report.cycles))
        }
        router.get("/v1/screening/decisions") { request, _ in
            try requireRegulator(request)
            let party = try Parameter.party(request.uri.queryParameters.get("party"), name: "party")
            let events = try store.partyEvents(party).filter {
                if case .registrar(let entry) = $0.entry, case .recordScreening = entry.action { return true }
                return false
            }
            return try Self.eventsPage(events, request, height: try store.latestHeight())
        }
    }

    /// `?height=H` or `?at=ISO8601`; the latest height otherwise.
    func heightParameter(_ request: Request) throws -> UInt64 {
        let query = request.uri.queryParameters
        let latest = try store.latestHeight()
        if let text = query.get("height") {
            let height = try Parameter.height(text)
            guard height <= latest else { throw Problem.notFound("block \(height) (the latest is \(latest))") }
            return height
        }
        if let text = query.get("at") {
            let formatter = ISO8601DateFormatter()
            guard text.utf8.count <= 64, let date = formatter.date(from: String(text)) else {
                throw Problem.malformed("at must be an ISO 8601 time such as 2026-12-01T12:00:00Z", parameter: "at")
            }
            // Times before 1970 are before any genesis; times past the stored range are "now".
            let ms = date.timeIntervalSince1970 * 1000
            let timeMs = ms <= 0 ? 0 : ms >= Double(Limits.storedIntegerMax) ? Limits.storedIntegerMax : UInt64(ms)
            guard let height = try store.height(atTimeMs: timeMs) else {
                throw Problem.notFound("a block at or before \(text)")
            }
            return height
        }
        return latest
    }

    static func assetParameter(_ context: BasicRequestContext) throws -> AssetID {
        guard let text = context.parameters.get("imo"), let asset = try? AssetID(text, prefixOptional: true) else {
            throw Problem(.badRequest, .badIMO, "not an IMO number with a valid check digit")
        }
        return asset
    }

    static func partyParameter(_ context: BasicRequestContext) throws -> PartyID {
        try Parameter.party(context.parameters.get("id"))
    }

    /// `?limit=N&cursor=C`: bounded page size, opaque cursor (the hex of a height or leaf index).
    static func page(_ request: Request) throws -> (limit: Int, before: UInt64?) {
        let query = request.uri.queryParameters
        return (try Parameter.pageSize(query.get("limit")), try Parameter.cursor(query.get("cursor")))
    }

    static func cursor(_ value: UInt64) -> String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func eventsPage(_ events: [StoredEntry], _ request: Request, height: UInt64) throws -> Response {
        let (limit, after) = try page(request)
        let remaining = events.filter { event in after.map { event.leafIndex > $0 } ?? true }
        let page = remaining.prefix(limit)
        struct Event: Encodable {
            let leaf_index: UInt64, height: UInt64, kind: String, entry: String, summary: String
        }
        struct View: Encodable {
            let height: UInt64, events: [Event], next_cursor: String?
        }
        return try JSONResponse.make(
            View(
                height: height,
                events: page.map {
                    Event(
                        leaf_index: $0.leafIndex, height: $0.height, kind: $0.entry.kindName,
                        entry: Hex.encode($0.entry.bytes),
                        summary: $0.entry.summary
                    )
                },
                next_cursor: remaining.count > limit ? page.last.map { cursor($0.leafIndex) } : nil
            ))
    }
}
