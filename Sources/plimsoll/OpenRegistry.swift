import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollSettlement
import PlimsollStore

/// An opened registry with its single writer: the lock, the store and settlement; or, while a
/// server holds the registry, that server (registrar actions signed here, settled there).
///
/// Only one process may write a registry; the store's writer lock (`flock` on `registry.lock`,
/// `SQLiteStore.openWriter`) turns a second writer into a clear error instead of a forked log.
struct OpenRegistry {
    let folder: URL
    private let local: (store: SQLiteStore, settlement: Settlement)?
    private let server: RegistrarClient?
    private let options: RegistryOptions

    /// The store of a registry opened locally (the demo and `serve` open it so).
    var store: SQLiteStore { local!.store }
    var settlement: Settlement { local!.settlement }
    var isServed: Bool { server != nil }

    /// Served: what the server's re-screens after this command's actions did (the server
    /// re-screens in its settlement; the CLI does not), nil when none ran.
    var serverRescreen: ScreeningFiles.SyncReport? {
        guard let rescreens = server?.rescreens, rescreens.ran else { return nil }
        return ScreeningFiles.SyncReport(
            recorded: rescreens.recorded, frozen: rescreens.frozen, refused: rescreens.refused)
    }

    /// The registry's files, opened to write: for the demo, `serve` and registrar commands with
    /// no server running. The sequencer key signs the blocks; the registrar key signs this
    /// process's own registrar actions, and `serve` runs without it (`registrarRequired: false`):
    /// the registrar then signs on its own machine and sends the actions.
    static func open(
        _ options: RegistryOptions, config: SettlementConfig = SettlementConfig(), registrarRequired: Bool = true
    ) throws -> OpenRegistry {
        let folder = try existingFolder(options)
        guard !ClusterFolder.isCluster(folder) else {
            // Settling into a node's mirror would fork it from the shared log.
            throw CLIError(
                "\(folder.path) mirrors a registry on PostgreSQL: send registrar actions to a node (plimsoll serve --database …, --server URL)",
                code: CLIError.lockedCode)
        }
        let store = try openWriter(folder.appendingPathComponent(SQLiteStore.fileName))
        // The keys in force, from the log's rotations (an index lookup); a rotation whose rename
        // was cut short is finished first.
        let height = try store.latestHeight()
        let inForce = (
            registrar: try store.registrarKey(afterBlock: height), sequencer: try store.sequencerKey(afterBlock: height)
        )
        try RegistryFolder.settleKeyFiles(folder, registrar: inForce.registrar, sequencer: inForce.sequencer)
        let registrarFile = folder.appendingPathComponent(RegistryFolder.registrarKeyName)
        var registrar: SigningKey?
        if FileManager.default.fileExists(atPath: registrarFile.path) {
            let key = try KeyFile.read(registrarFile)
            if key.publicKey == inForce.registrar {
                registrar = key
            } else if registrarRequired {
                throw CLIError(
                    "\(registrarFile.path) is not the registrar key in force (\(inForce.registrar.hex.prefix(16))…): it was rotated",
                    code: "REGISTRAR_KEY_MISMATCH")
            } else {
                FileHandle.standardError.write(
                    Data(
                        "plimsoll: \(registrarFile.lastPathComponent) is not the registrar key in force; serving without it\n"
                            .utf8))
            }
        } else if registrarRequired {
            throw CLIError("no registrar key in \(folder.path) (\(RegistryFolder.registrarKeyName))")
        }
        let sequencerFile = folder.appendingPathComponent(RegistryFolder.sequencerKeyName)
        let nextFile = folder.appendingPathComponent(RegistryFolder.nextSequencerKeyName)
        var sequencers: [SigningKey] = []
        for file in [sequencerFile, nextFile] where FileManager.default.fileExists(atPath: file.path) {
            sequencers.append(try KeyFile.read(file))
        }
        if sequencers.isEmpty, FileManager.default.fileExists(atPath: registrarFile.path) {
            // A registry of an earlier release: its registrar key signs the blocks.
            sequencers.append(try KeyFile.read(registrarFile))
        }
        guard sequencers.contains(where: { $0.publicKey == inForce.sequencer }) else {
            throw CLIError(
                "no key file in \(folder.path) holds the sequencer key in force (\(inForce.sequencer.hex.prefix(16))…, \(RegistryFolder.sequencerKeyName))",
                code: "REGISTRAR_KEY_MISMATCH")
        }
        let settlement = try Settlement(
            store: store, sequencerKeys: sequencers, registrarKey: registrar,
            nextSequencerKey: { key in
                // A rotation names the key handed over to: it waits beside the registry.
                guard let next = try? KeyFile.read(nextFile), next.publicKey == key else { return nil }
                return next
            }, config: config, clock: Settlement.wallClockMs)
        return OpenRegistry(folder: folder, local: (store, settlement), server: nil, options: options)
    }

