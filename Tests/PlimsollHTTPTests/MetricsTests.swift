import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlimsollHTTP
import Testing

/// `/metrics` follows Prometheus conventions: monotonic figures are counters named `_total`,
/// durations are histograms (settlement's phases per batch, requests by route and status), and
/// states are gauges.
struct MetricsTests {
    @Test func countersHistogramsAndRequestMetricsAfterATransfer() async throws {
        let f = try await HTTPFixture()
        try await f.app.test(.router) { client in
            let before = try await client.execute(uri: "/metrics", method: .get).text
            let posted = try await client.execute(
                uri: "/v1/transfers", method: .post, headers: HTTPFixture.json,
                body: ByteBuffer(string: f.transferJSON(f.alice, to: f.bob, nonce: 1)))
            #expect(posted.status == .ok, "\(posted.text)")
            _ = try await client.execute(uri: "/v1/blocks/999999", method: .get)
            _ = try await client.execute(uri: "/v1/no-such-route", method: .get)
            let scrape = try await client.execute(uri: "/metrics", method: .get)
            #expect(scrape.status == .ok)
            let text = scrape.text
            for family in ["plimsoll_blocks_total", "plimsoll_entries_total"] {
                #expect(text.contains("# TYPE \(family) counter"), "\(family) is a counter")
                #expect(Self.sample(text, family) >= 1, "\(family) counted the block")
            }
            #expect(text.contains("# TYPE plimsoll_settle_phase_seconds histogram"))
            for phase in ["verify", "apply", "commit"] {
                #expect(text.contains("plimsoll_settle_phase_seconds_count{phase=\"\(phase)\"}"), "phase \(phase)")
            }
            #expect(text.contains("# TYPE plimsoll_height gauge"))
            #expect(text.contains("# TYPE plimsoll_ready gauge"))
            #expect(text.contains("# TYPE http_server_request_duration_seconds histogram"))
            #expect(text.contains("# TYPE http_server_requests_total counter"))
            let requests = text.split(separator: "\n").filter { $0.hasPrefix("http_server_request") }
            #expect(
                requests.contains {
                    $0.hasPrefix("http_server_request_duration_seconds_count")
                        && $0.contains("http_route=\"/v1/transfers\"")
                        && $0.contains("http_response_status_code=\"200\"")
                })
            #expect(
                requests.contains {
                    $0.hasPrefix("http_server_requests_total") && $0.contains("http_response_status_code=\"404\"")
                })
            // The registry is shared by every suite of the process, and they run in parallel:
            // what this test adds is read as a difference, never as an absolute count.
            let answeredRefusal = ["http_route=\"/v1/blocks/{height}\"", "error_type=\"404\""]
            #expect(
                Self.sample(text, "http_server_request_errors_total", answeredRefusal)
                    >= Self.sample(before, "http_server_request_errors_total", answeredRefusal) + 1,
                "an answered refusal is counted as an error too")
            let unrouted = ["http_route=\"NotFound\"", "error_type=\"404\""]
            #expect(
                Self.sample(text, "http_server_request_errors_total", unrouted)
                    >= Self.sample(before, "http_server_request_errors_total", unrouted) + 1,
                "a path no route holds is counted under NotFound, as Hummingbird did")
            #expect(
                !requests.contains {
                    $0.hasPrefix("http_server_request_errors_total") && $0.contains("error_type=\"200\"")
                },
                "an answer that is no refusal makes no error series")
            let settled = [
                "http_route=\"/v1/transfers\"", "http_request_method=\"POST\"", "http_response_status_code=\"200\"",
            ]
            #expect(
                Self.sample(text, "http_server_requests_total", settled)
                    >= Self.sample(before, "http_server_requests_total", settled) + 1,
                "the transfer is counted")
            #expect(text.contains("# TYPE http_server_active_requests gauge"))
            #expect(!text.contains("plimsoll_entries_taken"), "the old gauge names are gone")
        }
    }

    /// The value of the first series of `family` whose labels include every one of `labels` (a
    /// family without labels: none given); 0 when there is none yet.
    static func sample(_ scrape: String, _ family: String, _ labels: [String] = []) -> Double {
        let line = scrape.split(separator: "\n").first { line in
            (line.hasPrefix(family + "{") || line.hasPrefix(family + " ")) && labels.allSatisfy { line.contains($0) }
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }
}
