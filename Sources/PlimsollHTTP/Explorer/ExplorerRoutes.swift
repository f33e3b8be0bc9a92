import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// The regulator's explorer at `/explorer`: server-rendered pages (swift-mustache), no script,
/// nothing fetched from elsewhere. Blocks, proofs and the signed head are public; vessels,
/// parties, ownership and screening need a session made from a regulator token. Party data
/// never goes into a URL (search is a POST); every form carries a CSRF token.
extension RegistryAPI {
    /// No script at all; styles and images from this origin only; forms post here only.
    static let explorerCSP =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    struct ExplorerVisit {
        let session: ExplorerSessions.Session?
        let secure: Bool
        var signedIn: Bool { session != nil }
    }

    func explorerVisit(_ request: Request) async -> ExplorerVisit {
        let cookies = ExplorerHTTP.cookies(request.headers[.cookie])
        var session = await explorer.session(cookies[ExplorerHTTP.sessionCookie], nowMs: clock())
        // A revoked token ends the sessions made from it at once.
        if let live = session, (try? store.tokenRole(hash: live.tokenHash)) == nil {
            await explorer.end(live.id)
            session = nil
        }
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return ExplorerVisit(session: session, secure: secure)
    }

    /// A page: the layout's common fields added to `context`, rendered, with the explorer's
    /// security headers. Pages with party data are never cached.
    func explorerPage(
        _ template: String, _ context: [String: Any], visit: ExplorerVisit, status: HTTPResponse.Status = .ok,
        cookies: [String] = []
    ) throws -> Response {
        var context = context
        context["registryName"] = store.genesis.name
        context["signedIn"] = visit.signedIn
        context["csrf"] = visit.session?.csrf ?? ""
        context["height"] = try store.latestHeight()
        guard let html = ExplorerTemplates.library.render(context, withTemplate: template) else {
            throw Problem(.internalServerError, .internal, "internal error")
        }
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.explorerCSP,
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Frame-Options")!: "DENY", .cacheControl: "no-store",
        ]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func explorerMessage(
        _ heading: String, _ message: String, visit: ExplorerVisit, status: HTTPResponse.Status,
        signInLink: Bool = false
    ) throws -> Response {
        try explorerPage(
            "message",
            [
                "heading": heading, "message": message, "tone": status.code >= 400 ? "error" : "notice",
                "signInLink": signInLink,
            ],
            visit: visit, status: status)
    }

    /// The page for a visitor without a session on a page that needs one: 401, a link to sign in.
    func explorerSignInRequired(_ visit: ExplorerVisit) throws -> Response {
        try explorerMessage(
            "Sign-in required", "This page shows party data: sign in with a regulator token.", visit: visit,
            status: .unauthorized, signInLink: true)
    }

    /// Entries of a block shown (with their inclusion proofs checked) on one page.
    static let entriesPerPage = 50

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A form body (bounded); nil for another content type or a body over the bound.
    static func formBody(_ request: Request) async -> [String: String]? {
        guard let type = request.headers[.contentType]?.lowercased(),
            type.hasPrefix("application/x-www-form-urlencoded")
        else { return nil }
        var request = request
        guard let buffer = try? await request.collectBody(upTo: ExplorerHTTP.formBytesMax) else { return nil }
        return ExplorerHTTP.form(Array(buffer.readableBytesView))
    }

