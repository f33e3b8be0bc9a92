public import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PlimsollCore
import PlimsollCrypto
import PlimsollHTTP
import PlimsollPostgres
import PlimsollScreening
import PlimsollSettlement
public import PlimsollStore

/// `plimsoll serve`: the HTTP API, with graceful shutdown on SIGTERM/SIGINT (the batch in flight
/// commits before the process exits; swift-service-lifecycle through Hummingbird).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the holder and regulator HTTP API.")

    @OptionGroup var options: RegistryOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 ... 65535") }
        for (name, value) in [
            ("--head-timeout", headTimeout), ("--body-timeout", bodyTimeout), ("--idle-timeout", idleTimeout),
            ("--answer-timeout", answerTimeout),
        ] {
            guard (1...86_400).contains(value) else { throw ValidationError("\(name) must be 1 ... 86400 seconds") }
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be 1 ... 1000000")
        }
    }

    @Option(
        help:
            "Serve as one node of a registry on PostgreSQL (postgresql://USER:PASSWORD@HOST:PORT/DATABASE, made by plimsoll init --database): the folder holds this node's keys and mirror."
    )
    var database: String?
    @Option(
        help:
            "With --database: follow the log from this database instead (a streaming replica of it); reads name the height they reflect."
    )
    var readDatabase: String?
    @Option(help: "With --database: this node's name on what it hands over (default: HOST:PORT).") var node: String?

    @Flag(help: "Skip the quick check of the stored registry at start-up (pages, tip header, state digest).")
    var skipStartCheck = false
    @Option(help: "Seconds from a request's first byte until its head is complete.") var headTimeout: Int64 =
        ConnectionLimits().headTimeoutSeconds
    @Option(help: "Seconds from a complete head until the end of its body.") var bodyTimeout: Int64 = ConnectionLimits()
        .bodyTimeoutSeconds
    @Option(help: "Seconds a connection may stay open with no request in progress.") var idleTimeout: Int64 =
        ConnectionLimits().idleTimeoutSeconds
    @Option(help: "Seconds from a complete request until its answer is written.") var answerTimeout: Int64 =
        ConnectionLimits().answerTimeoutSeconds
    @Option(help: "Connections open at once (lowered to the file limit minus a reserve).") var maxConnections =
        ConnectionLimits().maxConnections

    var limits: ConnectionLimits {
        var limits = ConnectionLimits()
        limits.headTimeoutSeconds = headTimeout
        limits.bodyTimeoutSeconds = bodyTimeout
        limits.idleTimeoutSeconds = idleTimeout
        limits.answerTimeoutSeconds = answerTimeout
        limits.maxConnections = maxConnections
        return limits
    }

    func validateCluster() throws {
        if database == nil, readDatabase != nil || node != nil {
            throw ValidationError("--read-database and --node go with --database")
        }
    }

    func run() async throws {
        try validateCluster()
        // One access line per request: written in batches, not a write call each.
        let lines = LogLineBatcher()
        LoggingSystem.bootstrap { lines.handler(label: $0) }
        defer { lines.flush() }
        if let database { return try await runNode(database) }
        if !skipStartCheck {
            // Never serve a damaged registry as truth: a page or tip problem stops the start, naming the table.
            let problems = StoreCheck.quick(try ReadOnly.store(options))
            guard problems.isEmpty else {
                throw CLIError(
                    "refusing to serve a damaged registry: " + problems.map(\.description).joined(separator: "; ")
                        + " (plimsoll check --full)")
            }
        }
        let registry = try OpenRegistry.open(options, registrarRequired: false)
        // Registrar batches that change what screening finds are followed by a re-screen in
        // settlement, over the lists in force (issue 16, item 2).
        await registry.settlement.setRescreen(Self.rescreen(ScreenerMemo(folder: registry.folder)))
        try await serve(
            RegistryAPI(settlement: registry.settlement, store: registry.store, folder: registry.folder),
            name: registry.store.genesis.name, folder: registry.folder)
        // The server stopped taking requests: let intake drain and the block in flight reach the store.
        await registry.settlement.waitUntilIdle()
    }

    /// One node of a registry on PostgreSQL: a mirror of the log in the folder, transfers handed
    /// to the sequencer through the database, and sequencing whenever this node holds the lease
    /// (when the folder holds the sequencer key).
    private func runNode(_ database: String) async throws {
        let folder = options.registryURL
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let store = try await PostgresStore.open(try PostgresStore.configuration(database), sequencer: false)
        let reader = PostgresLogReader(try PostgresStore.configuration(readDatabase ?? database))
        let mirror = try await LogMirror.open(
            at: folder.appendingPathComponent(SQLiteStore.fileName), reader: reader,
            expected: readDatabase == nil ? nil : store.genesis)
        try ClusterFolder.writeMarker(folder, database: database, chainID: store.genesis.chainID)
        let start = ContinuousClock.now
        while try await mirror.step() > 0 {}
        FileHandle.standardError.write(
            Data("plimsoll: mirror at block \(mirror.height) (caught up in \(ContinuousClock.now - start))\n".utf8))
        let keys = try ClusterFolder.keys(folder, state: mirror.current.state)
        let node = ClusterNode(store: store, mirror: mirror, name: self.node ?? "\(host):\(port)")
        let following = Task { await mirror.run() }
        let nextFile = folder.appendingPathComponent(RegistryFolder.nextSequencerKeyName)
        let sequencing: Task<Void, Never>? =
            keys.sequencers.isEmpty
            ? nil
            : Task {
                await node.runSequencing(
                    sequencerKeys: keys.sequencers, registrarKey: keys.registrar,
                    rescreen: Self.rescreen(ScreenerMemo(folder: folder)),
                    nextSequencerKey: { key in
                        guard let next = try? KeyFile.read(nextFile), next.publicKey == key else { return nil }
                        return next
                    })
            }
        if sequencing == nil {
            FileHandle.standardError.write(
                Data(
                    "plimsoll: no \(RegistryFolder.sequencerKeyName) in \(folder.path): this node never sequences\n"
                        .utf8))
        }
        try await serve(
            RegistryAPI(settlement: node, store: mirror.store, folder: folder), name: store.genesis.name,
            folder: folder)
        // Stopped taking requests: the pass in flight is decided, the lease given up.
        sequencing?.cancel()
        await sequencing?.value
        following.cancel()
        await following.value
    }

    static func rescreen(_ memo: ScreenerMemo) -> Settlement.Rescreen {
        { state, now in
            guard let screener = memo.screener(state) else { return nil }
            let plan = RescreenPlan.make(screener, state, at: now)
            return Settlement.RescreenActions(actions: plan.actions, recorded: plan.recorded, frozen: plan.frozen)
        }
    }

    /// Serves `api` until SIGTERM/SIGINT, with the server's address in the folder for registrar commands.
    private func serve(_ api: RegistryAPI, name: String, folder: URL) async throws {
        let logger = Logger(label: "plimsoll.serve")
        // The screening index is built before the first request, not by it.
        if let seconds = try await api.warmScreening() {
            FileHandle.standardError.write(
                Data(
                    "plimsoll: screening index over the adopted lists built in \(String(format: "%.2f", seconds)) s\n"
                        .utf8))
        }
        let limits = self.limits
        let app = Application(
            router: api.router(),
            server: .guardedHTTP1(limits, logger: logger),
            configuration: .init(address: .hostname(host, port: port), serverName: "plimsoll"),
            logger: logger
        )
        FileHandle.standardError.write(
            Data(
                ("plimsoll: serving \(name) on http://\(host):\(port) (timeouts: head \(limits.headTimeoutSeconds) s, "
                    + "body \(limits.bodyTimeoutSeconds) s, idle \(limits.idleTimeoutSeconds) s; at most \(limits.effectiveMaxConnections) connections)\n")
                    .utf8
            ))
        // Registrar commands find this server by the address it records while it serves.
        let address = folder.appendingPathComponent(RegistrarClient.addressFileName)
        let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        try JSONEncoder().encode(
            RegistrarClient.Address(
                url: "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)",
                pid: ProcessInfo.processInfo.processIdentifier)
        ).write(to: address, options: .atomic)
        defer { try? FileManager.default.removeItem(at: address) }
        try await app.runService()
    }
}

