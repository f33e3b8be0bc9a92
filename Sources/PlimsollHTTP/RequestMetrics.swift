import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Request metrics by route, method and status: the figures of Hummingbird's `MetricsMiddleware`,
/// under the same names (`MetricsBackend` turns them into Prometheus ones), recorded when the
/// handler has answered rather than after the body's last byte went out.
///
/// Why not Hummingbird's own: to record after the write it wraps every response body in a
/// closure, and a closure body loses Hummingbird's one-write path for a body held in one buffer.
/// Every answer then went out as two writes (head, then body), each its own hop to the event
/// loop and its own system call down the whole TCP path: about a tenth of the server's time per
/// transfer at 64 connections (issue 13, Docs/benchmarks.md). Every route here answers from one
/// buffer, so the two instants differ by a buffered write.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = RequestMetricsCache()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let route = cache.route(context.endpointPath ?? "Unknown", request.method, response.status)
            route.requests.increment()
            route.errors?.increment()
            route.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = cache.route(context.endpointPath ?? "NotFound", request.method, status)
            route.requests.increment()
            route.errors?.increment()
            throw error
        }
    }
}

/// The metric handles of each route, method and status seen, made once: a lookup under a lock
/// costs less than asking the factory again at every request. Bounded by the router's routes
/// times the methods and statuses they answer with (an unknown path counts as "NotFound").
final class RequestMetricsCache: Sendable {
    struct Route: Sendable {
        let requests: Counter
        let duration: Metrics.Timer
        /// For a status of 400 or more only: a refusal, whether it was thrown or answered as a
        /// problem. Hummingbird's counted the thrown ones alone, and missed the read routes'
        /// refusals, which `HeightMiddleware` turns into answers.
        let errors: Counter?
    }

    private struct RouteID: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private let routes = Mutex<[RouteID: Route]>([:])
    private let actives = Mutex<[HTTPRequest.Method: Meter]>([:])

    func active(_ method: HTTPRequest.Method) -> Meter {
        actives.withLock { actives in
            if let meter = actives[method] { return meter }
            let meter = Meter(
                label: "http.server.active_requests", dimensions: [("http.request.method", method.description)])
            actives[method] = meter
            return meter
        }
    }

    func route(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> Route {
        let id = RouteID(route: route, method: method, status: status.code)
        return routes.withLock { routes in
            if let known = routes[id] { return known }
            let endpoint = [("http.route", route), ("http.request.method", method.description)]
            let dimensions = endpoint + [("http.response.status_code", "\(status.code)")]
            let made = Route(
                requests: Counter(label: "hb.requests", dimensions: dimensions),
                duration: Metrics.Timer(
                    label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                errors: status.code < 400
                    ? nil
                    : Counter(label: "hb.request.errors", dimensions: endpoint + [("error.type", "\(status.code)")])
            )
            routes[id] = made
            return made
        }
    }
}
