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
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info(
            "\(request.method) \(context.endpointPath ?? request.uri.path) \(status)",
            metadata: [
                "http.status": "\(status)", "http.duration_ms": "\(String(format: "%.2f", ms))",
                "http.route": "\(context.endpointPath ?? "-")",
            ]
        )
    }
}
