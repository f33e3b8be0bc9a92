import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollStore
import Testing

/// Every route × no credentials / a holder's signature / a regulator token / a registrar token.
struct AuthorizationTests {
    enum Who: CaseIterable { case anonymous, holder, otherHolder, regulator, registrar, badToken }

    /// (route, which callers get 200; everyone else's expected status).
    static func routes(_ f: HTTPFixture) -> [(String, Set<Who>)] {
        let alice = f.alice.publicKey.hex
        let everyone = Set(Who.allCases).subtracting([.badToken])
        let regulators: Set<Who> = [.regulator, .registrar]
        return [
            ("/healthz", everyone), ("/openapi.json", everyone), ("/metrics", everyone), ("/v1/registry", everyone),
            ("/v1/blocks/latest", everyone), ("/v1/blocks/0", everyone),
            ("/v1/proofs/consistency?from=1&to=3", everyone),
            ("/v1/keys/\(alice)", everyone.subtracting([.badToken])),
            ("/v1/keys/\(alice)/balances", [.holder, .regulator, .registrar]),
            ("/v1/vessels/IMO9176187", regulators), ("/v1/vessels/IMO9176187/cap-table?height=3", regulators),
            ("/v1/vessels/IMO9176187/history", regulators),
            ("/v1/vessels/IMO9176187/beneficial-owners", regulators), ("/v1/parties/2", regulators),
            ("/v1/parties/2/history", regulators),
            ("/v1/parties/2/beneficial-owners", regulators), ("/v1/screening/decisions?party=2", regulators),
        ]
    }

    @Test func matrix() async throws {
        let f = try await HTTPFixture()
        let openAPI = String(
            decoding: Array(
                try await f.app.test(.router) { try await $0.execute(uri: "/openapi.json", method: .get) }.body
                    .readableBytesView), as: UTF8.self)
        try await f.app.test(.router) { client in
            for (route, allowed) in Self.routes(f) {
                let path = String(route.split(separator: "?").first!)
                let template = path.replacingOccurrences(of: f.alice.publicKey.hex, with: "{key}").replacingOccurrences(
                    of: "IMO9176187", with: "{imo}"
                )
                .replacingOccurrences(of: "/parties/2", with: "/parties/{id}").replacingOccurrences(
                    of: "/blocks/0", with: "/blocks/{height}")
                #expect(openAPI.contains("\"\(template)\""), "\(template) is missing from /openapi.json")
                for who in Who.allCases {
                    var headers: HTTPFields = [:]
                    switch who {
                    case .anonymous: break
                    case .holder: headers = f.holderHeaders(f.alice, target: route)
                    case .otherHolder: headers = f.holderHeaders(f.bob, target: route)
                    case .regulator: headers[.authorization] = "Bearer \(f.regulatorToken)"
                    case .registrar: headers[.authorization] = "Bearer \(f.registrarToken)"
                    case .badToken: headers[.authorization] = "Bearer \(String(repeating: "0", count: 64))"
                    }
                    let answer = try await client.execute(uri: route, method: .get, headers: headers)
                    let expected: HTTPResponse.Status =
                        allowed.contains(who)
                        ? .ok
                        : who == .badToken || who == .anonymous
                            ? (allowed.contains(.anonymous) ? .ok : .unauthorized)
                            : .forbidden
                    #expect(
                        answer.status == (who == .badToken ? .unauthorized : expected),
                        "\(route) as \(who): \(answer.text)")
                }
            }
            // A holder's signature outside the 60 s window, or over another target, is refused.
            let stale = f.holderHeaders(
                f.alice, target: "/v1/keys/\(f.alice.publicKey.hex)/balances",
                time: UInt64(Date().timeIntervalSince1970) - 61)
            #expect(
                try await client.execute(
                    uri: "/v1/keys/\(f.alice.publicKey.hex)/balances", method: .get, headers: stale
                ).status == .unauthorized)
            let elsewhere = f.holderHeaders(f.alice, target: "/v1/registry")
            #expect(
                try await client.execute(
                    uri: "/v1/keys/\(f.alice.publicKey.hex)/balances", method: .get, headers: elsewhere
                ).status == .unauthorized)
        }
    }
}
