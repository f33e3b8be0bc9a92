import Foundation
import PlimsollCore
import PlimsollSettlement
import Prometheus

/// `/metrics`: settlement's figures in Prometheus text format through swift-prometheus. The
/// gauges are set from settlement's counters at each scrape, so nothing grows between scrapes.
final class RegistryMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let blocks: Gauge
    private let entries: Gauge
    private let pending: Gauge
    private let height: Gauge
    private let verifySeconds: Gauge
    private let applySeconds: Gauge
    private let commitSeconds: Gauge

    init() {
        blocks = registry.makeGauge(name: "plimsoll_blocks", help: "Blocks committed since the server started.")
        entries = registry.makeGauge(name: "plimsoll_entries_taken", help: "Entries taken from intake since the server started.")
        pending = registry.makeGauge(name: "plimsoll_intake_pending", help: "Entries waiting in intake.")
        height = registry.makeGauge(name: "plimsoll_height", help: "Latest block height.")
        verifySeconds = registry.makeGauge(name: "plimsoll_settle_seconds", labels: [("phase", "verify")], help: "Time spent settling, by phase.")
        applySeconds = registry.makeGauge(name: "plimsoll_settle_seconds", labels: [("phase", "apply")], help: "Time spent settling, by phase.")
        commitSeconds = registry.makeGauge(name: "plimsoll_settle_seconds", labels: [("phase", "commit")], help: "Time spent settling, by phase.")
    }

    func text(_ settlement: Settlement) async -> String {
        let stats = await settlement.stats
        blocks.set(Double(stats.blocks))
        entries.set(Double(stats.entries))
        pending.set(Double(await settlement.pendingCount))
        height.set(Double(await settlement.latestHeader.header.height))
        verifySeconds.set(stats.verifySeconds)
        applySeconds.set(stats.applySeconds)
        commitSeconds.set(stats.commitSeconds)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
