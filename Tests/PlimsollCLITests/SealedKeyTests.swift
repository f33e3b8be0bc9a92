import Foundation
import Testing

/// Key files sealed at rest (issue 16, item 3): a registry made with a sealed registrar key
/// works only with its passphrase; a plain key file is sealed in place and still signs.
struct SealedKeyTests {
    @Test func aSealedRegistrarKeyNeedsItsPassphrase() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        let good = ["PLIMSOLL_KEY_PASSPHRASE": "correct horse battery"]
        func run(_ arguments: [String], _ environment: [String: String], registry: Bool = true) throws -> CLI.Result {
            let (process, out, err) = try CLI.process(
                arguments + (registry ? ["--registry", reg] : []), environment: environment)
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLI.Result(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }
        #expect(try run(["init", "--name", "Sealed", "--seal-key"], [:]).stderr.contains("PLIMSOLL_KEY_PASSPHRASE"))
        let created = try run(["init", "--name", "Sealed", "--seal-key"], good)
        #expect(created.status == 0)
        let registrarKey = String(
            created.stdout.split(separator: "\n").first { $0.hasPrefix("registrar_key ") }?.dropFirst(14) ?? "")
        let stored = try String(contentsOfFile: reg + "/registrar.key", encoding: .utf8)
        #expect(stored.hasPrefix("plimsoll-key-v1:scrypt:"))
        let add = ["party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR"]
        let missing = try run(add, ["PLIMSOLL_KEY_PASSPHRASE": ""])
        #expect(missing.status != 0 && missing.stderr.contains("sealed under a passphrase"), "\(missing.stderr)")
        let wrong = try run(add, ["PLIMSOLL_KEY_PASSPHRASE": "wrong horse battery"])
        #expect(wrong.status != 0 && wrong.stderr.contains("wrong passphrase"), "\(wrong.stderr)")
        #expect(try run(add, good).status == 0)

        // A plain holder key, sealed in place, still signs a transfer.
        let holder = folder.appendingPathComponent("holder.key").path
        let key = String(try run(["key", "new", "--out", holder, "--bind", "1"], good).stdout.prefix(64))
        #expect(try run(["key", "seal", "--file", holder], good, registry: false).status == 0)
        #expect(try String(contentsOfFile: holder, encoding: .utf8).hasPrefix("plimsoll-key-v1:"))
        let attributes = try FileManager.default.attributesOfItem(atPath: holder)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try run(["key", "seal", "--file", holder], good, registry: false).stderr.contains("already sealed"))
        let signed = try run(
            [
                "sign-transfer", "--key", holder, "--chain-id", String(repeating: "ab", count: 32), "--to",
                registrarKey, "--vessel", "IMO9176187", "--amount", "1", "--nonce", "1",
            ], good, registry: false)
        #expect(signed.status == 0 && signed.stdout.contains(key), "\(signed.stderr)")
    }
}
