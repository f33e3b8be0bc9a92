import Foundation
import PlimsollCrypto

/// Signed-in explorer sessions: a regulator's token, checked once at sign-in, becomes a random
/// session id in an HttpOnly, SameSite=Strict cookie; the token itself is never stored or sent
/// again. Bounded in number and in time; ended by sign-out.
actor ExplorerSessions {
    struct Session: Sendable {
        let id: String
        /// Every form of the session carries it (`csrf`); a POST without it is refused.
        let csrf: String
        let role: String
        /// SHA-256 of the token it was made from: a session ends when its token is revoked.
        let tokenHash: Hash32
        let expiresAtMs: UInt64
    }

    /// Sessions held at most: the oldest goes first when a new one needs room.
    static let sessionsMax = 1024
    /// How long a session lasts after sign-in.
    static let lifetimeSeconds: UInt64 = 8 * 3600

    private var sessions: [String: Session] = [:]

    func create(role: String, tokenHash: Hash32, nowMs: UInt64) -> Session {
        sessions = sessions.filter { $0.value.expiresAtMs > nowMs }
        if sessions.count >= Self.sessionsMax, let oldest = sessions.values.min(by: { $0.expiresAtMs < $1.expiresAtMs })
        {
            sessions[oldest.id] = nil
        }
        let session = Session(
            id: Self.randomToken(), csrf: Self.randomToken(), role: role, tokenHash: tokenHash,
            expiresAtMs: nowMs + Self.lifetimeSeconds * 1000)
        sessions[session.id] = session
        return session
    }

    func session(_ id: String?, nowMs: UInt64) -> Session? {
        guard let id, let session = sessions[id] else { return nil }
        guard session.expiresAtMs > nowMs else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    func end(_ id: String) { sessions[id] = nil }

    /// 32 random bytes, hex: a session id or a CSRF token.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// The small parts of HTTP the explorer reads by hand: cookies and urlencoded forms.
enum ExplorerHTTP {
    static let sessionCookie = "plimsoll_session"
    /// The CSRF token of the sign-in form, before there is a session (double submit).
    static let signInCookie = "plimsoll_signin"
    /// Bytes of a form body at most.
    static let formBytesMax = 16 << 10

    static func cookies(_ header: String?) -> [String: String] {
        var result: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            result[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// `application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte; the last of a repeated
    /// name wins.
    static func form(_ bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for part in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            result[decode(pair[0])] = pair.count == 2 ? decode(pair[1]) : ""
        }
        return result
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, scoped to the explorer; Secure when the
    /// page was served over TLS (said by the TLS-terminating proxy's X-Forwarded-Proto).
    static func setCookie(_ name: String, _ value: String, maxAgeSeconds: UInt64, secure: Bool) -> String {
        "\(name)=\(value); Path=/explorer; Max-Age=\(maxAgeSeconds); HttpOnly; SameSite=Strict\(secure ? "; Secure" : "")"
    }

    /// Constant-time comparison of two tokens.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