    /// For a registrar command: the running server of the registry when one answers (the
    /// registry keeps serving), else its files, opened to write.
    ///
    /// The writer lock decides first: when this process can take it, no server holds this
    /// folder, whatever a `server.json` copied along with the folder says, and the files are
    /// opened. Only when another process holds the lock is the recorded server asked.
    static func forRegistrar(_ options: RegistryOptions) async throws -> OpenRegistry {
        let (folder, key) = try registrarKey(options)
        if options.server == nil {
            do { return try open(options) } catch let error as CLIError where error.isLocked {}
        }
        let chainID = try ReadOnly.store(options).genesis.chainID
        if let client = try await RegistrarClient.find(options, key: key, chainID: chainID) {
            return OpenRegistry(folder: folder, local: nil, server: client, options: options)
        }
        return try open(options)
    }

    /// Where a token change goes: the registry's files when no server holds them (the writer
    /// lock is taken here, so nothing else writes meanwhile), else the running server, which the
    /// registrar key signs for; `--server` always goes to the server. On the server's own host
    /// without `registrar.key` (a server that signs with its sequencer key alone), the token table
    /// is written directly beside the server, as before there was a route for it: only someone
    /// who can write the registry's files can do that.
    enum TokenTarget {
        case local(SQLiteStore)
        case server(RegistrarClient)
    }

    static func forTokens(_ options: RegistryOptions) async throws -> TokenTarget {
        let folder = try existingFolder(options)
        if options.server == nil {
            do { return .local(try openWriter(folder.appendingPathComponent(SQLiteStore.fileName))) } catch let error
                as CLIError where error.isLocked
            {}
        }
        let keyFile = folder.appendingPathComponent(RegistryFolder.registrarKeyName)
        guard FileManager.default.fileExists(atPath: keyFile.path) else {
            guard options.server == nil else {
                throw CLIError(
                    "no registrar key in \(folder.path) to sign for the server with (\(keyFile.lastPathComponent))")
            }
            return .local(try ReadOnly.store(options))
        }
        let (_, key) = try registrarKey(options)
        let chainID = try ReadOnly.store(options).genesis.chainID
        if let client = try await RegistrarClient.find(options, key: key, chainID: chainID) {
            return .server(client)
        }
        return .local(try openWriter(folder.appendingPathComponent(SQLiteStore.fileName)))
    }

