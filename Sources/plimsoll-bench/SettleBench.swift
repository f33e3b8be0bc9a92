import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting

/// `plimsoll-bench settle`: durable settlement of pre-signed transfers against the raw all-core
/// BIP-340 verify rate measured in the same run (DESIGN.md budget: at least 0.7x), and peak RSS
/// with every transfer queued at once (budget: under 1 GiB for 200,000).
struct SettleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "settle", abstract: "Settlement throughput and memory.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Pre-signed transfers.") var transfers = 200_000
    @Option(help: "Holder keys (each sends transfers / keys in nonce order).") var keys = 8190

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = SplitMix64(seed: 7)
        let registrar = SigningKey.generate(using: &rng)
        let store = try RegistryBootstrap.create(
            at: folder.appendingPathComponent(SQLiteStore.fileName), name: "Bench", registrarKey: registrar,
            createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: 604_800
        )
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: Settlement.wallClockMs)
        let holders = (0..<keys).map { _ in SigningKey.generate(using: &rng) }
        try await Self.setUp(settlement, holders)
        let chainID = await settlement.state.chainID
        let rounds = max(1, transfers / keys)
        let expiry = UInt64(Date().timeIntervalSince1970) + 86_400
        var signed: [Entry] = []
        signed.reserveCapacity(rounds * keys)
        for round in 1...rounds {
            for (index, key) in holders.enumerated() {
                let transfer = Transfer(
                    chainID: chainID, asset: Self.asset, from: key.publicKey, to: holders[(index + 1) % holders.count].publicKey,
                    amount: 1, nonce: UInt64(round), expiresAt: expiry
                )
                signed.append(.transfer(transfer.signed(by: key)))
            }
        }
        let verifyRate = Self.rawVerifyRate(signed.prefix(40_000).map { $0 })
        let start = Date()
        var settled = 0
        var rejected = 0
        var rssQueued = 0
        await withTaskGroup(of: Outcome?.self) { group in
            for entry in signed { group.addTask { try? await settlement.submit(entry) } }
            rssQueued = Self.peakRSSMiB()
            for await outcome in group {
                if case .settled? = outcome { settled += 1 } else { rejected += 1 }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let stats = await settlement.stats
        let rate = Double(settled) / seconds
        Report.print("settle (\(signed.count) pre-signed transfers, \(keys) keys, synchronous=FULL)", [
            Figure(name: "raw_verify_allcores", value: verifyRate, unit: "ops/s"),
            Figure(name: "settled_durable", value: rate, unit: "transfers/s", ratio: rate / verifyRate, baseline: "raw verify all cores"),
            Figure(name: "settled", value: Double(settled), unit: "transfers"),
            Figure(name: "rejected", value: Double(rejected), unit: "transfers"),
            Figure(name: "blocks", value: Double(await settlement.latestHeader.header.height), unit: "blocks"),
            Figure(name: "peak_rss_all_queued", value: Double(rssQueued), unit: "MiB", ratio: Double(rssQueued) / 1024, baseline: "1 GiB budget"),
            Figure(name: "peak_rss_end", value: Double(Self.peakRSSMiB()), unit: "MiB"),
            Figure(name: "time_verify", value: stats.verifySeconds, unit: "s"),
            Figure(name: "time_apply_and_sign", value: stats.applySeconds, unit: "s"),
            Figure(name: "time_commit", value: stats.commitSeconds, unit: "s"),
            Figure(name: "time_total", value: seconds, unit: "s"),
        ], json: json)
    }

    static let asset = try! AssetID("IMO9176187")

    static func setUp(_ settlement: Settlement, _ holders: [SigningKey]) async throws {
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: Settlement.wallClockMs() + 86_400_000)]
        _ = try await settlement.submitRegistrar(.setRules(ComplianceRules(maxHoldersPerVessel: 1_000_000, excludedCountries: [], minimumHolding: 0, kycRequired: true)))
        _ = try await settlement.submitRegistrar(.registerParty(PartyRegistration(kind: .organization, name: "Owner", country: try Country("PA"), kycClaims: kyc)))
        try await concurrently(holders.indices.map { index in
            .registerParty(PartyRegistration(kind: .person, name: "Holder \(index)", country: try Country("NO"), kycClaims: kyc))
        }, settlement)
        try await concurrently(holders.enumerated().map { .bindKey($1.publicKey, to: PartyID(UInt64($0) + 2)) }, settlement)
        _ = try await settlement.submitRegistrar(.registerVessel(VesselRegistration(
            asset: asset, name: "Bench", flag: try Country("PA"), type: "tanker", grossTonnage: 1, roles: .init(owner: PartyID(1)),
            units: UInt64(holders.count) * 100
        )))
        try await concurrently(holders.map { .issue(asset, to: $0.publicKey, units: 100) }, settlement)
    }

    static func concurrently(_ actions: [RegistrarAction], _ settlement: Settlement) async throws {
        let outcomes = await withTaskGroup(of: Outcome?.self) { group in
            for action in actions { group.addTask { try? await settlement.submitRegistrar(action) } }
            var all: [Outcome?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let failed = outcomes.filter { if case .settled? = $0 { false } else { true } }
        guard failed.isEmpty else { throw ValidationError("setup failed: \(failed.first!.map { "\($0)" } ?? "intake full")") }
    }

    static func rawVerifyRate(_ entries: [Entry]) -> Double {
        let transfers = entries.compactMap { entry -> SignedTransfer? in if case .transfer(let t) = entry { t } else { nil } }
        return Measure.parallelRate(count: transfers.count) { index in precondition(transfers[index].signatureValid) }
    }

    /// Peak resident set size of this process (VmHWM), in MiB.
    static func peakRSSMiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return -1 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
