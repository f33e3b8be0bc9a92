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
    private let unattributed: Gauge
    private let failedCommits: Gauge
    private let ready: Gauge

    init() {
        blocks = registry.makeGauge(name: "plimsoll_blocks", help: "Blocks committed since the server started.")
        entries = registry.makeGauge(name: "plimsoll_entries_taken", help: "Entries taken from intake since the server started.")
        pending = registry.makeGauge(name: "plimsoll_intake_pending", help: "Entries waiting in intake.")
        height = registry.makeGauge(name: "plimsoll_height", help: "Latest block height.")
        verifySeconds = registry.makeGauge(name: "plimsoll_settle_seconds", labels: [("phase", "verify")], help: "Time spent settling, by phase.")
        applySeconds = registry.makeGauge(name: "plimsoll_settle_seconds", labels: [("phase", "apply")], help: "Time spent settling, by phase.")
        commitSeconds = registry.makeGauge(name: "plimsoll_settle_seconds", labels: [("phase", "commit")], help: "Time spent settling, by phase.")
        unattributed = registry.makeGauge(
            name: "plimsoll_rejections_unattributed_total",
            help: "Rejected entries not kept in the audit (no valid signature from a bound key) since the server started."
        )
        failedCommits = registry.makeGauge(name: "plimsoll_commit_failures_total", help: "Commits that failed (disk full, I/O error) since the server started.")
        ready = registry.makeGauge(name: "plimsoll_ready", help: "1 while blocks can be committed, 0 while commits fail.")
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
        unattributed.set(Double(stats.unattributedRejections))
        failedCommits.set(Double(stats.failedCommits))
        let isReady = await settlement.isReady
        ready.set(isReady ? 1.0 : 0.0)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
