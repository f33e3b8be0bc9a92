import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
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
        let folder = try CLI.Folder()
        let reg = folder.reg
        let created =
            try JSONSerialization.jsonObject(
                with: Data(try folder.run("init", "--name", "Rotating", "--json").stdout.utf8))
            as? [String: String]
        let registrar = try #require(created?["registrar_key"])
        let sequencer = try #require(created?["sequencer_key"])
        #expect(registrar != sequencer, "genesis names a sequencer key of its own")
        try folder.run("party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR")

        // The registrar's key leaves the server's folder: it serves with the sequencer key alone.
        let offline = folder.url.appendingPathComponent("registrar.key").path
        try FileManager.default.moveItem(atPath: reg + "/registrar.key", toPath: offline)
        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }
        #expect(try await Self.registryJSON(base)["sequencer_key"] as? String == sequencer)
        // Back on the registrar's side (here: the same folder, for the CLI to find it).
        try FileManager.default.moveItem(atPath: offline, toPath: reg + "/registrar.key")

        let rotatedSequencer = try folder.run("key", "rotate", "--role", "sequencer", "--json").stdout
        let newSequencer = try #require(
            (try JSONSerialization.jsonObject(with: Data(rotatedSequencer.utf8)) as? [String: Any])?["key"] as? String)
        #expect(!FileManager.default.fileExists(atPath: reg + "/sequencer.next.key"), "the new key is in place")
        let registry = try await Self.registryJSON(base)
        #expect(registry["sequencer_key"] as? String == newSequencer, "\(registry)")

        let rotatedRegistrar = try folder.run("key", "rotate", "--role", "registrar", "--json").stdout
        let newRegistrar = try #require(
            (try JSONSerialization.jsonObject(with: Data(rotatedRegistrar.utf8)) as? [String: Any])?["key"] as? String)
        #expect(try await Self.registryJSON(base)["registrar_key_in_force"] as? String == newRegistrar)
        #expect(try await Self.registryJSON(base)["registrar_key"] as? String == registrar, "genesis's stays")
        // The next registrar command signs with the new key, through the server.
        try folder.run("party", "add", "--kind", "person", "--name", "Rui Prado", "--country", "PT")
        server.terminate()
        server.waitUntilExit()

        // Offline: the log follows both rotations; pinned to genesis's registrar key.
        let log = folder.url.appendingPathComponent("log.plimsoll").path
        try folder.run("export", "--out", log)
        let verified = try CLI.run("verify", log, "--registrar-key", registrar)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("rotated sequencer key at height"), "\(verified.stdout)")
        #expect(verified.stdout.contains("rotated registrar key at height"), "\(verified.stdout)")
        #expect(verified.stdout.contains("sequencer \(newSequencer)"), "\(verified.stdout)")
        // And the files: a later command opens the registry with the rotated keys.
        try folder.run("party", "add", "--kind", "person", "--name", "Eva Moss", "--country", "NO")
        #expect(try folder.run("history", "--party", "3").stdout.contains("Eva Moss"))
    }
}

/// The edges of rotation (issue 16, item 3, reviewed): a registry of an earlier release (one key
/// for both roles) keeps the key that signs its blocks when the registrar's rotates; a rotation
/// cut short before its rename is finished on the next opening; a proof's signing key is checked
/// from the genesis record and the rotations it carries, not taken on its word.
struct KeyRotationEdgeTests {
    /// A version 1 registry (no sequencer key) in `folder`, as an earlier release made it.
    static func earlierRelease(_ folder: URL) throws -> SigningKey {
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var rng = SplitMix64(seed: 1616)
        let key = SigningKey.generate(using: &rng)
        _ = try RegistryBootstrap.create(
            at: folder.appendingPathComponent(SQLiteStore.fileName), name: "Earlier Release", registrarKey: key,
            createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: 604_800)
        let file = folder.appendingPathComponent("registrar.key").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data((Hex.encode(key.secretBytes) + "\n").utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        return key
    }

    @Test(.tags(.slow)) func anEarlierReleaseKeepsItsBlockKeyAcrossARegistrarRotation() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg")
        let original = try Self.earlierRelease(reg)
        @discardableResult
        func run(_ arguments: String...) throws -> CLI.Result {
            let result = try CLI.run(arguments + ["--registry", reg.path])
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        try run("party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR")
        try run("key", "rotate", "--role", "registrar")
        // The old key still signs the blocks, from its own file now.
        let kept = try String(contentsOf: reg.appendingPathComponent("sequencer.key"), encoding: .utf8)
        #expect(kept.trimmingCharacters(in: .whitespacesAndNewlines) == Hex.encode(original.secretBytes))
        try run("party", "add", "--kind", "person", "--name", "Rui Prado", "--country", "PT")
        try run("key", "rotate", "--role", "sequencer")
        try run("party", "add", "--kind", "person", "--name", "Eva Moss", "--country", "NO")
        let log = folder.appendingPathComponent("log.plimsoll").path
        try run("export", "--out", log)
        let verified = try CLI.run("verify", log, "--registrar-key", original.publicKey.hex)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("rotated registrar key"), "\(verified.stdout)")
        #expect(verified.stdout.contains("rotated sequencer key"), "\(verified.stdout)")
    }

