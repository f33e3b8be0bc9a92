import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting

/// `plimsoll-bench history`: on a registry of (by default) 1,000,000 settled transfers,
/// p50/p99 of cap-table-at-height and party-history queries (budget: p99 < 5 ms), and
/// `verify` throughput of the exported log against the raw all-core verify rate (budget 0.7x).
struct HistoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "History queries and offline verification at scale.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Settled transfers to build.") var transfers = 1_000_000
    @Option(help: "Holder keys.") var keys = 1000
    @Option(help: "Queries of each kind.") var queries = 2000
    @Option(help: "Keep the registry in this folder instead of a temporary one.") var folder: String?

    func run() async throws {
        let root = folder.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: root) } }
        var rng = SplitMix64(seed: 11)
        let registrar = SigningKey.generate(using: &rng)
        let dbURL = root.appendingPathComponent(SQLiteStore.fileName)
        let store = try RegistryBootstrap.create(
            at: dbURL, name: "History Bench", registrarKey: registrar, createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: 604_800
        )
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: Settlement.wallClockMs)
        let holders = (0..<keys).map { _ in SigningKey.generate(using: &rng) }
        // Vessels of 64 holders each (DESIGN.md's default holder limit): key i holds units of vessel i / 64.
        let vessels = (0..<((keys + 63) / 64)).map { IMOs.make(900_000 + $0) }
        try await Self.setUp(settlement, holders, vessels)
        let chainID = await settlement.state.chainID
        let rounds = max(1, transfers / keys)
        let buildStart = Date()
        var settled = 0
        var round = 1
        while round <= rounds {
            let last = min(rounds, round + 49)
            var chunk: [Entry] = []
            for r in round...last {
                for (index, key) in holders.enumerated() {
                    let group = index / 64
                    let size = min(64, holders.count - group * 64)
                    let to = group * 64 + (index - group * 64 + 1 + r % max(1, size - 1)) % size
                    chunk.append(.transfer(Transfer(
                        chainID: chainID, asset: vessels[group], from: key.publicKey, to: holders[to].publicKey,
                        amount: 1, nonce: UInt64(r), expiresAt: UInt64(Date().timeIntervalSince1970) + 86_400
                    ).signed(by: key)))
                }
            }
            settled += await withTaskGroup(of: Int.self) { group in
                for entry in chunk { group.addTask { if case .settled? = try? await settlement.submit(entry) { 1 } else { 0 } } }
                return await group.reduce(0, +)
            }
            round = last + 1
        }
        let buildSeconds = Date().timeIntervalSince(buildStart)
        let latest = try store.latestHeight()
        let partyIDs = (0..<keys).map { PartyID(UInt64($0) + 2) }
        let capTimes = try (0..<queries).map { _ in
            let height = 1 + rng.next() % latest
            let vessel = vessels[Int(rng.next() % UInt64(vessels.count))]
            return try Self.time { _ = try store.capTable(vessel, at: height) }
        }
        let historyTimes = try (0..<queries).map { _ in
            let party = partyIDs[Int(rng.next() % UInt64(partyIDs.count))]
            return try Self.time { _ = try store.partyHoldingHistory(party, limit: 100) }
        }
        let logFile = root.appendingPathComponent("export.plimsoll")
        let exportSeconds = try Self.time { _ = try LogExport.write(store, to: logFile) }
        let sample = try store.entries(fromLeaf: try store.latestHeight() > 0 ? 100_000 : 0, limit: 40_000).map(\.entry)
        let rawVerify = SettleBench.rawVerifyRate(sample)
        let rssBefore = SettleBench.peakRSSMiB()
        let verifyStart = Date()
        let report = try await LogVerification.verify(logFile)
        let verifySeconds = Date().timeIntervalSince(verifyStart)
        let verifyRate = Double(report.logSize) / verifySeconds
        Report.print("history (\(settled) settled transfers, \(report.logSize) entries, \(latest) blocks)", [
            Figure(name: "raw_verify_allcores", value: rawVerify, unit: "ops/s"),
            Figure(name: "build_settled_per_s", value: Double(settled) / buildSeconds, unit: "transfers/s", ratio: Double(settled) / buildSeconds / rawVerify, baseline: "raw verify"),
            Figure(name: "cap_table_at_height_p50", value: Self.percentile(capTimes, 0.5) * 1000, unit: "ms"),
            Figure(name: "cap_table_at_height_p99", value: Self.percentile(capTimes, 0.99) * 1000, unit: "ms", ratio: Self.percentile(capTimes, 0.99) * 1000 / 5, baseline: "5 ms budget"),
            Figure(name: "party_history_p50", value: Self.percentile(historyTimes, 0.5) * 1000, unit: "ms"),
            Figure(name: "party_history_p99", value: Self.percentile(historyTimes, 0.99) * 1000, unit: "ms", ratio: Self.percentile(historyTimes, 0.99) * 1000 / 5, baseline: "5 ms budget"),
            Figure(name: "export_seconds", value: exportSeconds, unit: "s"),
            Figure(name: "verify_entries_per_s", value: verifyRate, unit: "entries/s", ratio: verifyRate / rawVerify, baseline: "raw verify all cores"),
            Figure(name: "verify_peak_rss", value: Double(SettleBench.peakRSSMiB()), unit: "MiB", ratio: Double(rssBefore), baseline: "MiB before verify"),
        ], json: json)
    }

    static func setUp(_ settlement: Settlement, _ holders: [SigningKey], _ vessels: [AssetID]) async throws {
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: Settlement.wallClockMs() + 86_400_000)]
        _ = try await settlement.submitRegistrar(.registerParty(PartyRegistration(kind: .organization, name: "Owner", country: try Country("PA"), kycClaims: kyc)))
        try await SettleBench.concurrently(holders.indices.map { index in
            .registerParty(PartyRegistration(kind: .person, name: "Holder \(index)", country: try Country("NO"), kycClaims: kyc))
        }, settlement)
        try await SettleBench.concurrently(holders.enumerated().map { .bindKey($1.publicKey, to: PartyID(UInt64($0) + 2)) }, settlement)
        try await SettleBench.concurrently(vessels.map { vessel in
            .registerVessel(VesselRegistration(asset: vessel, name: "Bench \(vessel.digits)", flag: try Country("PA"), type: "tanker", grossTonnage: 1, roles: .init(owner: PartyID(1)), units: 6400))
        }, settlement)
        try await SettleBench.concurrently(holders.enumerated().map { .issue(vessels[$0 / 64], to: $1.publicKey, units: 100) }, settlement)
    }

    static func time(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}
