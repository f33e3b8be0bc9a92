import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `plimsoll backup` while `plimsoll serve` holds the registry: the copy is whole, checked, holds
/// what was settled over HTTP, leaves the registrar key out, and becomes a working registry
/// again once the key is put back.
struct BackupTests {
    @Test func backupWhileServingIsConsistentAndRestorable() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        func run(_ arguments: String..., registry: String? = nil) throws -> CLI.Result {
            let result = try CLI.run(arguments + ["--registry", registry ?? reg])
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        let created = try run("init", "--name", "Backup Test", "--json")
        let chainID = try #require(created.stdout.split(separator: "\"").dropFirst(3).first.map(String.init))
        _ = try run("party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR")
        _ = try run("party", "add", "--kind", "person", "--name", "Rui Prado", "--country", "PT")
        let anaFile = folder.appendingPathComponent("ana.key").path
        let ana = String(try run("key", "new", "--out", anaFile, "--bind", "1").stdout.prefix(64))
        let rui = String(
            try run("key", "new", "--out", folder.appendingPathComponent("rui.key").path, "--bind", "2").stdout.prefix(
                64))
        _ = try run("vessel", "register", "--imo", "9176187", "--name", "Backup Star", "--flag", "PA", "--owner", "1")
        _ = try run("issue", "--vessel", "IMO9176187", "--to", ana, "--units", "64")

        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }

        // Settle a transfer over HTTP, then back up while the server still holds the registry.
        let body = try CLI.run(
            "sign-transfer", "--key", anaFile, "--chain-id", chainID, "--to", rui, "--vessel", "IMO9176187", "--amount",
            "5", "--nonce", "1"
        ).stdout
        let (status, answer) = try await CLI.post(body, to: base.appendingPathComponent("v1/transfers"))
        #expect(status == 200, "\(answer)")
        // A registrar command while serving goes to the server and settles there (issue 16).
        let frozen = try CLI.run("freeze", "--registry", reg, "--key", ana, "--reason", "while serving")
        #expect(frozen.status == 0, "\(frozen.stderr)")

        let copy = folder.appendingPathComponent("copy").path
        let backup = try CLI.run("backup", "--registry", reg, "--out", copy)
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("checked: integrity ok"))
        #expect(!FileManager.default.fileExists(atPath: copy + "/registrar.key"), "the registrar key is never copied")
        #expect(!FileManager.default.fileExists(atPath: copy + "/sequencer.key"), "nor the sequencer key")
        #expect(try CLI.run("backup", "--registry", reg, "--out", copy).status != 0, "a backup never overwrites")
        server.terminate()
        server.waitUntilExit()

        let original = try run("cap-table", "--vessel", "IMO9176187", "--json").stdout
        #expect(original.contains("\"units\":59") && original.contains("\"units\":5"), "\(original)")
        #expect(
            try run("cap-table", "--vessel", "IMO9176187", "--json", registry: copy).stdout == original,
            "the copy holds the HTTP transfer")

        // Restoring: the copy plus the separately kept keys is a registry that settles again.
        for name in ["registrar.key", "sequencer.key"] {
            try FileManager.default.copyItem(atPath: reg + "/" + name, toPath: copy + "/" + name)
        }
        #expect(
            try run("freeze", "--key", rui, "--reason", "restored registry settles again", registry: copy).status == 0)
        let exported = folder.appendingPathComponent("copy.log").path
        _ = try run("export", "--out", exported, registry: copy)
        let verified = try CLI.run("verify", exported, "--chain-id", chainID)
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
