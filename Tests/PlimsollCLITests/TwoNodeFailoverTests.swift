import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import PostgresNIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 17, item 5, with real processes: two nodes (`plimsoll-bench node`) on one PostgreSQL
/// registry, each accepting its own holders' transfers; the sequencer is killed with SIGKILL in
/// the middle of the load. The other node takes the lease within 10 s, the killed node's holders
/// go on through a restarted node, every transfer settles, nothing acknowledged is lost, and the
/// log stays one chain.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct TwoNodeFailoverTests {
    static let postgresURL = ProcessInfo.processInfo.environment["PLIMSOLL_TEST_POSTGRES"]
    static let seed: UInt64 = 171
    static let rounds = 30

    @Test(.tags(.slow), .enabled(if: postgresURL != nil, "no PostgreSQL server (PLIMSOLL_TEST_POSTGRES unset)"))
    func theSequencerKilledMidLoadLosesNothing() async throws {
        let admin = try PostgresStore.configuration(try #require(Self.postgresURL))
        let name = "plimsoll_nodes_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: admin)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        var processes: [Process] = []
        do {
            try await Self.run(
                PostgresAdmin.database(name, of: admin), url: Self.url(of: admin, name), work, &processes)
        } catch {
            for process in processes {
                let state = process.isRunning ? "running" : "ended \(process.terminationStatus)"
                print("two nodes: node \(process.arguments?.dropFirst(10).first ?? "?") \(state)")
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            // What each node said, for the failure's reader.
            for log in (try? FileManager.default.contentsOfDirectory(atPath: work.path))?.sorted() ?? []
            where log.hasSuffix(".log") {
                let data = (try? Data(contentsOf: work.appendingPathComponent(log))) ?? Data()
                let text = String(decoding: data, as: UTF8.self)
                print("two nodes: \(log):\n\(text.prefix(6000))")
            }
            try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            try? FileManager.default.removeItem(at: work)
            throw error
        }
        try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
        try? FileManager.default.removeItem(at: work)
    }

    static func url(of admin: PostgresConnection.Configuration, _ database: String) throws -> String {
        let base = try #require(postgresURL)
        var parts = try #require(URLComponents(string: base))
        parts.path = "/" + database
        return try #require(parts.string)
    }

    static func run(
        _ configuration: PostgresConnection.Configuration, url: String, _ work: URL, _ processes: inout [Process]
    ) async throws {
        let world = TwoNodeWorld(seed: seed)
        let genesis = try await world.createSeeded(on: configuration)
        let expiry = UInt64(Date().timeIntervalSince1970) + 3600
        var files: [URL] = []
        var all: Set<Hash32> = []
        for node in 0...1 {
            let transfers = world.transfers(node: node, rounds: rounds, chainID: genesis.chainID, expiresAt: expiry)
            all.formUnion(transfers.map { Entry.transfer($0).id })
            let file = work.appendingPathComponent("node\(node).transfers")
            try transfers.map { Hex.encode(Entry.transfer($0).bytes) }.joined(separator: "\n")
                .write(to: file, atomically: true, encoding: .utf8)
            files.append(file)
        }

        // Node b pauses after 40 receipts until node a has been killed, so its load always spans
        // the failover however fast the first part settles.
        let resume = work.appendingPathComponent("a-was-killed")
        func start(
            _ label: String, _ transfers: URL, stallAfter: Int? = nil, pauseAfter: Int? = nil
        ) throws -> (
            Process, URL, URL
        ) {
            let process = Process()
            process.executableURL = try CLI.tool("plimsoll-bench")
            let acks = work.appendingPathComponent("\(label).acks")
            let log = work.appendingPathComponent("\(label).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.arguments =
                [
                    "node", "--database", url, "--seed", String(seed), "--transfers", transfers.path, "--acks",
                    acks.path,
                    "--name", label, "--chunk", "8",
                ] + (stallAfter.map { ["--stall-after", String($0)] } ?? [])
                + (pauseAfter.map { ["--pause-after", String($0), "--resume-when", resume.path] } ?? [])
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
            return (process, acks, log)
        }
        // Lossy: a crash report holds raw bytes.
        func text(_ url: URL) -> String { String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        func waitFor(_ what: String, within: Duration, _ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + within
            while !condition() {
                guard ContinuousClock.now < deadline else { throw Failure("timed out waiting for \(what)") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        // Node A takes the lease, then node B joins as a standby; both accept transfers.
        // Node a stops taking receipts after 40 and waits with a chunk handed over, so it is
        // killed with work in flight however slow the machine is.
        let (a, aAcks, aLog) = try start("a", files[0], stallAfter: 40)
        try await waitFor("node a to sequence", within: .seconds(30)) { text(aLog).contains("sequencing") }
        let (b, bAcks, bLog) = try start("b", files[1], pauseAfter: 40)
        try await waitFor("node a's first 40 receipts", within: .seconds(60)) {
            text(aAcks).split(separator: "\n").count >= 40
        }
        try await waitFor("node a to stall", within: .seconds(60)) { text(aLog).contains("stalled") }
        #expect(a.isRunning)
        let killedMs = Settlement.wallClockMs()
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        #expect(a.terminationReason == .uncaughtSignal)
        FileManager.default.createFile(atPath: resume.path, contents: nil)
        // Timed by node b's own clock line, so a busy test process does not count.
        try await waitFor("node b to take over", within: .seconds(60)) { text(bLog).contains("sequencing") }
        let line = try #require(text(bLog).split(separator: "\n").first { $0.contains("sequencing") })
        let sequencedMs = try #require(line.split(separator: " ").last.flatMap { UInt64($0) })
        let takeoverMs = Int64(sequencedMs) - Int64(killedMs)
        print("two nodes: node b sequences \(takeoverMs) ms after node a was killed with SIGKILL")
        #expect(takeoverMs < 10_000)

        // Node a's holders go on through a restarted node a (its transfers are handed over again;
        // those already settled or waiting are not added twice).
        let (a2, a2Acks, a2Log) = try start("a2", files[0])
        for (process, log) in [(b, bLog), (a2, a2Log)] {
            try await waitFor("the nodes to finish", within: .seconds(120)) { !process.isRunning }
            #expect(process.terminationStatus == 0, "\(text(log))")
        }

        // Nothing acknowledged lost, everything settled once, one signed chain, units conserved.
        func receipts(_ url: URL) throws -> [Hash32: UInt64] {
            var receipts: [Hash32: UInt64] = [:]
            for line in text(url).split(separator: "\n") {
                let fields = line.split(separator: " ")
                receipts[try Hash32(hex: String(fields[0]))] = UInt64(fields[1])
            }
            return receipts
        }
        let beforeKill = try receipts(aAcks)
        #expect(beforeKill.count >= 40)
        let afterRestart = try receipts(bAcks).merging(try receipts(a2Acks)) { first, _ in first }
        #expect(Set(afterRestart.keys) == all, "every transfer acknowledged after the restart")
        let reader = try await PostgresStore.open(configuration, sequencer: false)
        let inLog = try await reader.handOffOutcomes(Array(all))
        for (id, height) in beforeKill.merging(afterRestart, uniquingKeysWith: { first, _ in first }) {
            guard case .settled(let receipt)? = inLog[id] else {
                Issue.record("a receipt given was lost: \(id.hex)")
                continue
            }
            #expect(receipt.height == height, "the receipt names the block that holds it")
        }
        let (final, tip) = try reader.loadLedger()
        #expect(final.balances[TwoNodeWorld.vessel]?.values.reduce(0, +) == 800)
        // Rows still waiting can only be transfers the log holds (a relay stopped between its
        // commit and clearing them): one pass of a sequencer clears them and settles nothing new.
        #expect(try await reader.tryBecomeSequencer())
        let last = try Settlement(
            store: reader, sequencerKeys: [world.sequencer], registrarKey: world.registrar,
            clock: Settlement.wallClockMs)
        _ = try await HandOffRelay(store: reader, settlement: last).step()
        #expect(try await reader.handOffsWaiting() == 0)
        #expect(try await reader.latestHeight() == tip.header.header.height, "nothing was left to settle")
        await reader.releaseSequencer()

        // The exported log verifies offline: every signature, the hash chain, the Merkle roots and
        // a full replay (a transfer in it twice would fail its nonce).
        let export = work.appendingPathComponent("two-nodes.plog")
        let written = try await reader.exportLog(to: export)
        #expect(written.blocks == tip.header.header.height + 1)
        let verified = try CLI.run(["verify", export.path, "--chain-id", genesis.chainID.hex])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        print("two nodes: \(verified.stdout.split(separator: "\n").first ?? "")")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension TwoNodeWorld {
    /// Makes the registry in an empty database and seeds it, then leaves it without a sequencer
    /// for the nodes a test starts.
    func createSeeded(on configuration: PostgresConnection.Configuration) async throws -> Genesis {
        let genesis = try genesis(createdAtMs: Settlement.wallClockMs())
        let (block, state) = BlockBuilder.genesisBlock(genesis, sequencerKey: sequencer)
        let creator = try await PostgresStore.create(configuration, genesis: genesis, genesisBlock: block, state: state)
        let settlement = try Settlement(
            store: creator, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs)
        try await seed(settlement)
        await settlement.waitUntilIdle()
        await creator.releaseSequencer()
        return genesis
    }
}
