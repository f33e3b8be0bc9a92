import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// An opened registry with its single writer: the lock, the store and settlement.
///
/// Only one process may write a registry; the store's writer lock (`flock` on `registry.lock`,
/// `SQLiteStore.openWriter`) turns a second writer into a clear error instead of a forked log.
struct OpenRegistry {
    let folder: URL
    let store: SQLiteStore
    let settlement: Settlement

    static func open(_ options: RegistryOptions, config: SettlementConfig = SettlementConfig()) throws -> OpenRegistry {
        let folder = options.registryURL
        let dbURL = folder.appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: dbURL.path) else {
            throw CLIError("no registry in \(folder.path) (run plimsoll init, or pass --registry)")
        }
        let key = try KeyFile.read(folder.appendingPathComponent(RegistryFolder.registrarKeyName))
        let store = try openWriter(dbURL)
        let settlement = try Settlement(store: store, registrarKey: key, config: config, clock: Settlement.wallClockMs)
        return OpenRegistry(folder: folder, store: store, settlement: settlement)
    }

    /// The store opened to write; another writer's lock is a one-line CLI error.
    private static func openWriter(_ url: URL) throws -> SQLiteStore {
        let result = Result { () throws(StoreError) in try SQLiteStore.openWriter(at: url) }
        if case .failure(let error) = result, error.code == .locked { throw CLIError(error.message) }
        return try result.get()
    }

    /// Settles one registrar action; a rejection becomes a one-line CLI error with its code.
    func settle(_ action: RegistrarAction) async throws -> Receipt {
        try Self.receipt(try await settlement.submitRegistrar(action))
    }

    func settle(_ entry: Entry) async throws -> Receipt {
        try Self.receipt(try await settlement.submit(entry))
    }

    static func receipt(_ outcome: Outcome) throws -> Receipt {
        switch outcome {
        case .settled(let receipt): return receipt
        case .rejected(_, let rejection):
            throw CLIError("rejected \(rejection.code.rawValue): \(rejection.message)", code: rejection.code.rawValue)
        case .failed(_, let message): throw CLIError("not settled: \(message)", code: "NOT_SETTLED")
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
        let state = await self.state
        let status: String? =
            switch subject {
            case .none: nil
            case .party(let party): state.parties[party]?.screening.rawValue
            case .vessel(let asset): state.vessels[asset]?.screening.rawValue
            }
        Output.emit(json, Screened(view: receipt.view, screening: screening, status: status), text: receipt.line)
    }

    var state: LedgerState { get async { await settlement.state } }
}

extension RegistryOptions {
    /// Opens the registry, settles one registrar action and prints its receipt: what most
    /// registrar commands do.
    func settleAndPrint(_ action: RegistrarAction) async throws {
        let registry = try OpenRegistry.open(self)
        let receipt = try await registry.settle(action)
        Output.emit(json, receipt.view, text: receipt.line)
    }
}
