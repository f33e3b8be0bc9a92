import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollSettlement
import Testing

/// What a regulator reads over HTTP is readable as it comes: history events carry the entry's
/// bytes (to verify) and a one-line summary (to read), and screening decisions their evidence.
struct RegulatorRouteTests {
    @Test func screeningDecisionsAndVesselHistoryCarryReadableSummaries() async throws {
        let f = try await HTTPFixture()
        let evidence = "ownership_50_percent: listed owners hold 60.00% in total; via 2→7→8"
        guard
            case .settled = try await f.settlement.submitRegistrar(
                .recordScreening(f.aliceParty, .block, evidence: evidence))
        else {
            Issue.record("the screening decision did not settle")
            return
        }
        let bearer: HTTPFields = [.authorization: "Bearer \(f.regulatorToken)"]
        try await f.app.test(.router) { client in
            let decisions = try await client.execute(
                uri: "/v1/screening/decisions?party=2", method: .get, headers: bearer)
            #expect(decisions.status == .ok, "\(decisions.text)")
            let events = try #require(decisions.json["events"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect(events.first?["summary"] as? String == "party 2 screening block: \(evidence)")
            let bytes = try Hex.decode(try #require(events.first?["entry"] as? String))
            guard case .registrar(let entry) = try Entry(bytes: bytes),
                case .recordScreening(let party, let status, let text) = entry.action
            else {
                Issue.record("the entry bytes are not a screening decision")
                return
            }
            #expect(
                party == f.aliceParty && status == .block && text == evidence,
                "the summary says what the signed bytes say")

            let history = try await client.execute(uri: "/v1/vessels/IMO9176187/history", method: .get, headers: bearer)
            let vesselEvents = try #require(history.json["events"] as? [[String: Any]])
            #expect(
                vesselEvents.compactMap { $0["summary"] as? String }.contains { $0.hasPrefix("IMO9176187 ") },
                "\(history.text)")
        }
    }
}

extension RegulatorRouteTests {
    /// Every read names the block it reflects, a refusal of a read too; a write does not.
    @Test func everyReadNamesTheHeightItReflects() async throws {
        let f = try await HTTPFixture()
        let height = await f.settlement.latestHeader.header.height
        #expect(height > 0)
        try await f.app.test(.router) { client in
            let latest = try await client.execute(uri: "/v1/blocks/latest", method: .get)
            #expect(latest.headers[HTTPField.Name("Plimsoll-Height")!] == String(height))
            #expect(latest.json["height"] as? Int == Int(height))
            let missing = try await client.execute(
                uri: "/v1/vessels/IMO9074729", method: .get, headers: [.authorization: "Bearer \(f.regulatorToken)"])
            #expect(missing.status == .notFound)
            #expect(missing.headers[HTTPField.Name("Plimsoll-Height")!] == String(height))
            let transfer = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(transfer.status == .ok, "\(transfer.text)")
            #expect(transfer.headers[HTTPField.Name("Plimsoll-Height")!] == nil)
            let after = try await client.execute(uri: "/v1/blocks/latest", method: .get)
            #expect(after.headers[HTTPField.Name("Plimsoll-Height")!] == String(height + 1))
        }
    }

    @Test func vesselBeneficialOwnersLookThroughTheHolders() async throws {
        let f = try await HTTPFixture()
        let bearer: HTTPFields = [.authorization: "Bearer \(f.regulatorToken)"]
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/vessels/IMO9176187/beneficial-owners", method: .get, headers: bearer)
            #expect(answer.status == .ok, "\(answer.text)")
            let owners = try #require(answer.json["owners"] as? [[String: Any]])
            #expect(owners.count == 1)
            #expect(owners.first?["name"] as? String == "Alice Example")
            #expect(owners.first?["share"] as? Double == 40.0 / 64.0, "Alice holds 40 of 64 units")
            #expect((answer.json["undeclared"] as? [Any])?.isEmpty == true)
            let unknown = try await client.execute(
                uri: "/v1/vessels/IMO9074729/beneficial-owners", method: .get, headers: bearer)
            #expect(unknown.status == .notFound)
            let before = try await client.execute(
                uri: "/v1/vessels/IMO9176187/beneficial-owners?height=1", method: .get, headers: bearer)
            #expect(
                (before.json["owners"] as? [Any])?.isEmpty == true,
                "before issuance nobody holds the vessel: \(before.text)")
        }
    }
}

