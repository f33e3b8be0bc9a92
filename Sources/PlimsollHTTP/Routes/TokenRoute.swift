import Foundation
import HTTPTypes
import Hummingbird
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// What a token change did: the token's id (the hex of its hash) and role for a grant, the
/// number revoked for a revocation.
struct TokenChangeJSON: Encodable {
    let op: String
    var id: String?
    var role: String?
    var revoked: Int?
}

/// A token change as the registrar signed it.
struct TokenRequest: Equatable {
    enum Change: Equatable {
        case grant(hash: Hash32, role: SQLiteStore.TokenRole, label: String)
        case revoke(idPrefix: String)
    }

    let change: Change
    let signedAtMs: UInt64

    /// How far the signing time may be from the server's clock: a captured request is worth
    /// nothing after it (and a replay within it changes nothing).
    static let freshnessMs: UInt64 = 300_000
    /// Bytes of a request body at most.
    static let bodyBytesMax = 4096
}

extension RegistryAPI {
    /// `POST /v1/registrar/tokens` `{"op": "grant", "token_sha256": hex, "role": "regulator" |
    /// "registrar", "label": "...", "signed_at_ms": n}` or `{"op": "revoke", "id_prefix": hex (8
    /// to 64 digits), "signed_at_ms": n}`, signed by the registrar key in force in
    /// `Plimsoll-Registrar-Signature` over `chain_id || SHA-256(body)` (issue 16, item 1): the
    /// registrar grants and revokes API tokens from its own machine while the server serves. The
    /// token itself never travels: the registrar's machine makes it and sends its hash.
    func addTokenRoute(to router: Router<BasicRequestContext>) {
        let settlement = self.settlement
        let store = self.store
        router.post("/v1/registrar/tokens") { request, _ in
            let signature = try Self.registrarSignature(request, else: Self.badTokenSignature)
            let body = try await Self.body(request, upTo: TokenRequest.bodyBytesMax, what: "token requests")
            let registrarKey = await settlement.state.registrarKey
            guard
                registrarKey.verify(
                    signature: signature, hash: RegistrarEntry.tokenMessage(chainID: store.genesis.chainID, body: body))
            else { throw Self.badTokenSignature }
            let token = try Self.tokenRequest(try Self.parseJSON(body))
            let now = UInt64(Date().timeIntervalSince1970 * 1000)
            guard max(now, token.signedAtMs) - min(now, token.signedAtMs) <= TokenRequest.freshnessMs else {
                throw Problem(
                    .unauthorized, .requestExpired,
                    "signed_at_ms is more than \(TokenRequest.freshnessMs / 1000) s from the server's clock: sign the request again"
                )
            }
            switch token.change {
            case .grant(let hash, let role, let label):
                guard try store.storeToken(hash: hash, role: role, label: label, nowMs: now) else {
                    throw Problem(.conflict, .tokenExists, "this token was granted before; make a new one")
                }
                return try JSONResponse.make(TokenChangeJSON(op: "grant", id: hash.hex, role: role.rawValue))
            case .revoke(let prefix):
                let count = try store.revokeToken(idPrefix: prefix, nowMs: now)
                guard count > 0 else { throw Problem.notFound("live token with id \(prefix)") }
                return try JSONResponse.make(TokenChangeJSON(op: "revoke", revoked: count))
            }
        }
    }

    static let badTokenSignature = Problem(
        .unauthorized, .badRegistrarSignature,
        "Plimsoll-Registrar-Signature must be the registrar key's BIP-340 signature over TaggedHash(\"plimsoll/registrar-token/v1\", chain_id || SHA-256(body))"
    )

    static func tokenRequest(_ json: JSONValue) throws -> TokenRequest {
        guard case .object(let members) = json else {
            throw Problem.malformed("a JSON object with op and signed_at_ms", pointer: "")
        }
        var fields: [String: JSONValue] = [:]
        for (name, value) in members {
            guard ["op", "token_sha256", "role", "label", "id_prefix", "signed_at_ms"].contains(name) else {
                throw Problem.malformed("unknown member \(name)", pointer: "/\(name)")
            }
            fields[name] = value
        }
        guard case .number(let text)? = fields["signed_at_ms"], let signedAt = UInt64(text), signedAt > 0 else {
            throw Problem.malformed("signed_at_ms: unix milliseconds", pointer: "/signed_at_ms")
        }
        switch fields["op"] {
        case .string("grant")?:
            guard case .string(let hex)? = fields["token_sha256"], hex.count == 64, let hash = try? Hash32(hex: hex)
            else { throw Problem.malformed("token_sha256: 64 hex digits", pointer: "/token_sha256") }
            guard case .string(let roleText)? = fields["role"], let role = SQLiteStore.TokenRole(rawValue: roleText)
            else { throw Problem.malformed("role: regulator or registrar", pointer: "/role") }
            guard case .string(let label)? = fields["label"], !label.isEmpty,
                label.utf8.count <= SQLiteStore.tokenLabelBytesMax
            else {
                throw Problem.malformed("label: 1 to 128 bytes", pointer: "/label")
            }
            guard fields["id_prefix"] == nil else {
                throw Problem.malformed("a grant names no id_prefix", pointer: "/id_prefix")
            }
            return TokenRequest(change: .grant(hash: hash, role: role, label: label), signedAtMs: signedAt)
        case .string("revoke")?:
            guard case .string(let prefix)? = fields["id_prefix"], (8...64).contains(prefix.count),
                prefix.allSatisfy(\.isHexDigit)
            else { throw Problem.malformed("id_prefix: 8 to 64 hex digits", pointer: "/id_prefix") }
            guard fields["token_sha256"] == nil, fields["role"] == nil, fields["label"] == nil else {
                throw Problem.malformed("a revocation names only id_prefix", pointer: "")
            }
            return TokenRequest(change: .revoke(idPrefix: prefix.lowercased()), signedAtMs: signedAt)
        default:
            throw Problem.malformed("op: grant or revoke", pointer: "/op")
        }
    }
}