    private static func existingFolder(_ options: RegistryOptions) throws -> URL {
        let folder = options.registryURL
        let dbURL = folder.appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: dbURL.path) else {
            throw CLIError("no registry in \(folder.path) (run plimsoll init, or pass --registry)")
        }
        return folder
    }

    private static func registrarKey(_ options: RegistryOptions) throws -> (URL, SigningKey) {
        let folder = try existingFolder(options)
        return (folder, try KeyFile.read(folder.appendingPathComponent(RegistryFolder.registrarKeyName)))
    }

    /// The store opened to write; another writer's lock is a one-line CLI error.
    private static func openWriter(_ url: URL) throws -> SQLiteStore {
        let result = Result { () throws(StoreError) in try SQLiteStore.openWriter(at: url) }
        if case .failure(let error) = result, error.code == .locked {
            throw CLIError(error.message, code: CLIError.lockedCode)
        }
        return try result.get()
    }

    /// Settles one registrar action; a rejection becomes a one-line CLI error with its code.
    func settle(_ action: RegistrarAction) async throws -> Receipt {
        try Self.receipt(try await settleAll([action])[0])
    }

    /// Settles registrar actions in order, nothing between them (one batch): here, or through
    /// the running server.
    func settleAll(_ actions: [RegistrarAction]) async throws -> [Outcome] {
        guard !actions.isEmpty else { return [] }
        if let server { return try await server.settle(actions) }
        return try await settlement.submitRegistrarAll(actions)
    }

    /// Puts a parsed list where adoption and screening find it: into this registry's
    /// `lists/<content hash>/`, or (served) uploaded to the server, which checks it again.
    func storeList(_ url: URL, _ version: ListVersion, allowShrink: Bool) async throws {
        if let server { return try await server.upload(url, version, allowShrink: allowShrink) }
        let folder = AdoptedLists.listsFolder(folder).appendingPathComponent(version.contentHash.hex)
        guard !FileManager.default.fileExists(atPath: folder.path) else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: url, to: folder.appendingPathComponent(url.lastPathComponent))
    }

    func settle(_ entry: Entry) async throws -> Receipt {
        guard !isServed else {
            throw CLIError(
                "a server runs this registry: send the transfer to it (plimsoll sign-transfer, then POST /v1/transfers)"
            )
        }
        return try Self.receipt(try await settlement.submit(entry))
    }

    static func receipt(_ outcome: Outcome) throws -> Receipt {
        switch outcome {
        case .settled(let receipt): return receipt
        case .rejected(_, let rejection):
            throw CLIError("rejected \(rejection.code.rawValue): \(rejection.message)", code: rejection.code.rawValue)
        case .failed(_, let message, _): throw CLIError("not settled: \(message)", code: "NOT_SETTLED")
        }
    }

    /// Settles a registrar action, then re-screens every party and vessel (when lists are
    /// adopted) and logs what changed: what registrar commands that touch screening inputs do.
    func settleAndScreen(_ action: RegistrarAction) async throws -> (Receipt, ScreeningFiles.SyncReport?) {
        let receipt = try await settle(action)
        let screening = try await ScreeningFiles.syncIfAdopted(self)
        try await ScreeningFiles.report(screening)
        return (receipt, screening)
    }

    /// Whose recorded screening status a registrar command reports beside its receipt.
    enum ScreenedSubject {
        case none
        case party(PartyID)
        case vessel(AssetID)
    }

    /// `settleAndScreen`, then the receipt printed with the re-screen's result and the subject's
    /// recorded status (`Screened`): what the registrar commands without a view of their own print.
    func settleScreenAndPrint(_ action: RegistrarAction, subject: ScreenedSubject, json: Bool) async throws {
        let (receipt, screening) = try await settleAndScreen(action)
        let state = try await self.state
        let status: String? =
            switch subject {
            case .none: nil
            case .party(let party): state.parties[party]?.screening.rawValue
            case .vessel(let asset): state.vessels[asset]?.screening.rawValue
            }
        Output.emit(json, Screened(view: receipt.view, screening: screening, status: status), text: receipt.line)
    }

    /// The registry's state: settlement's own, or (served) as the store holds it after the
    /// server's last durable block, which includes every receipt this command was given.
    var state: LedgerState {
        get async throws {
            if local != nil { return await settlement.state }
            return try ReadOnly.store(options).loadLedger().0
        }
    }
}

extension RegistryOptions {
    /// Opens the registry, settles one registrar action and prints its receipt: what most
    /// registrar commands do.
    func settleAndPrint(_ action: RegistrarAction) async throws {
        let registry = try await OpenRegistry.forRegistrar(self)
        let receipt = try await registry.settle(action)
        Output.emit(json, receipt.view, text: receipt.line)
    }
}
