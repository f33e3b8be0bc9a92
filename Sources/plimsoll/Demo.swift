import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollStore

/// `plimsoll demo`: creates a registry in a temporary folder and shows the crypto checks it rests on.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the demonstration scenario on a temporary registry.")

    @Flag(help: "Keep the temporary registry folder.")
    var keep = false

    func run() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("plimsoll-demo-\(UUID().uuidString)", isDirectory: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let registry = try RegistryFolder.create(at: folder, name: "Plimsoll Demo Registry", maxValidity: 604_800)
        let settings = try registry.store.durabilitySettings()
        print("registry   \(folder.path)")
        print("chain_id   \(registry.genesis.chainID.hex)")
        print("registrar  \(registry.genesis.registrarKey.hex)")
        print("sqlite     journal_mode=\(settings.journalMode) synchronous=\(settings.synchronous == 2 ? "FULL" : String(settings.synchronous))")
        let reopened = try SQLiteStore.open(at: folder.appendingPathComponent(SQLiteStore.fileName))
        guard reopened.genesis.chainID == registry.genesis.chainID else { throw CLIError("reopened registry has another chain_id") }
        print("self-check")
        var failures = 0
        for check in SelfCheck.run(chainID: registry.genesis.chainID) {
            print("  \(check.passed ? "ok  " : "FAIL") \(check.name)")
            if !check.passed { failures += 1 }
        }
        guard failures == 0 else { throw CLIError("\(failures) self-check(s) failed") }
        if keep { print("kept       \(folder.path)") }
    }
}
