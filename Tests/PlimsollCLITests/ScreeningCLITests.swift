import Foundation
import Testing

/// Screening through the CLI: adopting a list re-screens, freezes what is blocked, and the
/// ledger refuses transfers with the screening codes.
struct ScreeningCLITests {
    static var lists: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("data/sanctions").path
    }

    @Test func listLoadFreezesBlockedPartiesAndVessels() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        func run(_ args: String...) throws -> CLI.Result { try CLI.run(args + ["--registry", reg]) }
        #expect(try CLI.run("init", "--registry", reg, "--name", "Screening CLI").status == 0)
        _ = try run("party", "add", "--kind", "organization", "--name", "Nordic Tankers AS", "--country", "NO")  // 1
        _ = try run("party", "add", "--kind", "person", "--name", "Dmitry Yuryevich Khoroshev", "--country", "RU")  // 2
        let owner = try run("key", "new", "--out", folder.appendingPathComponent("o.key").path, "--bind", "1")
        let listedKey = try run("key", "new", "--out", folder.appendingPathComponent("l.key").path, "--bind", "2")
        let ownerKey = String(owner.stdout.prefix(64))
        let listed = String(listedKey.stdout.prefix(64))
        #expect(
            try run("vessel", "register", "--imo", "9339301", "--name", "NS Leader", "--flag", "GA", "--owner", "1")
                .status == 0)
        #expect(
            try run("vessel", "register", "--imo", "9176187", "--name", "Clean Star", "--flag", "NO", "--owner", "1")
                .status == 0)
        #expect(try run("issue", "--vessel", "IMO9176187", "--to", ownerKey, "--units", "64").status == 0)

        let load = try run("lists", "load", Self.lists + "/ofac_sdn_sample", "--json")
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("\"adopted\":[\"ofac ofac-csv 17 entries"))
        #expect(load.stdout.contains("party 2 block: name_match: ofac:48603"), "\(load.stdout)")
        #expect(load.stdout.contains("\"frozen\":[\"party 2\",\"vessel IMO9339301\"]"), "\(load.stdout)")
        #expect(try run("lists", "load", Self.lists + "/ofac_sdn_sample").stdout.contains("already in force"))

        let ownerFile = folder.appendingPathComponent("o.key").path
        let frozen = try run("transfer", "--key", ownerFile, "--to", listed, "--vessel", "IMO9176187", "--amount", "1")
        #expect(
            frozen.stderr.hasPrefix(
                "Error: rejected FROZEN: receiver party 2 is frozen, blocked by screening: name_match: ofac:48603"),
            "a freeze caused by screening names its evidence: \(frozen.stderr)"
        )
        #expect(try run("unfreeze", "--party", "2", "--reason", "court asked to keep the holding visible").status == 0)
        let hit = try run("transfer", "--key", ownerFile, "--to", listed, "--vessel", "IMO9176187", "--amount", "1")
        #expect(
            hit.stderr.hasPrefix(
                "Error: rejected SANCTIONS_HIT: party 2 is blocked by screening: name_match: ofac:48603"),
            "\(hit.stderr)")
        let vessel = try run("issue", "--vessel", "IMO9339301", "--to", ownerKey, "--units", "1")
        #expect(vessel.stderr == "Error: rejected FROZEN: IMO9339301 is frozen\n")

        let screen = try run("screen", "--name", "Khoroshev Dmitry", "--kind", "person", "--json")
        #expect(screen.status == 0)
        #expect(screen.stdout.contains("\"entityID\":\"ofac:48603\""))
        let imo = try run("screen", "--imo", "IMO 9339301")
        #expect(imo.stdout.hasPrefix("1 match(es)\n"))
        let explained = try run("screen", "--party", "2")
        #expect(explained.stdout.hasPrefix("party 2 Dmitry Yuryevich Khoroshev: block (recorded: block)"))
        let log = try run("log", "--json")
        #expect(log.stdout.contains("\"kind\":\"list-adopted\""))

        let broken = folder.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("\"1\",\"NAME\"\r\n".utf8).write(to: broken.appendingPathComponent("sdn.csv"))
        let refused = try run("lists", "load", broken.path)
        #expect(refused.status == 1)
        #expect(refused.stderr == "Error: list refused, nothing adopted: sdn.csv: line 1: expected 12 fields, got 2\n")
    }
}
