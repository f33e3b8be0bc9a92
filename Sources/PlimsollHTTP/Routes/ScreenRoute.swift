import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollSettlement
import PlimsollStore

/// The screener over the registry's adopted lists, built once per list version in force.
actor ScreenerCache {
    private var cached: (digest: Hash32, screener: Screener)?

    func screener(folder: URL, lists: [ListAdoption]) throws -> Screener? {
        let digest = LedgerState.listsDigest(lists.map(\.contentHash))
        if let cached, cached.digest == digest { return cached.screener }
        guard let screener = try AdoptedLists.screener(folder, lists: lists) else { return nil }
        cached = (digest, screener)
        return screener
    }
}

extension RegistryAPI {
    /// `POST /v1/screen` (regulator): `{"name": "...", "kind": "person", "imo": "IMO 9176187",
    /// "born": "1962-02-18", "country": "KP"}`, `name` or `imo` required, answered with the
    /// matches and the list version used. With `born` or `country`, each match carries its
    /// identifier comparisons (`checks`) and a score they raised or lowered.
    func addScreenRoute(to router: Router<BasicRequestContext>) {
        router.post("/v1/screen") { request, _ in
            try requireRegulator(request)
            guard case .object(let members) = try Self.parseJSON(try await Self.jsonBody(request)) else {
                throw Problem.malformed("a screening query is a JSON object", pointer: "")
            }
            var name: String?
            var kind: ListEntity.Kind?
            var imo: String?
            var subject = MatchSubject()
            for (key, value) in members {
                guard case .string(let text) = value, text.utf8.count <= Limits.screenQueryBytesMax else {
                    throw Problem.malformed(
                        "must be a string of at most \(Limits.screenQueryBytesMax) bytes", pointer: "/\(key)")
                }
                switch key {
                case "name": name = text
                case "imo": imo = text
                case "born":
                    guard DayText.isValid(text) else {
                        throw Problem.malformed("a date YYYY-MM-DD", pointer: "/born")
                    }
                    subject.born = text
                case "country":
                    guard let country = try? Country(text) else {
                        throw Problem.malformed("an ISO 3166-1 alpha-2 code", pointer: "/country")
                    }
                    subject.country = country.code
                case "kind":
                    guard let parsed = ListEntity.Kind(rawValue: text) else {
                        throw Problem.malformed("person, organization, vessel or aircraft", pointer: "/kind")
                    }
                    kind = parsed
                default: throw Problem.malformed("unknown member", pointer: "/\(key)")
                }
            }
            guard name != nil || imo != nil else { throw Problem.malformed("give name or imo", pointer: "/name") }
            let start = ContinuousClock.now
            guard let folder,
                let screener = try await screeners.screener(folder: folder, lists: await settlement.durableLists)
            else {
                throw Problem(.conflict, .noLists, "no sanctions list is adopted")
            }
            var matches =
                name.map {
                    screener.index.match(
                        name: $0, kind: kind, threshold: screener.rules.nameMatch.reviewScore,
                        subject: subject.isEmpty ? nil : subject)
                }
                ?? []
            if let imo { matches += screener.index.imoMatches(imo) }
            let elapsed = ContinuousClock.now - start
            /// `took_ms`: the time spent screening this query, index lookup included.
            struct View: Encodable {
                let lists_digest: String, matches: [NameMatch], took_ms: Double
            }
            let tookMs =
                Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return try JSONResponse.make(
                View(
                    lists_digest: screener.listsDigest.hex, matches: Array(matches.prefix(Limits.screenMatchesMax)),
                    took_ms: (tookMs * 1000).rounded() / 1000))
        }
    }
}
