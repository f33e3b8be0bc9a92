import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import PostgresNIO

/// `plimsoll-bench settle`: durable settlement of pre-signed transfers against the raw all-core
/// BIP-340 verify rate, measured right before and right after the figure in the same run (their
/// mean is the baseline: the machine is shared and noisy), and peak RSS with every transfer
/// queued at once (budget: under 1 GiB for 200,000), counted from the start of the settle phase
/// (the set-up's own peak is reported apart).
///
/// `--registry-holders 10000,1000000` settles the same workload on registries of those sizes
/// (the active senders plus idle holders of a second vessel) and reports the rate of the largest
/// against the smallest: the cost of a block must not grow with the registry (within 10 %).
struct SettleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle", abstract: "Settlement throughput and memory.")

    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "Pre-signed transfers.") var transfers = 200_000
    @Option(help: "Holder keys that send (each sends transfers / keys in nonce order).") var keys = 8190
    @Option(
        help: "Submit in batches of this many entries (as POST /v1/transfers/batch does); 1: one task per transfer.")
    var batch = 1
    @Option(
        help:
            "Registry sizes to compare, in holders (senders included), comma-separated; idle holders hold one unit of a second vessel.",
        transform: { text in
            try text.split(separator: ",").map {
                guard let n = Int($0), n > 0 else { throw ValidationError("bad size \($0)") }
                return n
            }
        }
    ) var registryHolders: [Int] = []
    @Option(
        help:
            "A PostgreSQL server (postgresql://USER:PASSWORD@HOST:PORT/DATABASE) to settle on as well, beside SQLite: a fresh database is made there and dropped after."
    )
    var database: String?
    @Flag(
        help:
            "With --database, settle once more with the transfers handed over by a second node through the database's intake (issue 17)."
    )
    var handOff = false
    @Flag(
        help:
            "With --database, a node's mirror (LogMirror) follows the database: caught up before the settle phase, then timed taking the settle phase's blocks."
    )
    var mirror = false

    func run() async throws {
        let sizes = registryHolders.isEmpty ? [keys] : registryHolders.sorted()
        guard sizes.allSatisfy({ $0 >= keys && $0 - keys <= Int(Limits.vesselUnitsMax) }) else {
            throw ValidationError(
                "each registry size must be at least --keys and at most --keys + \(Limits.vesselUnitsMax)")
        }
        var figures: [Figure] = []
        var rates: [(size: Int, rate: Double, ratio: Double)] = []
        var mirrorRates: [(size: Int, ratio: Double)] = []
        var backends: [(database: String?, handOff: Bool)] = [(nil, false)]
        if let database { backends.append((database, false)) }
        if let database, handOff { backends.append((database, true)) }
        for size in sizes {
            for backend in backends {
                let follows = mirror && backend.database != nil && !backend.handOff
                let run = try await Self.settle(
                    transfers: transfers, keys: keys, idle: size - keys, batch: batch, database: backend.database,
                    handOff: backend.handOff, mirror: follows)
                let suffix =
                    (registryHolders.isEmpty ? "" : "@\(size)") + (backend.database == nil ? "" : "@postgresql")
                    + (backend.handOff ? "+handoff" : "")
                    + (follows ? "+mirror" : "")
                if backend.database == nil { rates.append((size, run.rate, run.rate / run.baseline)) }
                figures += [
                    Figure(name: "raw_verify_before" + suffix, value: run.before, unit: "ops/s"),
                    Figure(
                        name: "settled_durable" + suffix, value: run.rate, unit: "transfers/s",
                        ratio: run.rate / run.baseline, baseline: "raw verify all cores (mean before/after)"),
                    Figure(name: "raw_verify_after" + suffix, value: run.after, unit: "ops/s"),
                    Figure(name: "settled" + suffix, value: Double(run.settled), unit: "transfers"),
                    Figure(name: "rejected" + suffix, value: Double(run.rejected), unit: "transfers"),
                    Figure(name: "blocks" + suffix, value: Double(run.stats.blocks), unit: "blocks"),
                    Figure(name: "rss_registry_state" + suffix, value: Double(run.rssState), unit: "MiB"),
                    Figure(name: "rss_at_settle_start" + suffix, value: Double(run.rssAtStart), unit: "MiB"),
                    Figure(
                        name: (run.peakReset ? "peak_rss_all_queued" : "peak_rss_all_queued_with_setup") + suffix,
                        value: Double(run.rssQueued), unit: "MiB", ratio: Double(run.rssQueued) / 1024,
                        baseline: "1 GiB budget"),
                    Figure(
                        name: (run.peakReset ? "peak_rss_settle_phase" : "peak_rss_with_setup") + suffix,
                        value: Double(run.rssPhasePeak), unit: "MiB", ratio: Double(run.rssPhasePeak) / 1024,
                        baseline: "1 GiB budget"),
                    Figure(name: "peak_rss_setup" + suffix, value: Double(run.rssSetupPeak), unit: "MiB"),
                    Figure(name: "time_verify_wait" + suffix, value: run.stats.verifySeconds, unit: "s"),
                    Figure(name: "time_apply_and_sign" + suffix, value: run.stats.applySeconds, unit: "s"),
                    Figure(name: "time_commit" + suffix, value: run.stats.commitSeconds, unit: "s"),
                    Figure(name: "time_total" + suffix, value: run.seconds, unit: "s"),
                ]
                if size > keys {
                    figures.append(Figure(name: "setup_idle_holders" + suffix, value: run.setupSeconds, unit: "s"))
                }
                if let seconds = run.mirrorSeconds {
                    let rate = Double(run.settled) / seconds
                    mirrorRates.append((size, rate / run.baseline))
                    figures += [
                        Figure(
                            name: "mirror_catch_up" + suffix, value: rate, unit: "transfers/s",
                            ratio: rate / run.baseline, baseline: "raw verify all cores (mean before/after)"),
                        Figure(name: "mirror_blocks" + suffix, value: Double(run.mirrorBlocks), unit: "blocks"),
                        Figure(
                            name: "mirror_ms_per_block" + suffix,
                            value: seconds * 1e3 / Double(max(1, run.mirrorBlocks)),
                            unit: "ms"),
                    ]
                }
            }
        }
        let registry = rates.map { (size: $0.size, ratio: $0.ratio) }
        if let figure = Figure.sizes(
            "registry", registry, baseline: "rate ratio, each against its own verify baseline (target >= 0.9)")
        {
            figures.append(figure)
        }
        if let figure = Figure.sizes(
            "mirror", mirrorRates, baseline: "catch-up rate ratio, each against its own verify baseline")
        {
            figures.append(figure)
        }
        Report.print(
            "settle (\(transfers) pre-signed transfers, \(keys) sending keys, \(batch == 1 ? "one task each" : "batches of \(batch)"), synchronous=FULL)",
            figures, json: json)
    }

    struct Run {
        var before = 0.0, after = 0.0, rate = 0.0, seconds = 0.0, setupSeconds = 0.0
        var settled = 0, rejected = 0, rssQueued = 0, rssSetupPeak = 0, rssAtStart = 0, rssPhasePeak = 0, rssState = 0
        var peakReset = false
        var stats = SettlementStats()
        /// How long a mirror took to catch up the settle phase's blocks, and how many.
        var mirrorSeconds: Double?
        var mirrorBlocks = 0
        var baseline: Double { (before + after) / 2 }
    }

    /// One registry of `keys` senders and `idle` idle holders, and the same transfer workload.
    static func settle(
        transfers: Int, keys: Int, idle: Int, batch: Int, database: String? = nil, handOff: Bool = false,
        mirror following: Bool = false
    ) async throws -> Run {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "plimsoll-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = SplitMix64(seed: 7)
        let registrar = SigningKey.generate(using: &rng)
        let store: any SettlementStore
        var dropDatabase: (() async -> Void)?
        var configuration: PostgresConnection.Configuration?
        if let database {
            // A database of its own on the server, dropped after the run.
            let admin = try PostgresStore.configuration(database)
            let name = "plimsoll_bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: admin)
            dropDatabase = {
                try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            }
            let genesis = try Genesis(
                name: "Bench", registrarKey: registrar.publicKey, createdAtMs: Settlement.wallClockMs(),
                maxValiditySeconds: 604_800)
            let (block, state) = BlockBuilder.genesisBlock(genesis, sequencerKey: registrar)
            configuration = PostgresAdmin.database(name, of: admin)
            store = try await PostgresStore.create(
                PostgresAdmin.database(name, of: admin), genesis: genesis, genesisBlock: block, state: state)
        } else {
            store = try RegistryBootstrap.create(
                at: folder.appendingPathComponent(SQLiteStore.fileName), name: "Bench", registrarKey: registrar,
                createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: 604_800
            )
        }
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: Settlement.wallClockMs)
        let holders = (0..<keys).map { _ in SigningKey.generate(using: &rng) }
        let owner = try await setUp(settlement, holders)
        var run = Run()
        if idle > 0 {
            run.setupSeconds = try await Measure.secondsAsync {
                try await grow(settlement, idle: idle, owner: owner, registrar: registrar)
            }
        }
        // A node's mirror of the database, caught up with the set-up before the settle phase.
        var mirror: LogMirror?
        if following, let configuration {
            mirror = try await LogMirror.open(
                at: folder.appendingPathComponent("mirror.sqlite"), reader: PostgresLogReader(configuration))
            while try await mirror!.step() > 0 {}
        }
        // What the registry's state holds once set up: the set-up's garbage handed back to the
        // system first (glibc keeps freed memory otherwise), before any transfer is signed.
        _ = mallocTrim(0)
        run.rssState = rssMiB()
        let chainID = await settlement.state.chainID
        let rounds = max(1, transfers / keys)
        let expiry = UInt64(Date().timeIntervalSince1970) + 86_400
        let signed = presign(holders, rounds: rounds, chainID: chainID, expiry: expiry)
        let probe = Array(signed.prefix(40_000))
        run.before = rawVerifyRate(probe)
        let statsBefore = await settlement.stats
        // The set-up's peak (signing a million registrar entries at once) is not the settle
        // phase's: read it, then start the peak again from the state and the pre-signed transfers.
        run.rssSetupPeak = peakRSSMiB()
        run.rssAtStart = rssMiB()
        run.peakReset = Measure.resetPeakRSS()
        // On stderr, so a profiler can be attached to the settle phase alone.
        FileHandle.standardError.write(Data("settle: phase starts (pid \(getpid()))\n".utf8))
        let start = Date()
        if handOff, let configuration, let sequencer = store as? PostgresStore {
            run.rssQueued = peakRSSMiB()
            (run.settled, run.rejected) = try await Self.handOver(
                signed, from: configuration, to: sequencer, settlement: settlement, chunk: max(batch, 1000))
        } else if batch <= 1 {
            // One task a transfer, each answered with its outcome alone (no array a task: the
            // harness's own allocations are not settlement's).
            await withTaskGroup(of: Bool.self) { group in
                for entry in signed {
                    group.addTask { if case .settled? = try? await settlement.submit(entry) { true } else { false } }
                }
                run.rssQueued = peakRSSMiB()
                for await settled in group {
                    if settled { run.settled += 1 } else { run.rejected += 1 }
                }
            }
        } else {
            await withTaskGroup(of: [Outcome?].self) { group in
                for start in stride(from: 0, to: signed.count, by: batch) {
                    let chunk = Array(signed[start..<min(signed.count, start + batch)])
                    group.addTask {
                        (try? await settlement.submitAll(chunk)) ?? Array(repeating: nil, count: chunk.count)
                    }
                }
                run.rssQueued = peakRSSMiB()
                for await outcomes in group {
                    for outcome in outcomes {
                        if case .settled? = outcome { run.settled += 1 } else { run.rejected += 1 }
                    }
                }
            }
        }
        run.seconds = Date().timeIntervalSince(start)
        run.rssPhasePeak = peakRSSMiB()
        run.after = rawVerifyRate(probe)
        run.stats = await settlement.stats.since(statsBefore)
        run.rate = Double(run.settled) / run.seconds
        await settlement.waitUntilIdle()
        if let mirror {
            let from = mirror.height
            run.mirrorSeconds = try await Measure.secondsAsync { while try await mirror.step() > 0 {} }
            run.mirrorBlocks = Int(mirror.height - from)
            let tip = await settlement.latestHeader
            precondition(mirror.keptHeader == tip, "the mirror holds the log's tip")
        }
        await dropDatabase?()
        return run
    }

    /// A second node hands every transfer over through the database's intake, in order, in
    /// chunks (as it would the batches its holders send), while the sequencer's relay settles
    /// them; done when the intake holds nothing waiting. Returns settled and refused counts, read
    /// back as the handing node reads outcomes.
    static func handOver(
        _ signed: [Entry], from configuration: PostgresConnection.Configuration, to sequencer: PostgresStore,
        settlement: Settlement, chunk: Int
    ) async throws -> (settled: Int, rejected: Int) {
        let node = try await PostgresStore.open(configuration, sequencer: false)
        let relay = Task { await HandOffRelay(store: sequencer, settlement: settlement).run() }
        defer { relay.cancel() }
        let transfers = signed.compactMap { entry -> SignedTransfer? in
            guard case .transfer(let transfer) = entry else { return nil }
            return transfer
        }
        for start in stride(from: 0, to: transfers.count, by: chunk) {
            let part = Array(transfers[start..<min(transfers.count, start + chunk)])
            // The intake is full (STORE_RANGE): as a holder would, retry a moment later.
            while !(try await handOffOnce(node, part)) { try await Task.sleep(for: .milliseconds(5)) }
        }
        while try await node.handOffsWaiting() > 0 { try await Task.sleep(for: .milliseconds(5)) }
        let outcomes = try await node.handOffOutcomes(signed.map(\.id))
        let settled = outcomes.values.filter { if case .settled = $0 { true } else { false } }.count
        return (settled, signed.count - settled)
    }

    /// Whether the intake took `part`; false when it is full.
    static func handOffOnce(
        _ store: PostgresStore, _ part: [SignedTransfer], node: String = "bench"
    ) async throws -> Bool {
        let refusal: StoreError
        do {
            try await store.handOff(part, node: node)
            return true
        } catch { refusal = error }
        if refusal.code == .outOfRange { return false }
        throw refusal
    }

    /// Every sender sends one transfer per round to the next sender, rounds in nonce order;
    /// signed on every core.
    static func presign(_ holders: [SigningKey], rounds: Int, chainID: Hash32, expiry: UInt64) -> [Entry] {
        Measure.parallelMap(count: rounds * holders.count) { slot in
            let (round, index) = (slot / holders.count + 1, slot % holders.count)
            let transfer = Transfer(
                chainID: chainID, asset: asset, from: holders[index].publicKey,
                to: holders[(index + 1) % holders.count].publicKey,
                amount: 1, nonce: UInt64(round), expiresAt: expiry
            )
            return .transfer(transfer.signed(by: holders[index]))
        }
    }

    static let asset = try! AssetID("IMO9176187")
    static let idleAsset = try! AssetID("IMO9074729")

    /// The sending holders, 100 units each of one vessel (`RegistrySeed`); returns the vessel's owner.
    static func setUp(_ settlement: Settlement, _ holders: [SigningKey]) async throws -> PartyID {
        try await RegistrySeed.seed(
            settlement, holders: holders.enumerated().map { ("Holder \($0)", $1) },
            vessels: [(asset, UInt64(holders.count) * 100)],
            issues: holders.indices.map { RegistrySeed.Issue(vessel: asset, holder: $0, units: 100) },
            rules: ComplianceRules(
                maxHoldersPerVessel: 1_000_000, excludedCountries: [], minimumHolding: 0, kycRequired: true),
            kycUntilMs: Settlement.wallClockMs() + 86_400_000
        ).owner
    }

    /// Idle holders: `idle` more keys, 64 to a party, each issued one unit of a second vessel.
    /// The registrar entries are signed on every core with the sequence numbers that follow the
    /// registry's, then settled in full blocks, in order.
    static func grow(_ settlement: Settlement, idle: Int, owner: PartyID, registrar: SigningKey) async throws {
        let state = await settlement.state
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: Settlement.wallClockMs() + 86_400_000)]
        let keysPerParty = 64
        let parties = (idle + keysPerParty - 1) / keysPerParty
        let firstParty = state.counters.nextPartyID
        let secrets: [[UInt8]] = (0..<idle).map { index in
            var rng = SplitMix64(seed: 0x1D1E_0000 + UInt64(index))
            return rng.bytes(32)
        }
        let idleKeys = Measure.parallelMap(count: idle) { try! SigningKey(secret: secrets[$0]).publicKey }
        var growth: [RegistrarAction] = (0..<parties).map { index in
            .registerParty(
                PartyRegistration(kind: .person, name: "Idle \(index)", country: try! Country("NO"), kycClaims: kyc))
        }
        growth.append(
            .registerVessel(
                VesselRegistration(
                    asset: idleAsset, name: "Idle", flag: try Country("PA"), type: "bulk", grossTonnage: 1,
                    roles: .init(owner: owner),
                    units: UInt64(idle)
                )))
        growth += idleKeys.enumerated().map { .bindKey($1, to: PartyID(firstParty + UInt64($0 / keysPerParty))) }
        growth += idleKeys.map { .issue(idleAsset, to: $0, units: 1) }
        let actions = growth
        let first = state.counters.registrarSequence + 1
        let chainID = state.chainID
        let signed: [Entry] = Measure.parallelMap(count: actions.count) { index in
            .registrar(
                RegistrarEntry.signed(actions[index], sequence: first + UInt64(index), chainID: chainID, by: registrar))
        }
        for start in stride(from: 0, to: signed.count, by: Limits.blockEntriesMax) {
            let chunk = Array(signed[start..<min(signed.count, start + Limits.blockEntriesMax)])
            try RegistrySeed.requireSettled(try await settlement.submitAll(chunk), "idle holders")
        }
    }

    static func rawVerifyRate(_ entries: [Entry]) -> Double {
        let transfers = entries.compactMap { entry -> SignedTransfer? in
            if case .transfer(let t) = entry { t } else { nil }
        }
        return Measure.parallelRate(count: transfers.count) { index in precondition(transfers[index].signatureValid) }
    }

    /// Peak resident set size of this process (VmHWM), in MiB.
    static func peakRSSMiB() -> Int { Measure.peakRSSKiB().map { $0 / 1024 } ?? -1 }

    /// Resident set size of this process now (VmRSS), in MiB.
    static func rssMiB() -> Int { Measure.rssKiB().map { $0 / 1024 } ?? -1 }
}

/// glibc's `malloc_trim` (malloc.h, which the Glibc module does not bring in).
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32
