import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollCrypto
import PlimsollStore
import PlimsollTesting
import Testing

@testable import PlimsollCore
@testable import PlimsollHTTP

/// The regulator's explorer (issue 18): every page answers, the public ones to anyone without a
/// word of party data, the others only to a session made from a regulator token; sign-in and
/// every form need their CSRF token; every page carries the strict Content-Security-Policy.
struct ExplorerRouteTests {
    static let partyNames = ["Owner AS", "Alice Example", "Bob Example"]
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func cookies(_ response: TestResponse) -> [String] { response.headers[values: .setCookie] }

    static func value(_ name: String, in cookies: [String]) -> String? {
        cookies.compactMap { cookie -> String? in
            let first = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            return first.count == 2 && first[0] == name ? String(first[1]) : nil
        }.first
    }

    /// The hidden `csrf` field of a page's forms.
    static func csrf(_ html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in with `token`; returns the session cookie and the session's CSRF token.
    static func signIn(_ client: some TestClientProtocol, token: String) async throws -> (cookie: String, csrf: String)?
    {
        let page = try await client.execute(uri: "/explorer/sign-in", method: .get)
        guard let signIn = value("plimsoll_signin", in: cookies(page)), let csrf = csrf(page.text) else { return nil }
        var headers = form
        headers[.cookie] = "plimsoll_signin=\(signIn)"
        let answer = try await client.execute(
            uri: "/explorer/sign-in", method: .post, headers: headers,
            body: ByteBuffer(string: "csrf=\(csrf)&token=\(token)"))
        guard answer.status == .seeOther, let session = value("plimsoll_session", in: cookies(answer)) else {
            return nil
        }
        let home = try await client.execute(
            uri: "/explorer", method: .get, headers: [.cookie: "plimsoll_session=\(session)"])
        return (session, Self.csrf(home.text) ?? "")
    }

    @Test func publicPagesAnswerAnyoneWithoutPartyData() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let latest = try f.store.latestHeight()
            var uris = ["/explorer", "/explorer/blocks", "/explorer/sign-in"]
            uris += (0...latest).map { "/explorer/blocks/\($0)" }
            for uri in uris {
                let page = try await client.execute(uri: uri, method: .get)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "\(uri)")
                #expect(page.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri)")
                for name in Self.partyNames { #expect(!page.text.contains(name), "\(uri) shows \(name) to anyone") }
                #expect(!page.text.contains("<script"), "\(uri) has no script")
            }
            let block = try await client.execute(uri: "/explorer/blocks/\(latest)", method: .get)
            #expect(block.text.contains(#"id="signature-check">valid"#), "the header's signature is checked")
            #expect(block.text.contains("proven"), "entries' inclusion proofs are checked")
            #expect(!block.text.contains("NOT PROVEN"))
            let css = try await client.execute(uri: "/explorer/static/explorer.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test func pagesWithPartyDataNeedASession() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            for uri in ["/explorer/vessels/IMO9176187", "/explorer/parties/\(f.aliceParty.raw)"] {
                let page = try await client.execute(uri: uri, method: .get)
                #expect(page.status == .unauthorized, "\(uri)")
                for name in Self.partyNames { #expect(!page.text.contains(name), "\(uri)") }
                // A forged or ended session is no session.
                let forged = try await client.execute(
                    uri: uri, method: .get, headers: [.cookie: "plimsoll_session=\(String(repeating: "ab", count: 32))"]
                )
                #expect(forged.status == .unauthorized, "\(uri)")
            }
            let search = try await client.execute(
                uri: "/explorer/search", method: .post, headers: Self.form, body: ByteBuffer(string: "q=Alice"))
            #expect(search.status == .unauthorized)
            #expect(!search.text.contains("Alice Example"))
            // Search is a POST: a name never rides in a URL a proxy logs.
            let get = try await client.execute(uri: "/explorer/search?q=Alice", method: .get)
            #expect(get.status != .ok)
        }
    }

