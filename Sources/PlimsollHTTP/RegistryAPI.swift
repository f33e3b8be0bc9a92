public import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
public import PlimsollSettlement
public import PlimsollStore

/// The HTTP API of one registry (DESIGN.md: Reads, Canonical transfer). Handlers decode, call,
/// encode; every refusal is a `Problem`.
public struct RegistryAPI: Sendable {
    public let settlement: any RegistryService
    public let store: SQLiteStore
    /// The registry folder, for the adopted lists behind `POST /v1/screen` (nil: no screening).
    public let folder: URL?
    public let clock: @Sendable () -> UInt64
    let metrics = RegistryMetrics()
    let screeners = ScreenerCache()
    let uploadGate = ListUploadGate()
    let explorer = ExplorerSessions()

    /// Request bodies above this size are refused with 413.
    public static let bodyBytesMax = 1 << 20
    /// Page size bound of paginated lists.
    public static let pageSizeMax = 500
    /// Page size when `?limit=` is absent.
    public static let pageSizeDefault = 100

    public init(
        settlement: any RegistryService, store: SQLiteStore, folder: URL?,
        clock: @escaping @Sendable () -> UInt64 = Settlement.wallClockMs
    ) {
        self.settlement = settlement
        self.store = store
        self.folder = folder
        self.clock = clock
    }

    /// Builds the screening index over the lists in force now, so the first `POST /v1/screen`
    /// does not pay for parsing the lists (about a second for OFAC SDN and UN). Returns the
    /// seconds it took, or nil when no list is adopted.
    public func warmScreening() async throws -> Double? {
        guard let folder else { return nil }
        let start = ContinuousClock.now
        guard try await screeners.screener(folder: folder, lists: await settlement.durableLists) != nil else {
            return nil
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        _ = MetricsBackend.registry  // swift-metrics bootstrapped before the first request is counted
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: RequestMetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: CredentialsMiddleware(api: self))
        router.add(middleware: HeightMiddleware(settlement: settlement))
        addPublicRoutes(to: router)
        addTransferRoutes(to: router)
        addKeyRoutes(to: router)
        addStateProofRoutes(to: router)
        addRegulatorRoutes(to: router)
        addScreenRoute(to: router)
        addRegistrarRoutes(to: router)
        addListUploadRoute(to: router)
        addTokenRoute(to: router)
        addExplorerRoutes(to: router)
        return router
    }

    func caller(_ request: Request) throws -> Caller {
        try Authentication.caller(request, store: store, nowSeconds: clock() / 1000)
    }

    func requireRegulator(_ request: Request) throws {
        let caller = try caller(request)
        guard caller != .anonymous else { throw Problem.unauthorized }
        guard caller.isRegulator else { throw Problem.forbidden }
    }

    /// The body as bytes: JSON content type required (415), size bounded (413).
    static func jsonBody(_ request: Request) async throws -> [UInt8] {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/json") else {
            throw Problem(.unsupportedMediaType, .unsupportedMediaType, "send Content-Type: application/json")
        }
        return try await body(request, upTo: bodyBytesMax, what: "request bodies")
    }

    /// The body as bytes, at most `bytes` of them (413 naming `what` beyond).
    static func body(_ request: Request, upTo bytes: Int, what: String) async throws -> [UInt8] {
        var request = request
        do { return Array(try await request.collectBody(upTo: bytes).readableBytesView) } catch {
            throw Problem(.contentTooLarge, .bodyTooLarge, "\(what) are limited to \(bytes) bytes")
        }
    }

    static func parseJSON(_ bytes: [UInt8]) throws -> JSONValue {
        do { return try StrictJSON.parse(bytes) } catch {
            throw Problem.malformed("invalid JSON at byte \(error.offset): \(error.message)", pointer: error.pointer)
        }
    }
}

/// Credentials, when a request carries any, must be valid on every route, public ones included:
/// a bad token or signature is a 401, never silently ignored.
struct CredentialsMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let api: RegistryAPI

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.headers[.authorization] != nil || request.headers[.plimsollKey] != nil
            || request.headers[.plimsollSignature] != nil
        {
            _ = try api.caller(request)
        }
        return try await next(request, context)
    }
}

/// Every read names the block it reflects (`Plimsoll-Height`), refusals included: the latest
/// block of the registry when the request came in, which the answer holds at least. On a node of
/// a PostgreSQL registry that is the block its mirror holds, which may trail the sequencer by a
/// moment.
struct HeightMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let settlement: any RegistryService

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        let height = await settlement.latestHeader.header.height
        var response: Response
        do { response = try await next(request, context) } catch let problem as Problem {
            // "Not found at this height" is an answer about a height too.
            response = try problem.response(from: request, context: context)
        }
        response.headers[.plimsollHeight] = String(height)
        return response
    }
}

/// Maps errors that are not problems yet: Hummingbird's own HTTP errors keep their status as a
/// problem; anything unknown is a bare 500 with nothing internal in it.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as HTTPError {
            let code: ProblemCode =
                error.status == .notFound
                ? .notFound : error.status == .methodNotAllowed ? .methodNotAllowed : .httpError
            throw Problem(error.status, code, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw Problem(error.status, .httpError, error.status.reasonPhrase)
        } catch {
            context.logger.error("internal error: \(error)")
            throw Problem(.internalServerError, .internal, "internal error")
        }
    }
}
