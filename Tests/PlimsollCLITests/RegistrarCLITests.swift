import Foundation
import PlimsollCore
import PlimsollStore
import Testing

/// The registrar CLI end to end, comparing whole outputs and exit codes.
struct RegistrarCLITests {
    @Test func registrarFlowAndErrors() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        let initResult = try CLI.run("init", "--registry", reg, "--name", "CLI Test Registry", "--json")
        #expect(initResult.status == 0, "\(initResult.stderr)")
        #expect(initResult.stdout.hasPrefix("{\"chain_id\":\""))
        let keyMode =
            try FileManager.default.attributesOfItem(atPath: reg + "/registrar.key")[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        #expect(try CLI.run("init", "--registry", reg, "--name", "Again").status != 0, "init twice is refused")

        let owner = try CLI.run(
            "party", "add", "--registry", reg, "--kind", "organization", "--name", "Oceanic S.A.", "--country", "PA")
        #expect(owner.status == 0, "\(owner.stderr)")
        #expect(owner.stdout.hasPrefix("party 1\nsettled "))
        #expect(
            try CLI.run(
                "party", "add", "--registry", reg, "--kind", "person", "--name", "Maria Alvarez", "--country", "ES"
            ).stdout.hasPrefix("party 2\n"))
        #expect(
            try CLI.run(
                "party", "add", "--registry", reg, "--kind", "person", "--name", "Kai Nordstrom", "--country", "NO"
            ).stdout.hasPrefix("party 3\n"))

        let mariaFile = folder.appendingPathComponent("maria.key").path
        let maria = try CLI.run("key", "new", "--out", mariaFile, "--bind", "2", "--registry", reg)
        #expect(maria.status == 0, "\(maria.stderr)")
        let mariaKey = String(maria.stdout.prefix(64))
        let kai = try CLI.run(
            "key", "new", "--out", folder.appendingPathComponent("kai.key").path, "--bind", "3", "--registry", reg)
        let kaiKey = String(kai.stdout.prefix(64))
        #expect(try FileManager.default.attributesOfItem(atPath: mariaFile)[.posixPermissions] as? Int == 0o600)

        let vessel = try CLI.run(
            "vessel", "register", "--registry", reg, "--imo", "9176187", "--name", "Plimsoll Star", "--flag", "PA",
            "--units", "64", "--owner", "1")
        #expect(vessel.status == 0, "\(vessel.stderr)")
        #expect(vessel.stdout.hasPrefix("vessel IMO9176187 64 units\nsettled "))
        #expect(
            try CLI.run("issue", "--registry", reg, "--vessel", "IMO9176187", "--to", mariaKey, "--units", "20").status
                == 0)

        let transfer = try CLI.run(
            "transfer", "--registry", reg, "--key", mariaFile, "--to", kaiKey, "--vessel", "IMO9176187", "--amount",
            "5", "--json")
        #expect(transfer.status == 0, "\(transfer.stderr)")
        #expect(transfer.stdout.contains("\"status\":\"settled\""))

        let heightBefore = try SQLiteStore.open(at: URL(fileURLWithPath: reg + "/registry.sqlite")).latestHeight()
        let overdraft = try CLI.run(
            "transfer", "--registry", reg, "--key", mariaFile, "--to", kaiKey, "--vessel", "IMO9176187", "--amount",
            "16")
        #expect(overdraft.status == 1)
        #expect(overdraft.stdout == "")
        #expect(overdraft.stderr == "Error: rejected INSUFFICIENT_UNITS: sender can spend 15 units, not 16\n")
        #expect(
            try SQLiteStore.open(at: URL(fileURLWithPath: reg + "/registry.sqlite")).latestHeight() == heightBefore,
            "a rejection writes no block")

        let badIMO = try CLI.run(
            "vessel", "register", "--registry", reg, "--imo", "9176188", "--name", "X", "--flag", "PA", "--owner", "1")
        #expect(badIMO.status == 64)
        #expect(badIMO.stderr.contains("--imo"))

        let capTable = try CLI.run("cap-table", "--registry", reg, "--vessel", "IMO9176187")
        #expect(capTable.status == 0)
        let lines = capTable.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("  \(mariaKey)  party 2  15 units"))
        #expect(lines[2].hasPrefix("  \(kaiKey)  party 3  5 units"))
        let past = try CLI.run(
            "cap-table", "--registry", reg, "--vessel", "IMO9176187", "--height", String(heightBefore - 1), "--json")
        #expect(past.stdout.contains("\"units\":20"), "before the transfer Maria held 20: \(past.stdout)")

        let balance = try CLI.run("balance", "--registry", reg, "--key", kaiKey)
        #expect(balance.stdout == "IMO9176187 5\n")
        let freeze = try CLI.run("freeze", "--registry", reg, "--key", kaiKey, "--reason", "court order")
        #expect(freeze.status == 0, "\(freeze.stderr)")
        let frozen = try CLI.run(
            "transfer", "--registry", reg, "--key", mariaFile, "--to", kaiKey, "--vessel", "IMO9176187", "--amount", "1"
        )
        #expect(frozen.stderr == "Error: rejected FROZEN: receiver key is frozen\n")
        let forced = try CLI.run(
            "force-transfer", "--registry", reg, "--vessel", "IMO9176187", "--from", kaiKey, "--to", mariaKey,
            "--units", "5", "--order", "HC-2026-117")
        #expect(forced.status == 0, "\(forced.stderr)")
        let log = try CLI.run("log", "--registry", reg, "--json")
        #expect(log.status == 0)
        #expect(log.stdout.contains("HC-2026-117"))

        // Proofs: printed, checked offline, and a flipped byte is refused.
        let pieces: [String] = transfer.stdout.components(separatedBy: "\"")
        let transferID: String = try #require(pieces.first { $0.count == 64 })
        let proof = try CLI.run("proof", "inclusion", "--registry", reg, "--entry", transferID)
        #expect(proof.status == 0, "\(proof.stderr)")
        let proofFile = folder.appendingPathComponent("proof.json")
        try Data(proof.stdout.utf8).write(to: proofFile)
        let verified = try CLI.run("verify-proof", proofFile.path)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("ok: entry at leaf "))
        var tampered = proof.stdout
        let at = tampered.range(of: "\"proof\":[\"")!.upperBound
        tampered.replaceSubrange(at...at, with: tampered[at] == "0" ? "1" : "0")
        try Data(tampered.utf8).write(to: proofFile)
        let refused = try CLI.run("verify-proof", proofFile.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("Error: inclusion proof fails"), "\(refused.stderr)")
        let consistency = try CLI.run(
            "proof", "consistency", "--registry", reg, "--from", "3", "--to", String(heightBefore))
        try Data(consistency.stdout.utf8).write(to: proofFile)
        #expect(try CLI.run("verify-proof", proofFile.path).stdout.hasPrefix("ok: the log at height \(heightBefore)"))

        // Export and offline verify; a cut file is refused with a clear message.
        let exportFile = folder.appendingPathComponent("log.plimsoll").path
        #expect(try CLI.run("export", "--registry", reg, "--out", exportFile).status == 0)
        let verify = try CLI.run("verify", exportFile)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("cap table IMO9176187"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: exportFile))
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: exportFile))
        let cut = try CLI.run("verify", exportFile)
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("truncated file"), "\(cut.stderr)")
    }
}