    @Test func signInNeedsARegulatorTokenAndItsFormToken() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            // A bad token: 401, no session.
            let page = try await client.execute(uri: "/explorer/sign-in", method: .get)
            let signIn = try #require(Self.value("plimsoll_signin", in: Self.cookies(page)))
            let csrf = try #require(Self.csrf(page.text))
            var headers = Self.form
            headers[.cookie] = "plimsoll_signin=\(signIn)"
            let bad = try await client.execute(
                uri: "/explorer/sign-in", method: .post, headers: headers,
                body: ByteBuffer(string: "csrf=\(csrf)&token=not-a-token"))
            #expect(bad.status == .unauthorized)
            #expect(Self.value("plimsoll_session", in: Self.cookies(bad)) == nil)
            #expect(bad.text.contains("sign-in-error"))
            // The right token without the form's token (a cross-site post): refused.
            let forged = try await client.execute(
                uri: "/explorer/sign-in", method: .post, headers: Self.form,
                body: ByteBuffer(string: "csrf=\(csrf)&token=\(f.regulatorToken)"))
            #expect(forged.status == .forbidden)
            #expect(Self.value("plimsoll_session", in: Self.cookies(forged)) == nil)
            // The right token: a session cookie, HttpOnly, SameSite=Strict, with an expiry.
            var good = Self.form
            good[.cookie] = "plimsoll_signin=\(signIn)"
            let signedIn = try await client.execute(
                uri: "/explorer/sign-in", method: .post, headers: good,
                body: ByteBuffer(string: "csrf=\(csrf)&token=\(f.regulatorToken)"))
            #expect(signedIn.status == .seeOther)
            let cookie = try #require(Self.cookies(signedIn).first { $0.hasPrefix("plimsoll_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age="))
            #expect(!cookie.contains("Secure"), "plain HTTP: no Secure flag")
            // Over TLS (said by the proxy) the cookie is Secure.
            let tlsPage = try await client.execute(
                uri: "/explorer/sign-in", method: .get, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(Self.cookies(tlsPage).allSatisfy { $0.contains("; Secure") })
        }
    }

    @Test func aSessionSeesVesselsPartiesAndSearchUntilSignOut() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let (session, csrf) = try #require(try await Self.signIn(client, token: f.regulatorToken))
            let cookie: HTTPFields = [.cookie: "plimsoll_session=\(session)"]
            let vessel = try await client.execute(uri: "/explorer/vessels/IMO9176187", method: .get, headers: cookie)
            #expect(vessel.status == .ok)
            #expect(vessel.text.contains("Alice Example"), "the cap table names the holder")
            #expect(vessel.text.contains(#"class="graph""#) && vessel.text.contains(#"class="chart""#))
            #expect(vessel.headers[.cacheControl] == "no-store")
            // The cap table at a date before the registry: no holder.
            let past = try await client.execute(
                uri: "/explorer/vessels/IMO9176187?at=2000-01-01", method: .get, headers: cookie)
            #expect(past.status == .ok)
            #expect(past.text.contains("No holder"), "\(past.text.prefix(200))")
            let badDate = try await client.execute(
                uri: "/explorer/vessels/IMO9176187?at=yesterday", method: .get, headers: cookie)
            #expect(badDate.status == .badRequest)
            let party = try await client.execute(
                uri: "/explorer/parties/\(f.aliceParty.raw)", method: .get, headers: cookie)
            #expect(party.status == .ok && party.text.contains("Alice Example"))
            // Search: needs the session's form token.
            var post = Self.form
            post[.cookie] = "plimsoll_session=\(session)"
            let found = try await client.execute(
                uri: "/explorer/search", method: .post, headers: post, body: ByteBuffer(string: "csrf=\(csrf)&q=alice"))
            #expect(found.status == .ok && found.text.contains("/explorer/parties/\(f.aliceParty.raw)"))
            let byIMO = try await client.execute(
                uri: "/explorer/search", method: .post, headers: post,
                body: ByteBuffer(string: "csrf=\(csrf)&q=9176187"))
            #expect(byIMO.text.contains("/explorer/vessels/IMO9176187"))
            let forged = try await client.execute(
                uri: "/explorer/search", method: .post, headers: post, body: ByteBuffer(string: "csrf=00&q=alice"))
            #expect(forged.status == .forbidden)
            // Sign-out ends the session and clears the cookie.
            let out = try await client.execute(
                uri: "/explorer/sign-out", method: .post, headers: post, body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(out.status == .seeOther)
            #expect(Self.cookies(out).contains { $0.hasPrefix("plimsoll_session=;") && $0.contains("Max-Age=0") })
            let after = try await client.execute(uri: "/explorer/vessels/IMO9176187", method: .get, headers: cookie)
            #expect(after.status == .unauthorized)
        }
    }
}