    static func time(_ ms: UInt64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func day(_ ms: UInt64) -> String { String(time(ms).prefix(10)) }

    func headerContext(_ signed: SignedBlockHeader) throws -> [String: Any] {
        let header = signed.header
        let signer = try store.sequencerKey(afterBlock: header.height)
        return [
            "height": header.height, "time": Self.time(header.timestampMs), "hash": header.hash.hex,
            "prevHash": header.prevHash.hex, "version": header.version, "entryCount": header.entryCount,
            "entriesRoot": header.entriesRoot.hex, "logSize": header.logSize, "logRoot": header.logRoot.hex,
            "stateDigest": header.stateDigest.hex, "listsDigest": header.listsDigest.hex, "signer": signer.hex,
            "signature": signed.signature.hex, "signatureValid": signed.signatureValid(signer: signer),
        ]
    }

    /// Recent blocks, newest first, below `below` when given.
    func blockRows(below: UInt64?, count: Int) throws -> (rows: [[String: Any]], older: UInt64?) {
        let latest = try store.latestHeight()
        let top = min(latest, below.map { $0 == 0 ? 0 : $0 - 1 } ?? latest)
        if let below, below == 0 { return ([], nil) }
        let from = top >= UInt64(count - 1) ? top - UInt64(count - 1) : 0
        let blocks = try store.blocks(from: from, limit: count).filter { $0.header.height <= top }.reversed()
        let rows: [[String: Any]] = blocks.map { signed in
            [
                "height": signed.header.height, "time": Self.time(signed.header.timestampMs),
                "entryCount": signed.header.entryCount, "logSize": signed.header.logSize,
                "shortHash": String(signed.header.hash.hex.prefix(16)) + "…",
            ]
        }
        return (rows, from > 0 ? from : nil)
    }

    func partyName(_ id: PartyID?, _ parties: [PartyID: PartyRecord]) -> String {
        guard let id else { return "unbound key" }
        return parties[id]?.party.name ?? "party \(id)"
    }

    func addExplorerRoutes(to router: Router<BasicRequestContext>) {
        router.get("/explorer/static/explorer.css") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600",
                    HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(string: ExplorerStyle.css)))
        }
        router.get("/explorer") { request, _ in
            let visit = await explorerVisit(request)
            var context: [String: Any] = [:]
            if let head = try store.block(at: try store.latestHeight()) { context["head"] = try headerContext(head) }
            let recent = try blockRows(below: nil, count: 10)
            context["blocks"] = recent.rows
            if let older = recent.older { context["older"] = older }
            if visit.signedIn {
                let state = await settlement.state
                let adopted = try store.adoptionTimes()
                context["lists"] = state.counters.lists.map {
                    [
                        "source": $0.source, "format": $0.format, "entities": $0.entityCount,
                        "hash": $0.contentHash.hex,
                        "adopted": adopted[$0.contentHash].map(Self.time) ?? "",
                    ]
                }
                context["vessels"] = try store.vessels().map { record -> [String: Any] in
                    [
                        "imo": record.vessel.asset.text, "name": record.vessel.name, "flag": record.vessel.flag.code,
                        "status": record.vessel.status.rawValue, "frozen": record.vessel.status == .frozen,
                        "screening": record.screening.rawValue,
                    ]
                }
                context["frozenParties"] = state.parties.values.filter { $0.frozen }.sorted {
                    $0.party.id < $1.party.id
                }
                .prefix(SQLiteStore.explorerRowsMax).map { record -> [String: Any] in
                    ["id": record.party.id.raw, "name": record.party.name, "screening": record.screening.rawValue]
                }
            }
            return try explorerPage("registry", context, visit: visit)
        }
        router.get("/explorer/blocks") { request, _ in
            let visit = await explorerVisit(request)
            var below: UInt64?
            if let text = request.uri.queryParameters.get("below") { below = try Parameter.height(String(text)) }
            let (rows, older) = try blockRows(below: below, count: 50)
            var context: [String: Any] = ["blocks": rows]
            if let older { context["older"] = older }
            return try explorerPage("blocks", context, visit: visit)
        }
        router.get("/explorer/blocks/{height}") { request, context in
            let visit = await explorerVisit(request)
            let height = try Parameter.height(context.parameters.get("height"))
            guard let signed = try store.block(at: height) else {
                return try explorerMessage(
                    "No such block", "There is no block \(height).", visit: visit, status: .notFound)
            }
            // Every entry counts in the entries root, recomputed here; a page of them (50) also has
            // its inclusion proof against the log root checked: bounded work per request.
            let all = try store.entries(inBlock: height)
            let rootMatches = Merkle.root(leafHashes: all.map(\.entry.leafHash)) == signed.header.entriesRoot
            let pages = max(1, (all.count + Self.entriesPerPage - 1) / Self.entriesPerPage)
            var page = 1
            if let text = request.uri.queryParameters.get("page") {
                guard let number = Int(String(text)), (1...pages).contains(number) else {
                    throw Problem.malformed("page is 1 to \(pages)", parameter: "page")
                }
                page = number
            }
            let shown = all.dropFirst((page - 1) * Self.entriesPerPage).prefix(Self.entriesPerPage)
            let entries = try shown.map { stored -> [String: Any] in
                let proof = try store.inclusionProof(leafIndex: stored.leafIndex, treeSize: signed.header.logSize)
                let included =
                    (try? Merkle.verifyInclusion(
                        leafIndex: stored.leafIndex, treeSize: signed.header.logSize,
                        leafHash: stored.entry.leafHash, proof: proof, root: signed.header.logRoot)) != nil
                return [
                    "leaf": stored.leafIndex, "kind": stored.entry.kindName, "id": stored.entry.id.hex,
                    "summary": visit.signedIn ? stored.entry.summary : "", "included": included,
                ]
            }
            var context: [String: Any] = [
                "head": try headerContext(signed), "entries": entries, "rootMatches": rootMatches,
                "entryTotal": all.count, "page": page, "pages": pages, "paged": pages > 1,
            ]
            if page > 1 { context["previousPage"] = page - 1 }
            if page < pages { context["nextPage"] = page + 1 }
            return try explorerPage("block", context, visit: visit)
        }
        addExplorerSignIn(to: router)
        addExplorerRegulatorPages(to: router)
    }

    private func addExplorerSignIn(to router: Router<BasicRequestContext>) {
        router.get("/explorer/sign-in") { request, _ in
            let visit = await explorerVisit(request)
            let token = ExplorerSessions.randomToken()
            return try explorerPage(
                "signIn", ["signInToken": token], visit: visit,
                cookies: [
                    ExplorerHTTP.setCookie(ExplorerHTTP.signInCookie, token, maxAgeSeconds: 600, secure: visit.secure)
                ])
        }
        router.post("/explorer/sign-in") { request, _ in
            let visit = await explorerVisit(request)
            let cookies = ExplorerHTTP.cookies(request.headers[.cookie])
            guard let form = await Self.formBody(request), let csrf = form["csrf"],
                let expected = cookies[ExplorerHTTP.signInCookie], ExplorerHTTP.same(csrf, expected)
            else {
                return try explorerMessage(
                    "Sign-in refused", "The form is stale or was not sent from this site: open the sign-in page again.",
                    visit: visit, status: .forbidden, signInLink: true)
            }
            let role =
                (form["token"]?.utf8.count ?? 0) <= 200 ? try form["token"].flatMap { try store.tokenRole($0) } : nil
            guard let role, role == .regulator || role == .registrar else {
                let token = ExplorerSessions.randomToken()
                return try explorerPage(
                    "signIn",
                    [
                        "signInToken": token,
                        "error": "That token does not sign in: it is unknown, revoked or not a regulator's.",
                    ],
                    visit: visit, status: .unauthorized,
                    cookies: [
                        ExplorerHTTP.setCookie(
                            ExplorerHTTP.signInCookie, token, maxAgeSeconds: 600, secure: visit.secure)
                    ])
            }
            // A new sign-in ends the session the browser held before, if any.
            if let previous = visit.session { await explorer.end(previous.id) }
            let session = await explorer.create(
                role: role.rawValue, tokenHash: Hashing.sha256(Array((form["token"] ?? "").utf8)), nowMs: clock())
            return Self.redirect(
                "/explorer",
                cookies: [
                    ExplorerHTTP.setCookie(
                        ExplorerHTTP.sessionCookie, session.id, maxAgeSeconds: ExplorerSessions.lifetimeSeconds,
                        secure: visit.secure),
                    ExplorerHTTP.setCookie(ExplorerHTTP.signInCookie, "", maxAgeSeconds: 0, secure: visit.secure),
                ])
        }
        router.post("/explorer/sign-out") { request, _ in
            let visit = await explorerVisit(request)
            guard let session = visit.session, let form = await Self.formBody(request), let csrf = form["csrf"],
                ExplorerHTTP.same(csrf, session.csrf)
            else {
                return try explorerMessage(
                    "Sign-out refused", "The form is stale or was not sent from this site.", visit: visit,
                    status: .forbidden)
            }
            await explorer.end(session.id)
            return Self.redirect(
                "/explorer",
                cookies: [
                    ExplorerHTTP.setCookie(ExplorerHTTP.sessionCookie, "", maxAgeSeconds: 0, secure: visit.secure)
                ])
        }
    }
}
