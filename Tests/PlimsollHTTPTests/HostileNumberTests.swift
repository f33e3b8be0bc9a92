import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollStore
import PlimsollTesting
import Testing

/// Every numeric path and query parameter of every route in the OpenAPI document, with the
/// numbers that once killed the server (2^63 reached GRDB's UInt64 conversion, which traps):
/// each answer is below 500, an out-of-range value is 400 `MALFORMED` naming the parameter, and
/// the server still answers afterwards.
struct HostileNumberTests {
    static let values = [
        "0", "-1", "9007199254740992", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        String(repeating: "9", count: 100), "+1", " 1", "1e3", "0x10",
    ]

    struct Target {
        let method: HTTPRequest.Method
        let path: String
        let parameter: String
        let inPath: Bool
        let minimum: UInt64
        let maximum: UInt64
    }

    /// The numeric parameters the document declares, with their bounds.
    static func targets(_ document: [String: Any]) throws -> [Target] {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var targets: [Target] = []
        for (path, operations) in paths {
            for (method, operation) in operations {
                let parameters = (operation as? [String: Any])?["parameters"] as? [[String: Any]] ?? []
                for parameter in parameters {
                    guard let schema = parameter["schema"] as? [String: Any], schema["type"] as? String == "integer"
                    else { continue }
                    let minimum = (schema["minimum"] as? NSNumber)?.uint64Value ?? 0
                    let maximum = try #require(
                        (schema["maximum"] as? NSNumber)?.uint64Value,
                        "\(method) \(path) \(parameter["name"] ?? "") states no maximum")
                    targets.append(
                        Target(
                            method: HTTPRequest.Method(method.uppercased())!, path: path,
                            parameter: parameter["name"] as! String,
                            inPath: parameter["in"] as? String == "path", minimum: minimum, maximum: maximum
                        ))
                }
            }
        }
        return targets
    }

    /// A request target with `value` in `target.parameter` and valid values everywhere else.
    static func uri(_ target: Target, value: String, f: HTTPFixture) -> String {
        var path = target.path
        let fill = [
            "{imo}": "IMO9176187", "{key}": f.alice.publicKey.hex, "{height}": "0",
            "{id}": target.path.hasPrefix("/v1/parties") ? "1" : String(repeating: "0", count: 64),
        ]
        if target.inPath {
            path = path.replacingOccurrences(
                of: "{\(target.parameter)}", with: value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)
        }
        for (placeholder, valid) in fill { path = path.replacingOccurrences(of: placeholder, with: valid) }
        var query: [String] = []
        let required =
            ["/v1/proofs/consistency": ["from", "to"], "/v1/screening/decisions": ["party"]][target.path] ?? []
        for name in required where name != target.parameter { query.append("\(name)=\(name == "party" ? "1" : "0")") }
        if !target.inPath {
            query.append("\(target.parameter)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    @Test func everyNumericParameterRefusesHostileNumbersAndTheServerLives() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let documentAnswer = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(documentAnswer.body.readableBytesView)) as? [String: Any])
            let targets = try Self.targets(document)
            let names = Set(targets.map { "\($0.path) \($0.parameter)" })
            #expect(names.count >= 12, "the document declares the numeric parameters: \(names.sorted())")
            for expected in [
                "/v1/blocks/{height} height", "/v1/proofs/consistency from", "/v1/parties/{id} id",
                "/v1/screening/decisions party", "/v1/vessels/{imo}/cap-table height", "/v1/parties/{id}/history limit",
            ] {
                #expect(names.contains(expected), "\(expected) is declared with its bounds")
            }
            var checked = 0
            for target in targets where target.method == .get {
                for value in Self.values {
                    let uri = Self.uri(target, value: value, f: f)
                    let answer = try await client.execute(
                        uri: uri, method: .get, headers: [.authorization: "Bearer \(f.regulatorToken)"])
                    #expect(answer.status.code < 500, "GET \(uri) answered \(answer.status.code): \(answer.text)")
                    let inRange = UInt64(value).map { (target.minimum...target.maximum).contains($0) } ?? false
                    if !inRange {
                        #expect(answer.status == .badRequest, "GET \(uri): \(answer.text)")
                        #expect(answer.json["code"] as? String == "MALFORMED")
                        #expect(
                            answer.json["parameter"] as? String == target.parameter,
                            "GET \(uri) names its parameter: \(answer.text)")
                    }
                    checked += 1
                }
            }
            #expect(checked >= 12 * Self.values.count)
            // A cursor is hex of a stored integer: the one with the top bit set is refused too.
            for path in ["/v1/parties/2/history", "/v1/vessels/IMO9176187/history", "/v1/screening/decisions?party=2"] {
                let separator = path.contains("?") ? "&" : "?"
                let answer = try await client.execute(
                    uri: "\(path)\(separator)cursor=8000000000000000", method: .get,
                    headers: [.authorization: "Bearer \(f.regulatorToken)"])
                #expect(answer.status == .badRequest, "\(path): \(answer.text)")
                #expect(answer.json["parameter"] as? String == "cursor")
            }
            // A height past the tip is not found, not malformed.
            let past = try await client.execute(
                uri: "/v1/vessels/IMO9176187/cap-table?height=9223372036854775807", method: .get,
                headers: [.authorization: "Bearer \(f.regulatorToken)"])
            #expect(past.status == .notFound, "\(past.text)")
            let block = try await client.execute(uri: "/v1/blocks/9223372036854775807", method: .get)
            #expect(block.status == .notFound)
            let wait = try await client.execute(
                uri: "/v1/transfers?wait=maybe", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(wait.status == .badRequest && wait.json["parameter"] as? String == "wait", "\(wait.text)")
            let alive = try await client.execute(uri: "/healthz", method: .get)
            #expect(alive.status == .ok, "the server still answers")
        }
    }

    /// The store's own door: every read that takes a number refuses one above the stored range
    /// with a typed error instead of trapping, whoever calls it.
    @Test func storeReadsRefuseNumbersAboveTheStoredRange() async throws {
        let f = try await HTTPFixture()
        let huge = Limits.storedIntegerMax + 1
        let reads: [(String, () throws -> Void)] = [
            ("block", { _ = try f.store.block(at: huge) }),
            ("blocks", { _ = try f.store.blocks(from: UInt64.max, limit: 1) }),
            ("entries(inBlock:)", { _ = try f.store.entries(inBlock: huge) }),
            ("entries(fromLeaf:)", { _ = try f.store.entries(fromLeaf: huge, limit: 1) }),
            ("capTable", { _ = try f.store.capTable(IMOs.a, at: huge) }),
            ("height(atTimeMs:)", { _ = try f.store.height(atTimeMs: UInt64.max) }),
            ("keyHistory", { _ = try f.store.keyHistory(f.alice.publicKey, beforeHeight: huge) }),
            ("partyHoldingHistory", { _ = try f.store.partyHoldingHistory(PartyID(huge)) }),
            ("partyEvents", { _ = try f.store.partyEvents(PartyID(UInt64.max)) }),
            ("party", { _ = try f.store.party(PartyID(huge)) }),
            ("inclusionProof", { _ = try f.store.inclusionProof(leafIndex: huge, treeSize: huge) }),
            ("consistencyProof", { _ = try f.store.consistencyProof(from: 1, to: huge) }),
        ]
        for (name, read) in reads {
            #expect(throws: (any Error).self, "\(name) refuses \(huge)") { try read() }
        }
        #expect(try f.store.block(at: 0) != nil, "the store still reads")
    }
}