/// The screener over a state's adopted lists and the folder's rules, built once per list version
/// and rules file, for the server's re-screens.
final class ScreenerMemo: @unchecked Sendable {
    private let folder: URL
    private let lock = NSLock()
    private var cached: (key: String, screener: Screener)?

    init(folder: URL) { self.folder = folder }

    func screener(_ state: LedgerState) -> Screener? {
        let rules = FileManager.default.contents(atPath: AdoptedLists.rulesFile(folder).path) ?? Data()
        let key = state.listsDigest.hex + Hashing.sha256(Array(rules)).hex
        return lock.withLock {
            if let cached, cached.key == key { return cached.screener }
            guard let screener = try? AdoptedLists.screener(folder, state: state) else { return nil }
            cached = (key, screener)
            return screener
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API bearer tokens (stored hashed).",
        subcommands: [Grant.self, List.self, Revoke.self]
    )

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and stored only as its SHA-256.")
        @OptionGroup var options: RegistryOptions
        @Option(help: "regulator or registrar.") var role: SQLiteStore.TokenRole
        @Option(help: "A label for the token's holder.") var label = "token"

        func run() async throws {
            guard !SQLiteStore.tokenLabel(label).isEmpty else { throw CLIError("a token's label cannot be empty") }
            let token: String
            switch try await OpenRegistry.forTokens(options) {
            case .local(let store):
                token = try store.grantToken(
                    role: role, label: label, nowMs: UInt64(Date().timeIntervalSince1970 * 1000))
            case .server(let client):
                // Made here; only its hash goes to the server.
                token = SQLiteStore.newToken()
                _ = try await client.changeToken([
                    "op": "grant", "token_sha256": SQLiteStore.tokenHash(token).hex, "role": role.rawValue,
                    "label": SQLiteStore.tokenLabel(label),
                ])
            }
            Output.emit(options.json, ["token": token, "role": role.rawValue], text: token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids are hashes, never the tokens).")
        @OptionGroup var options: RegistryOptions

        func run() async throws {
            let tokens = try ReadOnly.store(options).listTokens()
            Output.emit(
                options.json, tokens,
                text: tokens.map {
                    "\($0.id.prefix(16)) \($0.role.rawValue) \($0.label)\($0.revokedMs == nil ? "" : " revoked")"
                }.joined(separator: "\n"))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke tokens by id prefix (at least 8 hex digits).")
        @OptionGroup var options: RegistryOptions
        @Option(help: "Token id prefix, from token list.") var id: String

        func run() async throws {
            let count: Int
            switch try await OpenRegistry.forTokens(options) {
            case .local(let store):
                count = try store.revokeToken(idPrefix: id, nowMs: UInt64(Date().timeIntervalSince1970 * 1000))
            case .server(let client):
                guard (8...64).contains(id.count), id.allSatisfy(\.isHexDigit) else {
                    throw CLIError("a token id prefix is 8 to 64 hex digits")
                }
                count = try await client.changeToken(["op": "revoke", "id_prefix": id.lowercased()]).revoked ?? 0
            }
            guard count > 0 else { throw CLIError("no live token with id \(id) (give at least 8 hex digits)") }
            print("revoked \(count)")
        }
    }
}

extension SQLiteStore.TokenRole: ExpressibleByArgument {}
