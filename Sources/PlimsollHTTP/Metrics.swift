import Foundation
import Metrics
import PlimsollCore
import PlimsollSettlement
import Prometheus

/// The process's one Prometheus registry behind swift-metrics, bootstrapped the first time an
/// API is made, so that everything recorded through the swift-metrics facade (settlement's
/// counters and phase histograms, Hummingbird's request metrics) and the gauges below come out of
/// the same `/metrics`. swift-metrics takes one bootstrap per process; this is it.
enum MetricsBackend {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Requests answer in milliseconds, blocks commit in milliseconds to seconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
            .seconds(5),
        ]
        // Prometheus names: Hummingbird's dotted labels become snake case, its counters end in
        // `_total` and its duration histogram names its unit.
        factory.nameAndLabelSanitizer = { name, labels in
            let renamed =
                switch name {
                case "hb.requests": "http_server_requests_total"
                case "hb.request.errors": "http_server_request_errors_total"
                case "http.server.request.duration": "http_server_request_duration_seconds"
                default: name
                }
            return (
                renamed.replacingOccurrences(of: ".", with: "_"),
                labels.map { ($0.replacingOccurrences(of: ".", with: "_"), $1) }
            )
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// `/metrics` in Prometheus text format. Counters (`_total`) and histograms are recorded as
/// things happen, through swift-metrics (`Settlement`, `RequestMetricsMiddleware`); the gauges here are
/// states, set from settlement at each scrape, so nothing grows between scrapes.
final class RegistryMetrics: Sendable {
    private let registry = MetricsBackend.registry
    private let pending: Prometheus.Gauge
    private let height: Prometheus.Gauge
    private let undurable: Prometheus.Gauge
    private let ready: Prometheus.Gauge

    init() {
        let registry = MetricsBackend.registry
        func gauge(_ name: String, _ unit: String, _ help: String) -> Prometheus.Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "plimsoll", metricName: name, unitName: unit, helpText: help))
        }
        pending = gauge("intake_pending", "entries", "Entries waiting in intake.")
        height = gauge("height", "", "Height of the last durable block.")
        undurable = gauge("blocks_undurable", "", "Blocks applied and not yet durable (at most 2).")
        ready = gauge("ready", "", "1 while blocks can be committed, 0 while commits fail.")
    }

    func text(_ settlement: any RegistryService) async -> String {
        pending.set(Double(await settlement.pendingCount))
        height.set(Double(await settlement.latestHeader.header.height))
        undurable.set(Double(await settlement.undurableBlocks))
        ready.set(await settlement.isReady ? 1.0 : 0.0)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
