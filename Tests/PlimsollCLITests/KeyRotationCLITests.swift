import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Both of the registry's keys rotated while it serves (issue 16, item 3): the server signs its
/// blocks with the new sequencer key from the rotation's block on, the registrar's commands sign
/// with the new registrar key, the server runs with no registrar key at all, and `plimsoll
/// verify` follows both rotations in the exported log.
struct KeyRotationCLITests {
    static func registryJSON(_ base: URL) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(from: base.appendingPathComponent("v1/registry"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(.tags(.slow)) func bothKeysRotateOnALiveRegistryAndVerifyFollows() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        @discardableResult
        func run(_ arguments: String...) throws -> CLI.Result {
            let result = try CLI.run(arguments + ["--registry", reg])
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        let created =
            try JSONSerialization.jsonObject(with: Data(try run("init", "--name", "Rotating", "--json").stdout.utf8))
            as? [String: String]
        let registrar = try #require(created?["registrar_key"])
        let sequencer = try #require(created?["sequencer_key"])
        #expect(registrar != sequencer, "genesis names a sequencer key of its own")
        try run("party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR")

        // The registrar's key leaves the server's folder: it serves with the sequencer key alone.
        let offline = folder.appendingPathComponent("registrar.key").path
        try FileManager.default.moveItem(atPath: reg + "/registrar.key", toPath: offline)
        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }
        #expect(try await Self.registryJSON(base)["sequencer_key"] as? String == sequencer)
        // Back on the registrar's side (here: the same folder, for the CLI to find it).
        try FileManager.default.moveItem(atPath: offline, toPath: reg + "/registrar.key")

        let rotatedSequencer = try run("key", "rotate", "--role", "sequencer", "--json").stdout
        let newSequencer = try #require(
            (try JSONSerialization.jsonObject(with: Data(rotatedSequencer.utf8)) as? [String: Any])?["key"] as? String)
        #expect(!FileManager.default.fileExists(atPath: reg + "/sequencer.next.key"), "the new key is in place")
        let registry = try await Self.registryJSON(base)
        #expect(registry["sequencer_key"] as? String == newSequencer, "\(registry)")

        let rotatedRegistrar = try run("key", "rotate", "--role", "registrar", "--json").stdout
        let newRegistrar = try #require(
            (try JSONSerialization.jsonObject(with: Data(rotatedRegistrar.utf8)) as? [String: Any])?["key"] as? String)
        #expect(try await Self.registryJSON(base)["registrar_key_in_force"] as? String == newRegistrar)
        #expect(try await Self.registryJSON(base)["registrar_key"] as? String == registrar, "genesis's stays")
        // The next registrar command signs with the new key, through the server.
        try run("party", "add", "--kind", "person", "--name", "Rui Prado", "--country", "PT")
        server.terminate()
        server.waitUntilExit()

        // Offline: the log follows both rotations; pinned to genesis's registrar key.
        let log = folder.appendingPathComponent("log.plimsoll").path
        try run("export", "--out", log)
        let verified = try CLI.run("verify", log, "--registrar-key", registrar)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("rotated sequencer key at height"), "\(verified.stdout)")
        #expect(verified.stdout.contains("rotated registrar key at height"), "\(verified.stdout)")
        #expect(verified.stdout.contains("sequencer \(newSequencer)"), "\(verified.stdout)")
        // And the files: a later command opens the registry with the rotated keys.
        try run("party", "add", "--kind", "person", "--name", "Eva Moss", "--country", "NO")
        #expect(try run("history", "--party", "3").stdout.contains("Eva Moss"))
    }
}
