import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// A registry folder opened to write by the load generators (`stress`, `presign`), which ship in
/// plimsoll-bench, never in the `plimsoll` binary: the store's one-writer lock, the registrar
/// and sequencer keys of the folder, settlement on the wall clock.
struct BenchRegistry {
    let settlement: Settlement

    static func open(_ path: String) throws -> BenchRegistry {
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
        let store = try SQLiteStore.openWriter(at: folder.appendingPathComponent(SQLiteStore.fileName))
        return BenchRegistry(
            settlement: try Settlement(
                store: store, sequencerKeys: [sequencer], registrarKey: registrar, clock: Settlement.wallClockMs))
    }

    var state: LedgerState { get async { await settlement.state } }
}