    @Test(.tags(.slow)) func aRotationCutShortIsFinishedAndProofsCarryTheirKeys() throws {
        let folder = try CLI.Folder()
        let reg = folder.reg
        let created =
            try JSONSerialization.jsonObject(with: Data(try folder.run("init", "--name", "Cut", "--json").stdout.utf8))
            as? [String: String]
        let registrar = try #require(created?["registrar_key"])
        let chainID = try #require(created?["chain_id"])
        try folder.run("party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR")
        let holder = String(
            try folder.run("key", "new", "--out", folder.url.appendingPathComponent("ana.key").path, "--bind", "1")
                .stdout.prefix(
                    64))
        try folder.run("vessel", "register", "--imo", "9176187", "--name", "Cut Star", "--flag", "PA", "--owner", "1")
        try folder.run("issue", "--vessel", "IMO9176187", "--to", holder, "--units", "64")

        // A registrar rotation whose process stopped after the rotation settled, before the rename.
        let oldKey = try Data(contentsOf: URL(fileURLWithPath: reg + "/registrar.key"))
        try folder.run("key", "rotate", "--role", "registrar")
        try FileManager.default.moveItem(atPath: reg + "/registrar.key", toPath: reg + "/registrar.next.key")
        #expect(
            FileManager.default.createFile(
                atPath: reg + "/registrar.key", contents: oldKey, attributes: [.posixPermissions: 0o600]))
        // The next command finds the new key waiting and puts it in place.
        try folder.run("party", "add", "--kind", "person", "--name", "Rui Prado", "--country", "PT")
        #expect(!FileManager.default.fileExists(atPath: reg + "/registrar.next.key"))

        // Two sequencer rotations: a holding proof carries them, and verify-proof follows them
        // from the chain id alone.
        try folder.run("key", "rotate", "--role", "sequencer")
        try folder.run("key", "rotate", "--role", "sequencer")
        try folder.run("freeze", "--key", holder, "--reason", "a block after the rotations")
        let proof = try folder.run("proof", "holding", "--key", holder, "--vessel", "IMO9176187").stdout
        let file = folder.url.appendingPathComponent("proof.json")
        try Data(proof.utf8).write(to: file)
        let verified = try CLI.run("verify-proof", file.path, "--registrar-key", registrar)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("holds 64 units"), "\(verified.stdout)")
        // Without the rotations, the header's key cannot be vouched for.
        var document = try #require(try JSONSerialization.jsonObject(with: Data(proof.utf8)) as? [String: Any])
        let rotations = try #require(document["sequencer_rotations"] as? [Any])
        #expect(rotations.count == 2)
        document["sequencer_rotations"] = [Any]()
        try JSONSerialization.data(withJSONObject: document).write(to: file)
        let stripped = try CLI.run("verify-proof", file.path, "--chain-id", chainID)
        #expect(stripped.status != 0, "a proof without its rotations must fail")
        // A genesis record of another registry.
        document["sequencer_rotations"] = rotations
        let genesis = try #require(document["genesis"] as? String)
        document["genesis"] = String(genesis.prefix(6)) + "58" + String(genesis.dropFirst(8))  // "Cut" -> "Xut"
        try JSONSerialization.data(withJSONObject: document).write(to: file)
        #expect(try CLI.run("verify-proof", file.path).status != 0, "a genesis that is not the chain's must fail")
    }
}
