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

/// API tokens granted and revoked through the running server (issue 16, item 1): only a
/// request the registrar key signed, recently, changes anything; the token never travels; a
/// replayed grant cannot bring a revoked token back.
struct TokenRouteTests {
    static func body(_ members: String, signedAtMs: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> [UInt8] {
        Array("{\(members),\"signed_at_ms\":\(signedAtMs)}".utf8)
    }

    static func headers(_ body: [UInt8], _ f: HTTPFixture, by key: SigningKey? = nil) -> HTTPFields {
        var headers = HTTPFixture.json
        let signature = (key ?? f.registrar).sign(hash: RegistrarEntry.tokenMessage(chainID: f.chainID, body: body))
        headers[HTTPField.Name("Plimsoll-Registrar-Signature")!] = signature.hex
        return headers
    }

    @Test func aSignedGrantMakesATokenThatWorksUntilASignedRevocation() async throws {
        let f = try await HTTPFixture()
        let token = SQLiteStore.newToken()
        let id = SQLiteStore.tokenHash(token).hex
        let grant = Self.body(#""op":"grant","token_sha256":"\#(id)","role":"regulator","label":"port state control""#)
        try await f.app.test(.router) { client in
            let asRegulator: HTTPFields = [.authorization: "Bearer \(token)"]
            let before = try await client.execute(uri: "/v1/vessels/IMO9176187", method: .get, headers: asRegulator)
            #expect(before.status == .unauthorized, "an unknown token is refused")

            // Unsigned, signed by another key, or signed over other bytes: nothing stored.
            let unsigned = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: HTTPFixture.json, body: ByteBuffer(bytes: grant))
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.json["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            var rng = SplitMix64(seed: 166)
            let foreign = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post,
                headers: Self.headers(grant, f, by: SigningKey.generate(using: &rng)), body: ByteBuffer(bytes: grant))
            #expect(foreign.json["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            let registrarRole = Self.body(
                #""op":"grant","token_sha256":"\#(id)","role":"registrar","label":"port state control""#)
            let swapped = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(grant, f),
                body: ByteBuffer(bytes: registrarRole))
            #expect(swapped.json["code"] as? String == "BAD_REGISTRAR_SIGNATURE")
            // Signed, but signed long ago (a captured request) or far ahead.
            for offset in [-400_000, 400_000] {
                let stale = Self.body(
                    #""op":"grant","token_sha256":"\#(id)","role":"regulator","label":"x""#,
                    signedAtMs: UInt64(Int(Date().timeIntervalSince1970 * 1000) + offset))
                let answer = try await client.execute(
                    uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(stale, f),
                    body: ByteBuffer(bytes: stale))
                #expect(answer.status == .unauthorized)
                #expect(answer.json["code"] as? String == "REQUEST_EXPIRED")
            }
            #expect(try f.store.tokenRole(token) == nil, "no refused request stored anything")

            let granted = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(grant, f),
                body: ByteBuffer(bytes: grant))
            #expect(granted.status == .ok, "\(granted.text)")
            #expect(granted.json["id"] as? String == id && granted.json["role"] as? String == "regulator")
            let after = try await client.execute(uri: "/v1/vessels/IMO9176187", method: .get, headers: asRegulator)
            #expect(after.status != .unauthorized && after.status != .forbidden, "the granted token reads")

            let revoke = Self.body(#""op":"revoke","id_prefix":"\#(id.prefix(12))""#)
            let revoked = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(revoke, f),
                body: ByteBuffer(bytes: revoke))
            #expect(revoked.status == .ok && revoked.json["revoked"] as? Int == 1, "\(revoked.text)")
            let gone = try await client.execute(uri: "/v1/vessels/IMO9176187", method: .get, headers: asRegulator)
            #expect(gone.status == .unauthorized, "a revoked token is refused at once")

            // Replays: the grant cannot bring the token back, the revocation finds nothing left.
            let replayedGrant = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(grant, f),
                body: ByteBuffer(bytes: grant))
            #expect(replayedGrant.status == .conflict)
            #expect(replayedGrant.json["code"] as? String == "TOKEN_EXISTS")
            let replayedRevoke = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(revoke, f),
                body: ByteBuffer(bytes: revoke))
            #expect(replayedRevoke.status == .notFound)
            #expect(try f.store.tokenRole(token) == nil)
        }
    }

    /// A label is cut at a character boundary to 128 UTF-8 bytes, as the route takes it.
    @Test func labelsAreCutToTheirByteBound() {
        #expect(SQLiteStore.tokenLabel(String(repeating: "é", count: 100)) == String(repeating: "é", count: 64))
        #expect(SQLiteStore.tokenLabel(String(repeating: "a", count: 127) + "é") == String(repeating: "a", count: 127))
        #expect(SQLiteStore.tokenLabel("port state control") == "port state control")
    }

    @Test(arguments: [
        #""op":"grant","token_sha256":"abc","role":"regulator","label":"x""#,
        #""op":"grant","token_sha256":"\#(String(repeating: "a", count: 64))","role":"admin","label":"x""#,
        #""op":"grant","token_sha256":"\#(String(repeating: "a", count: 64))","role":"regulator","label":"""#,
        #""op":"grant","token_sha256":"\#(String(repeating: "a", count: 64))","role":"regulator","label":"\#(String(repeating: "é", count: 65))""#,
        #""op":"revoke","id_prefix":"abc""#,
        #""op":"revoke","id_prefix":"zzzzzzzzzz""#,
        #""op":"revoke","id_prefix":"abcdef12","role":"regulator""#,
        #""op":"promote","id_prefix":"abcdef12""#,
        #""op":"revoke","id_prefix":"abcdef12","extra":1"#,
    ])
    func malformedRequestsChangeNothing(members: String) async throws {
        let f = try await HTTPFixture()
        let tokensBefore = try f.store.listTokens().count
        let body = Self.body(members)
        try await f.app.test(.router) { client in
            let answer = try await client.execute(
                uri: "/v1/registrar/tokens", method: .post, headers: Self.headers(body, f),
                body: ByteBuffer(bytes: body))
            #expect(answer.status == .badRequest, "\(answer.text)")
            #expect(answer.json["code"] as? String == "MALFORMED")
        }
        #expect(try f.store.listTokens().count == tokensBefore)
    }
}
