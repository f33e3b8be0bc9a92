import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// `plimsoll demo`: the sanctions-evasion scenario of Docs/walkthrough.md on an embedded registry
/// in a temporary folder, narrated step by step, with the real lists in `data/sanctions/`.
///
/// Every step checks its own outcome (a refusal must be refused with the expected code, units must
/// be conserved, the exported log must verify and a tampered copy must not), so a demo that
/// prints its story but no longer behaves as told exits non-zero and fails CI.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the sanctions-evasion scenario on a temporary registry, narrated step by step."
    )

    @Flag(help: "Keep the temporary registry folder (to explore it with the other commands afterwards).")
    var keep = false

    @Option(help: "The folder holding the carried sanctions lists (default: data/sanctions of this checkout).")
    var data: String?

    func run() async throws {
        let lists = try DemoData(folder: dataFolder())
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("plimsoll-demo-\(UUID().uuidString)", isDirectory: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let narrator = Narrator()
        let store = try RegistryFolder.create(at: folder, name: "Plimsoll Demo Registry", maxValidity: 604_800)
        let settings = try store.durabilitySettings()
        narrator.step("A registrar creates a registry: an embedded SQLite file in a temporary folder")
        narrator.command("plimsoll init --name \"Plimsoll Demo Registry\"")
        narrator.say("folder    \(folder.path)")
        narrator.say(
            "sqlite    journal_mode=\(settings.journalMode), synchronous=\(settings.synchronous == 2 ? "FULL" : "\(settings.synchronous)")"
        )
        narrator.say("chain_id  \(store.genesis.chainID.hex)  (every signature commits to it)")
        narrator.say("registrar \(store.genesis.registrarKey.hex)  (signs every registrar entry)")
        narrator.say("sequencer \(store.genesis.sequencerKey.hex)  (signs every block header)")
        try selfCheck(narrator, chainID: store.genesis.chainID)
        let registry = try OpenRegistry.open(RegistryOptions(registry: folder.path))
        try await DemoScenario(registry: registry, lists: lists, narrator: narrator).run()
        narrator.step("Done")
        if keep {
            narrator.say("the registry is kept in \(folder.path); try:")
            narrator.command("plimsoll log --registry \(folder.path) --limit 5")
            // The regulator's explorer over the kept registry: a token to sign in with.
            let token = try store.grantToken(
                role: .regulator, label: "demo explorer", nowMs: UInt64(Date().timeIntervalSince1970 * 1000))
            narrator.command("plimsoll serve --registry \(folder.path) --port 8080")
            narrator.say("explorer  http://127.0.0.1:8080/explorer")
            narrator.say("token     \(token)  (a regulator token: sign in with it)")
        } else {
            narrator.say("the temporary registry is removed (pass --keep to explore it)")
        }
    }

    /// `--data`, else `data/sanctions` under the working folder, else next to this source file
    /// (so `swift run plimsoll demo` works from anywhere inside the checkout).
    private func dataFolder() throws -> URL {
        if let data { return URL(fileURLWithPath: data, isDirectory: true) }
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("data/sanctions"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("data/sanctions"),
        ]
        guard
            let found = candidates.first(where: {
                FileManager.default.fileExists(atPath: $0.appendingPathComponent("un").path)
            })
        else {
            throw CLIError("cannot find data/sanctions: run the demo from the repository root or pass --data")
        }
        return found
    }

    private func selfCheck(_ narrator: Narrator, chainID: Hash32) throws {
        narrator.step("Crypto self-check (libsecp256k1 and SHA-256 against known answers)")
        var failures = 0
        for check in SelfCheck.run(chainID: chainID) {
            narrator.say("\(check.passed ? "ok  " : "FAIL") \(check.name)")
            if !check.passed { failures += 1 }
        }
        guard failures == 0 else { throw CLIError("\(failures) self-check(s) failed") }
    }
}

/// The carried list files the demo adopts: the 2019 OFAC edition and the UN list first, then the
/// current OFAC edition as "the list update".
struct DemoData {
    let ofac2019: URL
    let ofacCurrent: URL
    let un: URL
    private let folder: URL

    /// A list file as the registrar would name it from the repository root.
    func shownPath(_ url: URL) -> String {
        "data/sanctions/" + url.path.dropFirst(folder.path.count).drop { $0 == "/" }
    }

    init(folder: URL) throws {
        self.folder = folder
        ofac2019 = folder.appendingPathComponent("ofac_sdn_2019", isDirectory: true)
        ofacCurrent = folder.appendingPathComponent("ofac_sdn", isDirectory: true)
        un = folder.appendingPathComponent("un/consolidated.xml")
        for url in [ofac2019, ofacCurrent, un] where !FileManager.default.fileExists(atPath: url.path) {
            throw CLIError("missing \(url.path): the demo needs the lists carried in data/sanctions")
        }
    }
}

/// Terminal narration: numbered steps, indented facts, and the CLI command a registrar or
/// regulator would type for the same step.
final class Narrator {
    private var steps = 0

    func step(_ text: String) {
        steps += 1
        print("\n== \(steps). \(text)")
    }

    func say(_ text: String) { print("   \(text)") }

    func command(_ text: String) { print("   $ \(text)") }
}

extension RegistryOptions {
    init(registry: String) {
        self.init()
        self.registry = registry
    }
}