extension ExplorerRouteTests {
    /// Revoking the token ends the sessions made from it at once, not at their expiry.
    @Test func aRevokedTokenEndsItsSessions() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let (session, _) = try #require(try await Self.signIn(client, token: f.regulatorToken))
            let cookie: HTTPFields = [.cookie: "plimsoll_session=\(session)"]
            #expect(
                try await client.execute(uri: "/explorer/vessels/IMO9176187", method: .get, headers: cookie).status
                    == .ok)
            let id = try #require(try f.store.listTokens().first { $0.role == .regulator }?.id)
            #expect(try f.store.revokeToken(idPrefix: String(id.prefix(16)), nowMs: 2) == 1)
            let after = try await client.execute(uri: "/explorer/vessels/IMO9176187", method: .get, headers: cookie)
            #expect(after.status == .unauthorized)
        }
    }

    /// A block's entries come a page at a time, the entries root recomputed over all of them.
    @Test func aBlockPageChecksItsEntriesRoot() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let page = try await client.execute(uri: "/explorer/blocks/1", method: .get)
            #expect(page.text.contains("matches the header"))
            let beyond = try await client.execute(uri: "/explorer/blocks/1?page=99", method: .get)
            #expect(beyond.status == .badRequest)
        }
    }
}

/// The ownership picture: layers, shares, the chain to a blocked party, cycles and remainders.
struct OwnershipPictureTests {
    @Test func theChainToABlockedPartyIsHighlightedAndCyclesAndGapsAreDrawn() throws {
        func party(_ id: UInt64, _ kind: Party.Kind, _ status: ScreeningStatus) throws -> PartyRecord {
            var record = PartyRecord(
                party: Party(id: PartyID(id), kind: kind, name: "Party \(id)", country: try Country("NO")))
            record.screening = status
            return record
        }
        let parties = Dictionary(
            uniqueKeysWithValues: try [
                party(1, .organization, .clear), party(2, .organization, .clear), party(3, .person, .block),
                party(4, .organization, .clear), party(5, .organization, .clear),
            ].map { ($0.party.id, $0) })
        func link(_ id: UInt64, _ owner: UInt64, _ owned: UInt64, _ bps: UInt16) -> OwnershipLink {
            OwnershipLink(
                id: LinkID(id), owner: PartyID(owner), owned: PartyID(owned), shareBps: bps, kind: .shareholding,
                evidence: .zero, effectiveFromMs: 0)
        }
        // 1 holds the vessel; 2 owns 1; 3 (blocked) owns 60 % of 2; 4 and 5 own each other and 4 owns 1.
        let links = [
            link(1, 2, 1, 6_000), link(2, 3, 2, 6_000), link(3, 4, 1, 4_000), link(4, 5, 4, 10_000),
            link(5, 4, 5, 10_000),
        ]
        let vessel = Vessel(
            asset: try AssetID("IMO9176187"), name: "Picture Star", flag: try Country("PA"), type: "bulk",
            grossTonnage: 1, roles: .init(owner: PartyID(1)), totalUnits: 64, registeredAtMs: 0)
        let picture = OwnershipPicture(
            vessel: vessel, totalUnits: 64, holders: [(PartyID(1), 64)], links: links, parties: parties,
            gaps: [
                .init(
                    party: PartyID(2), name: "Party 2", reason: .undeclared, share: 0.24, exact: "6/25", percent: "24%")
            ],
            cycles: [[PartyID(4), PartyID(5)]], timeMs: 1)
        let edge = { (from: String, to: String) in picture.edges.first { $0.from == from && $0.to == to } }
        #expect(edge("p3", "p2")?.label == "60%")
        #expect(edge("p3", "p2")?.highlighted == true, "the blocked owner's link")
        #expect(edge("p2", "p1")?.highlighted == true && edge("p1", "vessel")?.highlighted == true)
        #expect(edge("p4", "p1")?.highlighted == false, "the other branch leads to no blocked party")
        #expect(edge("p5", "p4")?.inCycle == true && edge("p4", "p5")?.inCycle == true)
        #expect(picture.nodes.contains { $0.kind == .undeclared && $0.label == "undeclared 24%" })
        let layers = Dictionary(uniqueKeysWithValues: picture.nodes.map { ($0.id, $0.layer) })
        #expect(layers["vessel"] == 0 && layers["p1"] == 1 && layers["p2"] == 2 && layers["p3"] == 3)
        // Every node is drawn once, inside the picture, and the SVG escapes names.
        let positions = picture.positions()
        #expect(positions.count == picture.nodes.count)
        #expect(positions.values.allSatisfy { $0.x >= 0 && $0.x + OwnershipPicture.boxWidth <= picture.width })
        #expect(picture.svg.contains(#"data-status="block""#))
        #expect(HTML.escape(#"<b>"Ø&"</b>"#) == "&lt;b&gt;&quot;Ø&amp;&quot;&lt;/b&gt;")
    }
}
