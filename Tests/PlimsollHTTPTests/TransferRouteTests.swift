import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollSettlement
import PlimsollStore
import Testing

struct TransferRouteTests {
    @Test func settlesAndProvesATransfer() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let registry = try await client.execute(uri: "/v1/registry", method: .get)
            #expect(registry.status == .ok)
            #expect(registry.json["chain_id"] as? String == f.chainID.hex)
            let posted = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, amount: 3, nonce: 1)))
            #expect(posted.status == .ok, "\(posted.text)")
            #expect(posted.json["status"] as? String == "settled")
            let id = try #require(posted.json["id"] as? String)
            let receipt = try await client.execute(uri: "/v1/transfers/\(id)", method: .get)
            #expect(receipt.status == .ok)
            let height = try #require(receipt.json["height"] as? Int)
            let block = try await client.execute(uri: "/v1/blocks/\(height)", method: .get)
            let root = try Hash32(hex: try #require(block.json["log_root"] as? String))
            let proof = try (try #require(receipt.json["proof"] as? [String])).map { try Hash32(hex: $0) }
            let leaf = try Hex.decode(try #require(receipt.json["leaf"] as? String))
            try Merkle.verifyInclusion(
                leafIndex: UInt64(try #require(receipt.json["leaf_index"] as? Int)),
                treeSize: UInt64(try #require(receipt.json["log_size"] as? Int)),
                leafHash: Merkle.leafHash(leaf), proof: proof, root: root
            )
            // A replay of the settled transfer is refused with its code and changes nothing.
            let replay = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, amount: 3, nonce: 1)))
            #expect(replay.status == .unprocessableContent)
            #expect(replay.json["code"] as? String == "NONCE_REUSED")
            #expect(replay.headers[.contentType] == "application/problem+json")
            let key = try await client.execute(uri: "/v1/keys/\(f.alice.publicKey.hex)", method: .get)
            #expect(key.json["last_nonce"] as? Int == 1)
            #expect(key.json["party"] == nil, "only regulators see the party")
        }
    }

    @Test func waitFalseAnswers202ThenSettles() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let posted = try await client.execute(
                uri: "/v1/transfers?wait=false", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(posted.status == .accepted)
            let id = try #require(posted.json["id"] as? String)
            var status = ""
            for _ in 0..<200 {
                status =
                    try await client.execute(uri: "/v1/transfers/\(id)", method: .get).json["status"] as? String ?? ""
                if status == "settled" { break }
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            #expect(status == "settled")
        }
    }

    @Test func batchAnswersPerItemInRequestOrder() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let items = [
                f.transferJSON(f.alice, to: f.bob, amount: 2, nonce: 2),
                f.transferJSON(f.alice, to: f.bob, amount: 2, nonce: 1),
                f.transferJSON(f.bob, to: f.alice, amount: 99, nonce: 1),
            ]
            let body = #"{"transfers":[\#(items.joined(separator: ","))]}"#
            let answer = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: body))
            #expect(answer.status == .ok, "\(answer.text)")
            let results = try #require(answer.json["results"] as? [[String: Any]])
            #expect(results.map { $0["status"] as? String } == ["settled", "settled", "rejected"])
            #expect(results[2]["code"] as? String == "INSUFFICIENT_UNITS")
        }
    }

    /// A transfer signed from bytes written out by hand (DESIGN.md's canonical form), not through
    /// `Transfer.payload`, settles: an independent client can sign it.
    @Test func handWrittenCanonicalBytesSettle() async throws {
        let f = try await HTTPFixture()
        let expires = UInt64(Date().timeIntervalSince1970) + 600
        var payload = f.chainID.bytes
        payload += [10] + Array("IMO9176187".utf8)
        payload += f.alice.publicKey.bytes + f.bob.publicKey.bytes
        for value in [UInt64(5), 1, expires] {
            payload += (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (UInt64($0) * 8)) }
        }
        let tag = Hashing.sha256(Array("plimsoll/transfer/v1".utf8)).bytes
        let message = Hashing.sha256(tag + tag + payload)
        let signature = f.alice.sign(hash: message)
        let body =
            #"{"asset":"IMO9176187","from":"\#(f.alice.publicKey.hex.uppercased())","to":"\#(f.bob.publicKey.hex)","amount":5,"nonce":1,"expires_at":\#(expires),"signature":"\#(signature.hex)"}"#
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: body))
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["id"] as? String == message.hex)
        }
    }

    static let malformed: [(String, String, String)] = [
        ("not json", "{", ""),
        ("not an object", "[]", ""),
        ("duplicate member", #"{"asset":"IMO9176187","asset":"IMO9176187"}"#, "/asset"),
        ("unknown member", #"{"asset":"IMO9176187","memo":"x"}"#, "/memo"),
        ("trailing garbage", #"{} x"#, ""),
    ]

    @Test func hostileInputIsRefusedWithPointers() async throws {
        let f = try await HTTPFixture()
        let good = f.transferJSON(f.alice, to: f.bob, nonce: 1)
        @Sendable func replacing(_ member: String, _ value: String) -> String {
            let pattern = try! NSRegularExpression(pattern: "\"\(member)\":(\"[^\"]*\"|[0-9]+)")
            return pattern.stringByReplacingMatches(
                in: good, range: NSRange(good.startIndex..., in: good), withTemplate: "\"\(member)\":\(value)")
        }
        var cases = Self.malformed
        cases += [
            ("fraction", replacing("amount", "1.0"), "/amount"), ("exponent", replacing("amount", "1e2"), "/amount"),
            ("too large", replacing("nonce", "9007199254740992"), "/nonce"),
            ("zero", replacing("amount", "0"), "/amount"),
            ("negative", replacing("amount", "-1"), "/amount"),
            ("string amount", replacing("amount", "\"1\""), "/amount"),
            ("bad check digit", replacing("asset", "\"IMO9176188\""), "/asset"),
            ("bad hex", replacing("to", "\"zz\""), "/to"),
            ("key off the curve", replacing("to", "\"\(String(repeating: "f", count: 64))\""), "/to"),
            ("same key", replacing("to", "\"\(f.alice.publicKey.hex)\""), "/to"),
            ("short signature", replacing("signature", "\"abcd\""), "/signature"),
        ]
        let before = try f.store.latestHeight()
        let table = cases
        try await f.app.test(.router) { client in
            for (name, body, pointer) in table {
                let answer = try await client.execute(
                    uri: "/v1/transfers", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: body))
                #expect(answer.status == .badRequest, "\(name): \(answer.status) \(answer.text)")
                #expect(answer.json["code"] as? String == "MALFORMED", "\(name)")
                #expect(answer.json["pointer"] as? String == pointer, "\(name): \(answer.text)")
            }
            let wrongType = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: good))
            #expect(wrongType.status == .unsupportedMediaType)
            let huge = ByteBuffer(
                string: "{\"asset\":\"" + String(repeating: "A", count: RegistryAPI.bodyBytesMax) + "\"}")
            let tooLarge = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json, body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            let batch = #"{"transfers":[\#(Array(repeating: good, count: 1001).joined(separator: ","))]}"#
            let tooMany = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: batch))
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.json["pointer"] as? String == "/transfers")
            let badItem = #"{"transfers":[\#(good),\#(replacing("amount", "1.5"))]}"#
            let refused = try await client.execute(
                uri: "/v1/transfers/batch", method: .post, headers: HTTPFixture.json, body: ByteBuffer(string: badItem))
            #expect(refused.json["pointer"] as? String == "/transfers/1/amount")
            #expect(try await client.execute(uri: "/v1/blocks/notanumber", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/transfers/xyz", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/nothing", method: .get).status == .notFound)
        }
        #expect(try f.store.latestHeight() == before, "hostile input changed no state")
    }
}

/// Intake at its bound answers 503 with Retry-After and queues nothing; screening needs lists.
struct BackpressureTests {
    @Test func fullIntakeAnswers503() async throws {
        let f = try await HTTPFixture()
        var config = SettlementConfig()
        config.intakeEntriesMax = 0
        let full = try Settlement(
            store: f.store, registrarKey: f.registrar, config: config, clock: Settlement.wallClockMs)
        let api = RegistryAPI(settlement: full, store: f.store, folder: f.folder)
        try await Application(router: api.router()).test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.json["code"] as? String == "INTAKE_FULL")
            #expect(answer.headers[.retryAfter] == "1")
            let screen = try await client.execute(
                uri: "/v1/screen", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(f.regulatorToken)"],
                body: ByteBuffer(string: #"{"name":"Kim Jong Un"}"#))
            #expect(screen.status == .conflict, "no list adopted yet: \(screen.text)")
        }
        #expect(await full.pendingCount == 0)
    }
}