/// The OpenAPI document is what third-party clients code against: it must parse, and every
/// operation's answer must name a schema the document defines (schemathesis then checks live
/// answers against those schemas in CI).
struct OpenAPIDocumentTests {
    @Test func everyAnswerNamesADefinedSchema() async throws {
        let f = try await HTTPFixture()
        let body = try await f.app.test(.router) { try await $0.execute(uri: "/openapi.json", method: .get) }.body
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var checked = 0
        for (path, operations) in paths {
            for (method, operation) in operations {
                let ok =
                    (((operation as? [String: Any])?["responses"] as? [String: Any])?["200"] as? [String: Any])?[
                        "content"] as? [String: Any]
                guard let json = ok?["application/json"] as? [String: Any] else { continue }
                let ref = try #require(
                    (json["schema"] as? [String: Any])?["$ref"] as? String, "\(method) \(path) has no answer schema")
                let name = String(ref.split(separator: "/").last ?? "")
                #expect(schemas[name] != nil, "\(method) \(path) names \(ref), which is not defined")
                checked += 1
            }
        }
        #expect(checked == 29, "every JSON operation was checked")
        let registry = try #require(schemas["Registry"] as? [String: Any])
        #expect(
            Set(registry["required"] as? [String] ?? []) == [
                "chain_id", "name", "registrar_key", "height", "max_validity_s", "registrar_key_in_force",
                "sequencer_key",
            ])
    }
}

extension RegulatorRouteTests {
    @Test func aVesselsScreeningDecisionsAreListedAndItsRecordCarriesThem() async throws {
        let f = try await HTTPFixture()
        let evidence = "recent_flag_change: flag changed 3 time(s) within 365 days"
        guard
            case .settled = try await f.settlement.submitRegistrar(
                .recordVesselScreening(try AssetID("IMO9176187"), .review, evidence: evidence))
        else {
            Issue.record("the vessel decision did not settle")
            return
        }
        let bearer: HTTPFields = [.authorization: "Bearer \(f.regulatorToken)"]
        try await f.app.test(.router) { client in
            let decisions = try await client.execute(
                uri: "/v1/vessels/IMO9176187/screening", method: .get, headers: bearer)
            #expect(decisions.status == .ok, "\(decisions.text)")
            let events = try #require(decisions.json["events"] as? [[String: Any]])
            #expect(events.map { $0["summary"] as? String } == ["IMO9176187 screening review: \(evidence)"])
            let vessel = try await client.execute(uri: "/v1/vessels/IMO9176187", method: .get, headers: bearer)
            #expect(vessel.json["screening"] as? String == "review")
            #expect(vessel.json["screening_evidence"] as? String == evidence)
            let unknown = try await client.execute(
                uri: "/v1/vessels/IMO9512226/screening", method: .get, headers: bearer)
            #expect(unknown.status == .notFound)
            let synopsis = try await client.execute(
                uri: "/v1/vessels/IMO9176187/synopsis", method: .get, headers: bearer)
            #expect(synopsis.status == .ok, "\(synopsis.text)")
            let record = try #require(synopsis.json["synopsis"] as? [String: Any])
            #expect((record["names"] as? [[String: Any]])?.isEmpty == false)
            #expect((record["status"] as? [[String: Any]])?.first?["value"] as? String == "active")
            let anonymous = try await client.execute(uri: "/v1/vessels/IMO9176187/synopsis", method: .get)
            #expect(anonymous.status == .unauthorized, "a regulator route")
        }
    }
}
