import Foundation
import Hummingbird
import Logging

/// One access-log line per request, after it is answered: method, route, status and duration,
/// with the request id Hummingbird puts in the request's logger (`hb.request.id`), so every line
/// a request writes can be joined to this one. Never headers or bodies: tokens and signatures
/// stay out of the log.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status.code, start)
            throw error
        } catch {
            log(request, context, status: 500, start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, _ start: ContinuousClock.Instant) {
        context.logger.info(
            "\(request.method) \(context.endpointPath ?? request.uri.path) \(status)",
            metadata: [
                "http.status": "\(status)", "http.duration_ms": "\(Self.milliseconds(ContinuousClock.now - start))",
                "http.route": "\(context.endpointPath ?? "-")",
            ]
        )
    }

    /// `12.34`: milliseconds with two decimals, rounded down (without Foundation's `String(format:)`,
    /// which cost as much as the rest of the line).
    static func milliseconds(_ elapsed: Duration) -> String {
        let (seconds, attoseconds) = elapsed.components
        let hundredths = max(0, seconds * 100_000 + attoseconds / 10_000_000_000_000)
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
