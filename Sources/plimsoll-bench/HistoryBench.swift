import ArgumentParser
import Foundation
import Glibc
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting

/// `plimsoll-bench history`: on a registry of (by default) 1,000,000 settled transfers,
/// p50/p99 of cap-table-at-height and party-history queries (budget: p99 < 5 ms), and
/// `verify` throughput of the exported log against the raw all-core verify rate (budget 0.7x).
/// Each rate is set beside the raw verify rate measured right before and right after it (their
/// mean). The verify phase runs alone, as the regulator runs it: the `plimsoll verify` binary
/// built next to this one, in its own process, whose peak RSS is its own (`getrusage`).
struct HistoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "History queries and offline verification at scale.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Settled transfers to build.") var transfers = 1_000_000
    @Option(help: "Holder keys.") var keys = 1000
    @Option(help: "Queries of each kind.") var queries = 2000
    @Option(help: "Keep the registry in this folder instead of a temporary one.") var folder: String?

    func run() async throws {
        let root =
            folder.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: root) } }
        var rng = SplitMix64(seed: 11)
        let registrar = SigningKey.generate(using: &rng)
        let dbURL = root.appendingPathComponent(SQLiteStore.fileName)
        let store = try RegistryBootstrap.create(
            at: dbURL, name: "History Bench", registrarKey: registrar, createdAtMs: Settlement.wallClockMs(),
            maxValiditySeconds: 604_800
        )
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: Settlement.wallClockMs)
        let holders = (0..<keys).map { _ in SigningKey.generate(using: &rng) }
        // Vessels of 64 holders each (DESIGN.md's default holder limit): key i holds units of vessel i / 64.
        let vessels = (0..<((keys + 63) / 64)).map { IMOs.make(900_000 + $0) }
        try await Self.setUp(settlement, holders, vessels)
        let chainID = await settlement.state.chainID
        let rounds = max(1, transfers / keys)
        let probe = Self.probe(holders, chainID: chainID)
        let rawBeforeBuild = SettleBench.rawVerifyRate(probe)
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
                    chunk.append(
                        .transfer(
                            Transfer(
                                chainID: chainID, asset: vessels[group], from: key.publicKey, to: holders[to].publicKey,
                                amount: 1, nonce: UInt64(r), expiresAt: UInt64(Date().timeIntervalSince1970) + 86_400
                            ).signed(by: key)))
                }
            }
            settled += await withTaskGroup(of: Int.self) { group in
                for entry in chunk {
                    group.addTask { if case .settled? = try? await settlement.submit(entry) { 1 } else { 0 } }
                }
                return await group.reduce(0, +)
            }
            round = last + 1
        }
        let buildSeconds = Date().timeIntervalSince(buildStart)
        let rawAfterBuild = SettleBench.rawVerifyRate(probe)
        let buildBaseline = (rawBeforeBuild + rawAfterBuild) / 2
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
        // An entry by its id (a receipt looked up later): one probe per epoch of `entry_ids`.
        let logSize = try store.block(at: latest)?.header.logSize ?? 0
        let idTimes = try (0..<queries).map { _ in
            let leaf = rng.next() % max(logSize, 1)
            let id = try store.entries(fromLeaf: leaf, limit: 1)[0].entry.id
            return try Self.time {
                let found = try store.entry(id: id)
                precondition(found?.leafIndex == leaf, "the entry at leaf \(leaf) is found by its id")
            }
        }
        let logFile = root.appendingPathComponent("export.plimsoll")
        let exportSeconds = try Self.time { _ = try LogExport.write(store, to: logFile) }
        let rawBeforeVerify = SettleBench.rawVerifyRate(probe)
        let verified = try Self.verifyInItsOwnProcess(logFile)
        let rawAfterVerify = SettleBench.rawVerifyRate(probe)
        let verifyBaseline = (rawBeforeVerify + rawAfterVerify) / 2
        let verifyRate = Double(logSize) / verified.seconds
        Report.print(
            "history (\(settled) settled transfers, \(logSize) entries, \(latest) blocks)",
            [
                Figure(name: "raw_verify_before_build", value: rawBeforeBuild, unit: "ops/s"),
                Figure(
                    name: "build_settled_per_s", value: Double(settled) / buildSeconds, unit: "transfers/s",
                    ratio: Double(settled) / buildSeconds / buildBaseline, baseline: "raw verify, mean before/after"),
                Figure(name: "raw_verify_after_build", value: rawAfterBuild, unit: "ops/s"),
                Figure(name: "cap_table_at_height_p50", value: Self.percentile(capTimes, 0.5) * 1000, unit: "ms"),
                Figure(
                    name: "cap_table_at_height_p99", value: Self.percentile(capTimes, 0.99) * 1000, unit: "ms",
                    ratio: Self.percentile(capTimes, 0.99) * 1000 / 5, baseline: "5 ms budget"),
                Figure(name: "party_history_p50", value: Self.percentile(historyTimes, 0.5) * 1000, unit: "ms"),
                Figure(
                    name: "party_history_p99", value: Self.percentile(historyTimes, 0.99) * 1000, unit: "ms",
                    ratio: Self.percentile(historyTimes, 0.99) * 1000 / 5, baseline: "5 ms budget"),
                Figure(name: "entry_by_id_p50", value: Self.percentile(idTimes, 0.5) * 1000, unit: "ms"),
                Figure(
                    name: "entry_by_id_p99", value: Self.percentile(idTimes, 0.99) * 1000, unit: "ms",
                    ratio: Self.percentile(idTimes, 0.99) * 1000 / 5, baseline: "5 ms read budget"),
                Figure(name: "export_seconds", value: exportSeconds, unit: "s"),
                Figure(name: "raw_verify_before_verify", value: rawBeforeVerify, unit: "ops/s"),
                Figure(
                    name: "verify_entries_per_s", value: verifyRate, unit: "entries/s",
                    ratio: verifyRate / verifyBaseline, baseline: "raw verify all cores, mean before/after"),
                Figure(name: "raw_verify_after_verify", value: rawAfterVerify, unit: "ops/s"),
                Figure(
                    name: "verify_process_peak_rss", value: verified.peakRSSMiB, unit: "MiB",
                    ratio: verified.peakRSSMiB / 256, baseline: "256 MiB budget (the verify process alone)"),
            ], json: json)
    }

    /// Signed transfers for the raw verify baseline (never submitted: nonces far ahead).
    static func probe(_ holders: [SigningKey], chainID: Hash32) -> [Entry] {
        (0..<20_000).map { index in
            let key = holders[index % holders.count]
            return .transfer(
                Transfer(
                    chainID: chainID, asset: IMOs.make(900_000), from: key.publicKey,
                    to: holders[(index + 1) % holders.count].publicKey,
                    amount: 1, nonce: 1 << 40 + UInt64(index), expiresAt: 1
                ).signed(by: key))
        }
    }

    /// Runs `plimsoll verify` (built beside this binary) on the log, in its own process: its wall
    /// time, and its own peak RSS. The peak is the child's `VmHWM`, read from /proc while it runs:
    /// `getrusage(RUSAGE_CHILDREN)` would also count the pages the child shared with this (large)
    /// process between fork and exec.
    static func verifyInItsOwnProcess(_ log: URL) throws -> (seconds: Double, peakRSSMiB: Double) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "plimsoll")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw ValidationError(
                "build plimsoll next to plimsoll-bench first: swift build -c release --product plimsoll")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["verify", log.path, "--json"]
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        var peakKiB = 0
        while process.isRunning {
            // Only once the child runs plimsoll itself: before exec it is a copy of this process.
            if let exe = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/\(process.processIdentifier)/exe"),
                exe.hasSuffix("/plimsoll"),
                let kib = Measure.peakRSSKiB(of: "\(process.processIdentifier)")
            {
                peakKiB = max(peakKiB, kib)
            }
            usleep(10_000)
        }
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            throw ValidationError("plimsoll verify failed (\(process.terminationStatus))")
        }
        return (seconds, Double(peakKiB) / 1024)
    }

    /// Holders of 100 units each, 64 to a vessel (`RegistrySeed`).
    static func setUp(_ settlement: Settlement, _ holders: [SigningKey], _ vessels: [AssetID]) async throws {
        _ = try await RegistrySeed.seed(
            settlement, holders: holders.enumerated().map { ("Holder \($0)", $1) },
            vessels: vessels.map { ($0, 6400) },
            issues: holders.indices.map { RegistrySeed.Issue(vessel: vessels[$0 / 64], holder: $0, units: 100) },
            kycUntilMs: Settlement.wallClockMs() + 86_400_000
        )
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
