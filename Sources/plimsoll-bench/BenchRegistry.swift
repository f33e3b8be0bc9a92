import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore

/// A registry folder opened to write by the load generators (`stress`, `presign`), which ship in
/// plimsoll-bench, never in the `plimsoll` binary: the store's one-writer lock, the registrar
/// and sequencer keys of the folder, settlement on the wall clock.
struct BenchRegistry {
    let settlement: Settlement
    /// Lets the registry go once the settlement is idle (a PostgreSQL registry's lease).
    let release: @Sendable () async -> Void

    static func open(_ path: String) throws -> BenchRegistry {
        let (registrar, sequencer) = try keys(path)
        let folder = URL(fileURLWithPath: path, isDirectory: true)
        let store = try SQLiteStore.openWriter(at: folder.appendingPathComponent(SQLiteStore.fileName))
        return BenchRegistry(
            settlement: try Settlement(
                store: store, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs),
            release: {})
    }

    /// The registry on PostgreSQL whose keys the folder holds (`plimsoll init --database`), as its
    /// sequencer: no node may sequence meanwhile; `release` gives the lease back.
    static func open(_ path: String, database: String) async throws -> BenchRegistry {
        let (registrar, sequencer) = try keys(path)
        let store = try await PostgresStore.open(try PostgresStore.configuration(database))
        return BenchRegistry(
            settlement: try Settlement(
                store: store, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs),
            release: { await store.releaseSequencer() })
    }

    private static func keys(_ path: String) throws -> (registrar: SigningKey?, sequencer: SigningKey) {
        let folder = URL(fileURLWithPath: path, isDirectory: true)
        func key(_ name: String) throws -> SigningKey? {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            let text = try String(contentsOf: url, encoding: .utf8)
            return try SigningKey(hex: text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let registrar = try key("registrar.key")
        // A registry of an earlier release has no sequencer key: its registrar key signs the blocks.
        guard let sequencer = try key("sequencer.key") ?? registrar else {
            throw CocoaError(
                .fileNoSuchFile, userInfo: [NSFilePathErrorKey: folder.appendingPathComponent("sequencer.key").path])
        }
        return (registrar, sequencer)
    }

    var state: LedgerState { get async { await settlement.state } }
}
