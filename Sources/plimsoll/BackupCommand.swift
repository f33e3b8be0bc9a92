import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import PlimsollStore

/// `plimsoll backup`: a consistent copy of a registry folder while it keeps serving.
///
/// The database goes through SQLite's online backup API (one snapshot, the writer never stops);
/// the adopted lists and the rules file are immutable once written and are copied as files. The
/// copy is then opened and checked like a registry at start-up (integrity check, the last block's
/// hash, signature and state digest). The registrar key is deliberately not copied: it belongs in
/// its own, offline backup (Docs/operations.md).
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Copy the registry (database, adopted lists, rules) to a new folder while it serves, and check the copy."
    )

    @OptionGroup var options: RegistryOptions
    @Option(help: "Folder to create for the copy (never overwritten).") var out: String

    func run() async throws {
        let target = URL(fileURLWithPath: out, isDirectory: true)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            throw CLIError("\(out) already exists; a backup never overwrites")
        }
        let store = try ReadOnly.store(options)
        try FileManager.default.createDirectory(
            at: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try store.backup(to: target.appendingPathComponent(SQLiteStore.fileName))
        let source = options.registryURL
        for item in [AdoptedLists.listsFolder(source), AdoptedLists.rulesFile(source)]
        where FileManager.default.fileExists(atPath: item.path) {
            try FileManager.default.copyItem(at: item, to: target.appendingPathComponent(item.lastPathComponent))
        }
        let copy = try SQLiteStore.open(at: target.appendingPathComponent(SQLiteStore.fileName))
        let integrity = try copy.integrityCheck()
        guard integrity == "ok" else { throw CLIError("the copy fails SQLite's integrity check: \(integrity)") }
        let (state, tip) = try copy.loadLedger()
        let head = tip.header.header
        guard state.chainID == store.genesis.chainID else { throw CLIError("the copy is of another registry") }
        struct View: Encodable {
            let folder: String, height: UInt64, log_size: UInt64, block_hash: String, integrity: String,
                registrar_key_copied: Bool
        }
        let view = View(
            folder: target.path, height: head.height, log_size: head.logSize, block_hash: head.hash.hex,
            integrity: integrity,
            registrar_key_copied: false
        )
        Output.emit(
            options.json, view,
            text: [
                "backed up \(source.path) to \(target.path)",
                "height \(head.height) log_size \(head.logSize) block \(head.hash.hex)",
                "checked: integrity ok, last block hash, signature and state digest",
                "not copied: \(RegistryFolder.registrarKeyName), \(RegistryFolder.sequencerKeyName) (keep them in their own offline backup)",
            ].joined(separator: "\n"))
    }
}
