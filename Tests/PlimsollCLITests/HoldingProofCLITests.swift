import Foundation
import Testing

/// `plimsoll proof holding` prints a proof that `plimsoll verify-proof` checks offline; a proof
/// edited to claim other units is refused.
struct HoldingProofCLITests {
    @Test func aPrintedHoldingProofVerifiesAndAnEditedOneDoesNot() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        func run(_ args: String...) throws -> CLI.Result { try CLI.run(args + ["--registry", reg]) }
        #expect(try CLI.run("init", "--registry", reg, "--name", "Holding Proofs").status == 0)
        _ = try run("party", "add", "--kind", "organization", "--name", "Owner AS", "--country", "NO")
        let key = String(
            try run("key", "new", "--out", folder.appendingPathComponent("o.key").path, "--bind", "1").stdout.prefix(64)
        )
        #expect(
            try run("vessel", "register", "--imo", "9176187", "--name", "Proof Star", "--flag", "NO", "--owner", "1")
                .status == 0)
        #expect(try run("issue", "--vessel", "IMO9176187", "--to", key, "--units", "64").status == 0)
        let printed = try run("proof", "holding", "--key", key, "--vessel", "IMO9176187")
        #expect(printed.status == 0, "\(printed.stderr)")
        let file = folder.appendingPathComponent("holding.json")
        try Data(printed.stdout.utf8).write(to: file)
        let registrar = try #require(
            (try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])?["registrar_key"]
                as? String)
        let verified = try CLI.run("verify-proof", file.path, "--registrar-key", registrar)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("ok: key \(key) holds 64 units of IMO9176187"), "\(verified.stdout)")

        var edited = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        edited["units"] = 63
        edited.removeValue(forKey: "record")
        try JSONSerialization.data(withJSONObject: edited).write(to: file)
        let refused = try CLI.run("verify-proof", file.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("holding proof fails"), "\(refused.stderr)")
    }
}
