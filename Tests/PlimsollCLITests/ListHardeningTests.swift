import Foundation
import Testing

/// A bad list must never replace a good one: real list files cut short or emptied are refused
/// with a reason, and an edition that shrinks too far needs `--allow-shrink`; nothing is adopted
/// when refused, and listed people stay listed.
struct ListHardeningTests {
    struct Registry {
        let folder: URL
        let reg: String

        init() throws {
            folder = try CLI.temporaryFolder()
            reg = folder.appendingPathComponent("reg").path
            #expect(try CLI.run("init", "--registry", reg, "--name", "List Hardening").status == 0)
            // A party that both the UN list and OFAC's SDN list name (Han Yu Ro, UN KPi.005).
            #expect(try run("party", "add", "--kind", "person", "--name", "Han Yu Ro", "--country", "KP").status == 0)
        }

        func run(_ args: String...) throws -> CLI.Result { try CLI.run(args + ["--registry", reg]) }
        func remove() { try? FileManager.default.removeItem(at: folder) }

        /// The lists digest and the recorded screening of party 1, which a refused load must not change.
        func snapshot() throws -> String {
            let digest = try run("log", "--json").stdout.count
            return "\(digest) \(try run("screen", "--party", "1").stdout)"
        }
    }

    static let lists = ScreeningCLITests.lists

    @Test func truncatedAndEmptyRealListsAreRefusedAndNothingIsAdopted() throws {
        let r = try Registry()
        defer { r.remove() }
        let adopt = try r.run("lists", "load", Self.lists + "/un/consolidated.xml")
        #expect(adopt.status == 0, "\(adopt.stderr)")
        let before = try r.snapshot()
        #expect(before.contains("block"), "Han Yu Ro is blocked by the UN list: \(before)")

        // The UN file cut in the middle of an element, a sixth of the way in.
        let xml = try Data(contentsOf: URL(fileURLWithPath: Self.lists + "/un/consolidated.xml"))
        let cut = r.folder.appendingPathComponent("cut.xml")
        try xml.prefix(xml.count / 6).write(to: cut)
        let truncated = try r.run("lists", "load", cut.path)
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("incomplete: CONSOLIDATED_LIST is never closed"), "\(truncated.stderr)")
        #expect(truncated.stderr.contains("nothing adopted"), "\(truncated.stderr)")

        // OFAC's folder with an empty sdn.csv (the other files real).
        let ofac = r.folder.appendingPathComponent("ofac_empty")
        try FileManager.default.createDirectory(at: ofac, withIntermediateDirectories: true)
        for name in ["add.csv", "alt.csv", "sdn_comments.csv"] {
            try FileManager.default.copyItem(
                atPath: Self.lists + "/ofac_sdn/\(name)", toPath: ofac.appendingPathComponent(name).path)
        }
        try Data().write(to: ofac.appendingPathComponent("sdn.csv"))
        let empty = try r.run("lists", "load", ofac.path)
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("sdn.csv") && empty.stderr.contains("holds no records"), "\(empty.stderr)")

        #expect(try r.snapshot() == before, "a refused list changes nothing: no adoption, no re-screening")
        let name = try r.run("screen", "--name", "Han Yu Ro", "--kind", "person")
        #expect(name.stdout.contains("KPi.005"), "the listed person is still found by name: \(name.stdout)")
    }

    @Test func aShrinkingEditionNeedsAllowShrinkAndIsLogged() throws {
        let r = try Registry()
        defer { r.remove() }
        #expect(try r.run("lists", "load", Self.lists + "/ofac_sdn").status == 0)
        // The same source cut at a record boundary: it parses, but lost most of its entries.
        let short = r.folder.appendingPathComponent("ofac_short")
        try FileManager.default.createDirectory(at: short, withIntermediateDirectories: true)
        for name in ["add.csv", "alt.csv", "sdn_comments.csv"] {
            try FileManager.default.copyItem(
                atPath: Self.lists + "/ofac_sdn/\(name)", toPath: short.appendingPathComponent(name).path)
        }
        let sdn = try String(contentsOfFile: Self.lists + "/ofac_sdn/sdn.csv", encoding: .utf8)
        let lines = sdn.components(separatedBy: "\r\n")
        try Data(lines.prefix(1000).joined(separator: "\r\n").utf8 + Array("\r\n".utf8)).write(
            to: short.appendingPathComponent("sdn.csv"))
        let before = try r.run("log", "--json").stdout
        let refused = try r.run("lists", "load", short.path)
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("shrinks from") && refused.stderr.contains("--allow-shrink"), "\(refused.stderr)")
        #expect(try r.run("log", "--json").stdout == before, "nothing adopted")
        let allowed = try r.run("lists", "load", short.path, "--allow-shrink")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("allowed by --allow-shrink"), "the shrink is logged: \(allowed.stderr)")
        #expect(
            allowed.stdout.contains("adopted ofac ofac-csv 1000 entries") || allowed.stdout.contains("1000 entries"),
            "\(allowed.stdout)")
    }
}
