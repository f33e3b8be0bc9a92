import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Registrar work on a live registry (issue 16): while `plimsoll serve` holds the registry, the
/// registrar commands sign their actions here and settle them through the server; a freeze
/// stops the frozen key's next transfer, a list update adopts and re-screens with no restart,
/// and once the server stops the same commands work on the files again.
struct ServedRegistrarTests {
    @Test(.tags(.slow)) func registrarCommandsSettleThroughTheRunningServer() async throws {
        let folder = try CLI.Folder()
        let reg = folder.reg
        let created = try folder.run("init", "--name", "Served Test", "--json")
        let chainID = try #require(created.stdout.split(separator: "\"").dropFirst(3).first.map(String.init))
        try folder.run("party", "add", "--kind", "person", "--name", "Ana Lima", "--country", "BR")
        try folder.run("party", "add", "--kind", "person", "--name", "Rui Prado", "--country", "PT")
        let anaFile = folder.url.appendingPathComponent("ana.key").path
        let ana = String(try folder.run("key", "new", "--out", anaFile, "--bind", "1").stdout.prefix(64))
        let rui = String(
            try folder.run("key", "new", "--out", folder.url.appendingPathComponent("rui.key").path, "--bind", "2")
                .stdout.prefix(
                    64))
        try folder.run(
            "vessel", "register", "--imo", "9176187", "--name", "Served Star", "--flag", "PA", "--owner", "1")
        try folder.run("issue", "--vessel", "IMO9176187", "--to", ana, "--units", "64")

        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }
        let address = reg + "/server.json"
        #expect(FileManager.default.fileExists(atPath: address), "the server records its address")

        func transfer(nonce: Int) async throws -> (Int, String) {
            let body = try CLI.run(
                "sign-transfer", "--key", anaFile, "--chain-id", chainID, "--to", rui, "--vessel", "IMO9176187",
                "--amount", "1", "--nonce", String(nonce)
            ).stdout
            return try await CLI.post(body, to: base.appendingPathComponent("v1/transfers"))
        }
        #expect(try await transfer(nonce: 1).0 == 200)

        // A folder whose server.json points at this server but whose lock is free (a copy, another
        // registry) is worked on locally: the lock decides, not the file.
        let other = folder.url.appendingPathComponent("other").path
        #expect(try CLI.run("init", "--registry", other, "--name", "Other").status == 0)
        try FileManager.default.copyItem(atPath: address, toPath: other + "/server.json")
        let local = try CLI.run(
            "party", "add", "--kind", "person", "--name", "Zed Other", "--country", "NO", "--registry", other)
        #expect(local.status == 0, "\(local.stderr)")
        #expect(try CLI.run("history", "--party", "1", "--registry", other).stdout.contains("Zed Other"))
        #expect(try CLI.run("history", "--party", "3", "--registry", reg).status != 0, "nothing reached the served one")

        // Registrar commands while serving: no lock error, no restart.
        try folder.run("party", "add", "--kind", "person", "--name", "Eve Sousa", "--country", "PT")
        let freeze = try folder.run("freeze", "--key", ana, "--reason", "court order 12/2026")
        #expect(freeze.stdout.contains("settled") || freeze.stdout.contains("height"), "\(freeze.stdout)")
        let refused = try await transfer(nonce: 2)
        #expect(refused.0 == 422 && refused.1.contains("FROZEN"), "\(refused)")
        try folder.run("lists", "load", ScreeningCLITests.lists + "/ofac_sdn_sample")
        #expect(try folder.run("screen", "--name", "Nobody Known", "--json").stdout.contains("lists_digest"))
        let sequence = try await URLSession.shared.data(from: base.appendingPathComponent("v1/registrar/sequence"))
        #expect(String(decoding: sequence.0, as: UTF8.self).contains("\"sequence\""))

        // API tokens granted and revoked through the server: the token is made here, its hash
        // sent signed; it reads at once and is refused at once after its revocation.
        func vessel(_ token: String) async throws -> Int {
            var request = URLRequest(url: base.appendingPathComponent("v1/vessels/IMO9176187"))
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        let granted = try folder.run("token", "grant", "--role", "regulator", "--label", "flag state", "--json")
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(granted.stdout.utf8)) as? [String: Any])?["token"] as? String)
        #expect(try await vessel(token) == 200)
        let listed = try folder.run("token", "list").stdout
        let id = try #require(listed.split(separator: "\n").first { $0.contains("flag state") }?.prefix(16))
        #expect(try folder.run("token", "revoke", "--id", String(id)).stdout.contains("revoked 1"))
        #expect(try await vessel(token) == 401)

        server.terminate()
        server.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: address), "a stopped server removes its address")
        // With no server, the same commands work on the files.
        try folder.run("unfreeze", "--key", ana, "--reason", "order lifted")
        let eve = try folder.run("screen", "--party", "3").stdout
        #expect(eve.contains("Eve Sousa"), "\(eve)")
    }
}
