import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// A registry folder opened to write by the load generators (`stress`, `presign`), which ship in
/// plimsoll-bench, never in the `plimsoll` binary: the store's one-writer lock, the registrar
/// key of the folder, settlement on the wall clock.
struct BenchRegistry {
    let settlement: Settlement

    static func open(_ path: String) throws -> BenchRegistry {
        let folder = URL(fileURLWithPath: path, isDirectory: true)
        let keyText = try String(contentsOf: folder.appendingPathComponent("registrar.key"), encoding: .utf8)
        let key = try SigningKey(hex: keyText.trimmingCharacters(in: .whitespacesAndNewlines))
        let store = try SQLiteStore.openWriter(at: folder.appendingPathComponent(SQLiteStore.fileName))
        return BenchRegistry(settlement: try Settlement(store: store, registrarKey: key, clock: Settlement.wallClockMs))
    }

    var state: LedgerState { get async { await settlement.state } }
}
