import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

/// API bearer tokens: only their SHA-256 is stored; the token itself is shown once, at grant.
extension SQLiteStore {
    public enum TokenRole: String, Sendable, CaseIterable, Codable {
        case registrar, regulator
    }

    public struct TokenInfo: Sendable, Codable {
        public let id: String
        public let role: TokenRole
        public let label: String
        public let createdMs: UInt64
        public let revokedMs: UInt64?
    }

    /// Creates a token for `role`; returns the token text (64 hex digits) to give to its holder.
    public func grantToken(role: TokenRole, label: String, nowMs: UInt64) throws -> String {
        let token = Self.newToken()
        guard try storeToken(hash: Self.tokenHash(token), role: role, label: label, nowMs: nowMs) else {
            throw StoreError(.exists, "a fresh token's hash is already stored")
        }
        return token
    }

    /// A new token: 32 random bytes as 64 hex digits, made where it is first shown (the
    /// registrar's machine, when granted through a running server, which sees only its hash).
    public static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
    }

    /// Bytes of a token's label at most.
    public static let tokenLabelBytesMax = 128

    /// A label cut to `tokenLabelBytesMax` UTF-8 bytes at a character boundary.
    public static func tokenLabel(_ label: String) -> String {
        var kept = ""
        var bytes = 0
        for character in label {
            bytes += character.utf8.count
            guard bytes <= tokenLabelBytesMax else { break }
            kept.append(character)
        }
        return kept
    }

    /// What is stored of a token, and its id (in hex).
    public static func tokenHash(_ token: String) -> Hash32 { Hashing.sha256(Array(token.utf8)) }

    /// Stores a token by its hash; false when that hash is stored already (live or revoked: a
    /// revoked token never comes back).
    public func storeToken(hash: Hash32, role: TokenRole, label: String, nowMs: UInt64) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO api_tokens (hash, role, label, created_ms) VALUES (?, ?, ?, ?)",
                arguments: [Data(hash.bytes), role.rawValue, Self.tokenLabel(label), nowMs]
            )
            return db.changesCount == 1
        }
    }

    /// The role of a live token, or nil for an unknown or revoked one.
    public func tokenRole(_ token: String) throws -> TokenRole? {
        guard token.utf8.count <= 256 else { return nil }
        return try read { db in
            try String.fetchOne(
                db, sql: "SELECT role FROM api_tokens WHERE hash = ? AND revoked_ms IS NULL",
                arguments: [Data(Hashing.sha256(Array(token.utf8)).bytes)]
            ).flatMap(TokenRole.init(rawValue:))
        }
    }

    /// Revokes tokens whose id (hex of the hash) starts with `idPrefix` (at least 8 digits);
    /// returns how many were revoked.
    public func revokeToken(idPrefix: String, nowMs: UInt64) throws -> Int {
        let tokens = try listTokens().filter { $0.id.hasPrefix(idPrefix.lowercased()) && $0.revokedMs == nil }
        guard idPrefix.count >= 8 else { return 0 }
        try pool.write { db in
            for token in tokens {
                try db.execute(
                    sql: "UPDATE api_tokens SET revoked_ms = ? WHERE hash = ?",
                    arguments: [nowMs, Data(try Hex.decode(token.id))])
            }
        }
        return tokens.count
    }

    public func listTokens() throws -> [TokenInfo] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT hash, role, label, created_ms, revoked_ms FROM api_tokens ORDER BY created_ms"
            ).map { row in
                TokenInfo(
                    id: Hex.encode(Array(row["hash"] as Data)), role: TokenRole(rawValue: row["role"]) ?? .regulator,
                    label: row["label"],
                    createdMs: row["created_ms"], revokedMs: row["revoked_ms"]
                )
            }
        }
    }
}
