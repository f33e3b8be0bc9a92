import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import PostgresNIO
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Issue 17 with the product itself: two `plimsoll serve --database` nodes on one PostgreSQL
/// registry, holders sending signed transfers over HTTP to both and waiting for receipts; node b
/// follows the log from a streaming replica (`--read-database`). The sequencer (node a) is killed
/// with SIGKILL mid-load: node b sequences within 10 s, a's holders go on through b (sending again
/// what got no answer), every receipt given is in the log at the height it named, node b answers
/// every read naming its height, a restarted node a catches up, and the log exported from a
/// node's mirror is byte for byte the one exported from the database and verifies offline.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ServedClusterTests {
    static let postgresURL = ProcessInfo.processInfo.environment["PLIMSOLL_TEST_POSTGRES"]
    /// A streaming replica of that server (`scripts/postgres-test-replica`); CI starts one.
    static let replicaURL = ProcessInfo.processInfo.environment["PLIMSOLL_TEST_POSTGRES_REPLICA"]
    static let inCI = ProcessInfo.processInfo.environment["CI"] != nil
    static let seed: UInt64 = 1717
    static let rounds = 30

    @Test(.tags(.slow), .enabled(if: postgresURL != nil, "no PostgreSQL server (PLIMSOLL_TEST_POSTGRES unset)"))
    func twoServedNodesLoseNothingWhenTheSequencerIsKilled() async throws {
        if Self.inCI {
            try #require(Self.replicaURL != nil, "CI must start a replica (scripts/postgres-test-replica)")
        }
        let admin = try PostgresStore.configuration(try #require(Self.postgresURL))
        let name = "plimsoll_served_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: admin)
        let work = try CLI.temporaryFolder()
        let nodes = Nodes(work: work)
        do {
            try await Self.run(PostgresAdmin.database(name, of: admin), name: name, work, nodes)
        } catch {
            nodes.killAll()
            for log in (try? FileManager.default.contentsOfDirectory(atPath: work.path))?.sorted() ?? []
            where log.hasSuffix(".log") {
                let text = String(
                    decoding: (try? Data(contentsOf: work.appendingPathComponent(log))) ?? Data(), as: UTF8.self)
                print("served cluster: \(log):\n\(text.suffix(6000))")
            }
            try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            try? FileManager.default.removeItem(at: work)
            throw error
        }
        nodes.killAll()
        try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
        try? FileManager.default.removeItem(at: work)
    }

    /// `plimsoll init --database` makes the registry in the database and the first node's folder;
    /// the folder's mirror never takes a registrar action itself (that would fork it from the
    /// shared log): the action goes to a node, and the log exported from the database verifies.
    @Test(.enabled(if: postgresURL != nil, "no PostgreSQL server (PLIMSOLL_TEST_POSTGRES unset)"))
    func initMakesTheRegistryInTheDatabaseAndRegistrarActionsGoToANode() async throws {
        let admin = try PostgresStore.configuration(try #require(Self.postgresURL))
        let name = "plimsoll_init_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await PostgresAdmin.execute("CREATE DATABASE \(name)", on: admin)
        let work = try CLI.temporaryFolder()
        let nodes = Nodes(work: work)
        defer {
            nodes.killAll()
            try? FileManager.default.removeItem(at: work)
        }
        do {
            let database = try Self.url(try #require(Self.postgresURL), name)
            let folder = work.appendingPathComponent("a").path
            let made = try CLI.run(["init", "--registry", folder, "--name", "Cluster Init", "--database", database])
            #expect(made.status == 0, "\(made.stderr)")
            for file in ["registrar.key", "sequencer.key", "registry.sqlite", "cluster.json"] {
                #expect(
                    FileManager.default.fileExists(atPath: work.appendingPathComponent("a/\(file)").path), "\(file)")
            }
            let marker = try String(contentsOf: work.appendingPathComponent("a/cluster.json"), encoding: .utf8)
            #expect(!marker.contains("plimsoll:plimsoll@"), "no password beside the keys")
            let again = try CLI.run(["init", "--registry", folder, "--name", "Again", "--database", database])
            #expect(again.status != 0)

            let local = try CLI.run([
                "party", "add", "--registry", folder, "--kind", "person", "--name", "A", "--country", "NO",
            ])
            #expect(local.status != 0 && local.stderr.contains("PostgreSQL"), "\(local.stderr)")

            let port = try CLI.freePort()
            _ = try nodes.start("a", port: port, database: database, read: nil)
            try await Self.waitFor("node a to sequence", within: .seconds(30)) {
                nodes.log("a").contains("a sequences from")
            }
            let served = try CLI.run([
                "party", "add", "--registry", folder, "--kind", "person", "--name", "Anna Berg", "--country", "NO",
                "--server", "http://127.0.0.1:\(port)",
            ])
            #expect(served.status == 0 && served.stdout.hasPrefix("party 1"), "\(served.stdout)\(served.stderr)")
            let export = work.appendingPathComponent("log.plog").path
            let exported = try CLI.run(["export", "--database", database, "--out", export])
            #expect(
                exported.status == 0 && exported.stdout.contains("exported 2 blocks"),
                "\(exported.stdout)\(exported.stderr)")
            let verified = try CLI.run(["verify", export])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        } catch {
            try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            throw error
        }
        nodes.killAll()
        try? await PostgresAdmin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
    }

    /// The node processes a test started, for its cleanup.
    final class Nodes: @unchecked Sendable {
        let work: URL
        private let lock = NSLock()
        private var processes: [Process] = []

        init(work: URL) { self.work = work }

        /// `plimsoll serve --database` for the folder `label` on `port`, its output in `label.log`.
        func start(_ label: String, port: Int, database: String, read: String?) throws -> Process {
            let log = work.appendingPathComponent("\(label).log")
            if !FileManager.default.fileExists(atPath: log.path) {
                FileManager.default.createFile(atPath: log.path, contents: nil)
            }
            let handle = try FileHandle(forWritingTo: log)
            handle.seekToEndOfFile()
            let process = Process()
            process.executableURL = try CLI.executable
            process.arguments =
                [
                    "serve", "--registry", work.appendingPathComponent(label).path, "--database", database,
                    "--port", String(port), "--node", label,
                ] + (read.map { ["--read-database", $0] } ?? [])
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            lock.withLock { processes.append(process) }
            return process
        }

        func log(_ label: String) -> String {
            String(
                decoding: (try? Data(contentsOf: work.appendingPathComponent("\(label).log"))) ?? Data(), as: UTF8.self)
        }

        func killAll() {
            for process in lock.withLock({ processes }) where process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    static func url(_ base: String, _ database: String) throws -> String {
        var parts = try #require(URLComponents(string: base))
        parts.path = "/" + database
        return try #require(parts.string)
    }

    static func run(
        _ configuration: PostgresConnection.Configuration, name: String, _ work: URL, _ nodes: Nodes
    ) async throws {
        let database = try url(try #require(postgresURL), name)
        let read = try replicaURL.map { try url($0, name) }
        let world = TwoNodeWorld(seed: seed)
        let genesis = try await world.createSeeded(on: configuration)
        // Each node's folder holds the sequencer key: either may sequence.
        for label in ["a", "b"] {
            let folder = work.appendingPathComponent(label)
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            FileManager.default.createFile(
                atPath: folder.appendingPathComponent("sequencer.key").path,
                contents: Data((Hex.encode(world.sequencer.secretBytes) + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        }

        let ports = (a: try CLI.freePort(), b: try CLI.freePort())
        let base = (
            a: URL(string: "http://127.0.0.1:\(ports.a)")!, b: URL(string: "http://127.0.0.1:\(ports.b)")!
        )
        let a = try nodes.start("a", port: ports.a, database: database, read: nil)
        try await waitFor("node a to sequence", within: .seconds(30)) { nodes.log("a").contains("a sequences from") }
        try await waitUntilServing(base.a)
        _ = try nodes.start("b", port: ports.b, database: database, read: read)
        try await waitUntilServing(base.b)
        #expect(!nodes.log("b").contains("b sequences from"), "node b waits while node a holds the lease")

        // Holders 0...3 send to node a, 4...7 to node b, each its transfers in nonce order,
        // waiting for every answer; a holder whose node stops answering goes to node b and sends
        // again what got no answer (the same signed bytes: one entry, whatever happened to it).
        let killed = Locked(false)
        let receipts = Locked<[Hash32: UInt64]>([:])
        let refusals = Locked<[String]>([])
        let expiry = UInt64(Date().timeIntervalSince1970) + 3600
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = 30
        sessionConfiguration.httpMaximumConnectionsPerHost = 8
        let session = URLSession(configuration: sessionConfiguration)
        let killedMs = Locked<UInt64>(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for node in 0...1 {
                let transfers = world.transfers(
                    node: node, rounds: rounds, chainID: genesis.chainID, expiresAt: expiry)
                for holder in 0..<TwoNodeWorld.holdersPerNode {
                    let mine = transfers.enumerated().filter { $0.offset % TwoNodeWorld.holdersPerNode == holder }
                        .map(\.element)
                    group.addTask {
                        for transfer in mine {
                            let id = Entry.transfer(transfer).id
                            while true {
                                let target = node == 0 && !killed.value ? base.a : base.b
                                guard
                                    let (status, text) = try? await CLI.post(
                                        json(transfer), to: target.appendingPathComponent("v1/transfers"),
                                        session: session)
                                else {
                                    try await Task.sleep(for: .milliseconds(50))
                                    continue
                                }
                                if status == 200 {
                                    let answer = try #require(
                                        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                                    let height = try #require(answer["height"] as? Int)
                                    receipts.update { $0[id] = UInt64(height) }
                                    break
                                }
                                if status == 503 {
                                    try await Task.sleep(for: .milliseconds(50))
                                    continue
                                }
                                refusals.update { $0.append("\(status) \(text.prefix(200))") }
                                break
                            }
                        }
                    }
                }
            }
            // The sequencer dies mid-load, with the holders' requests in flight.
            group.addTask {
                try await waitFor("40 receipts", within: .seconds(60)) { receipts.value.count >= 40 }
                killedMs.set(Settlement.wallClockMs())
                kill(a.processIdentifier, SIGKILL)
                a.waitUntilExit()
                killed.set(true)
            }
            try await group.waitForAll()
        }
        #expect(a.terminationReason == .uncaughtSignal)
        #expect(refusals.value.isEmpty, "\(refusals.value.prefix(5))")
        let all = 2 * TwoNodeWorld.holdersPerNode * rounds
        #expect(receipts.value.count == all, "every transfer got a receipt")

        // Node b took over within 10 s, timed by its own clock line.
        let line = try #require(nodes.log("b").split(separator: "\n").first { $0.contains("b sequences from") })
        let sequencedMs = try #require(line.split(separator: " ").last.flatMap { UInt64($0) })
        let takeoverMs = Int64(sequencedMs) - Int64(killedMs.value)
        print("served cluster: node b sequences \(takeoverMs) ms after node a was killed with SIGKILL")
        #expect(takeoverMs < 10_000)

        // Every receipt is in the log at the height it named, as node b answers it, and every
        // answer names the height it reflects.
        let latest = try await get(base.b.appendingPathComponent("v1/blocks/latest"), session)
        let tipHeight = try #require(latest.json["height"] as? Int)
        #expect(latest.height == tipHeight)
        for (id, height) in receipts.value {
            let answer = try await get(base.b.appendingPathComponent("v1/transfers/\(id.hex)"), session)
            #expect(answer.json["status"] as? String == "settled" && answer.json["height"] as? Int == Int(height))
            #expect(answer.height.map { $0 >= Int(height) } == true, "a read names a height that holds what it shows")
        }

        // A restarted node a catches up from its mirror's last block and answers the same tip.
        _ = try nodes.start("a", port: ports.a, database: database, read: nil)
        try await waitUntilServing(base.a)
        try await waitFor("node a to catch up", within: .seconds(20)) {
            let tip = try? await get(base.a.appendingPathComponent("v1/blocks/latest"), session)
            return tip?.json["hash"] as? String == latest.json["hash"] as? String
        }

        // Units conserved; nothing left waiting.
        let reader = try await PostgresStore.open(configuration, sequencer: false)
        let (final, tip) = try reader.loadLedger()
        #expect(final.balances[TwoNodeWorld.vessel]?.values.reduce(0, +) == 800)
        #expect(tip.header.header.height == UInt64(tipHeight))
        #expect(try await reader.handOffsWaiting() == 0)

        // The log as node b's mirror holds it is the database's, byte for byte, and verifies.
        let fromDatabase = work.appendingPathComponent("database.plog")
        _ = try await reader.exportLog(to: fromDatabase)
        let fromMirror = work.appendingPathComponent("mirror.plog")
        let exported = try CLI.run([
            "export", "--registry", work.appendingPathComponent("b").path, "--out", fromMirror.path,
        ])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try Data(contentsOf: fromMirror) == Data(contentsOf: fromDatabase))
        let verified = try CLI.run(["verify", fromMirror.path, "--chain-id", genesis.chainID.hex])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        print("served cluster: \(verified.stdout.split(separator: "\n").first ?? "")")
    }

    static func json(_ signed: SignedTransfer) -> String {
        let transfer = signed.transfer
        return
            #"{"asset":"\#(transfer.asset)","from":"\#(transfer.from.hex)","to":"\#(transfer.to.hex)","amount":\#(transfer.amount),"nonce":\#(transfer.nonce),"expires_at":\#(transfer.expiresAt),"signature":"\#(signed.signature.hex)"}"#
    }

    /// A GET's JSON answer and the height its `Plimsoll-Height` header names.
    static func get(_ url: URL, _ session: URLSession) async throws -> (json: [String: Any], height: Int?) {
        let (data, response) = try await session.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200, "GET \(url.path): \(String(decoding: data, as: UTF8.self))")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (json, (http.value(forHTTPHeaderField: "Plimsoll-Height")).flatMap { Int($0) })
    }

    static func waitUntilServing(_ base: URL) async throws {
        try await waitFor("\(base) to serve", within: .seconds(30)) {
            (try? await URLSession.shared.data(from: base.appendingPathComponent("healthz"))) != nil
        }
    }

    static func waitFor(_ what: String, within: Duration, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + within
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw CLI.CLIToolError("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
