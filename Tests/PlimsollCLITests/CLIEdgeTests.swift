import Foundation
import Testing

/// The command line's edges: every number and text is refused at the edge with its bound named
/// (a value past them once trapped deep inside), files are private, and a broken rules file is
/// explained with its line.
struct CLIEdgeTests {
    final class Registry {
        let folder: URL
        let reg: String
        let key: String

        init() throws {
            folder = try CLI.temporaryFolder()
            reg = folder.appendingPathComponent("reg").path
            #expect(try CLI.run("init", "--registry", reg, "--name", "Edges").status == 0)
            _ = try CLI.run(
                "party", "add", "--kind", "organization", "--name", "Owner AS", "--country", "NO", "--registry", reg)
            let made = try CLI.run(
                "key", "new", "--out", folder.appendingPathComponent("owner.key").path, "--bind", "1", "--registry", reg
            )
            key = String(made.stdout.prefix(64))
            _ = try CLI.run(
                "vessel", "register", "--imo", "9176187", "--name", "Edge Star", "--flag", "NO", "--owner", "1",
                "--registry", reg)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func run(_ args: [String]) throws -> CLI.Result { try CLI.run(args + ["--registry", reg]) }
    }

    static let long = String(repeating: "x", count: 70_000)

    /// Each row: arguments, and a fragment the one-line error must hold.
    static let refusals: [([String], String)] = [
        (["log", "--from", "9223372036854775808"], "--from must be a whole number from 0 to 9223372036854775807"),
        (["history", "--party", "9223372036854775808"], "party"),
        (
            ["cap-table", "--vessel", "IMO9176187", "--height", "18446744073709551616"],
            "--height must be a whole number"
        ),
        (["proof", "consistency", "--from", "0", "--to", "9223372036854775808"], "--to must be a whole number"),
        (
            ["party", "add", "--kind", "person", "--name", long, "--country", "NO"],
            "--name must be 1 to 256 UTF-8 bytes, got 70000"
        ),
        (
            ["party", "add", "--kind", "person", "--name", "A", "--alias", long, "--country", "NO"],
            "--alias must be 1 to 256 UTF-8 bytes"
        ),
        (
            ["vessel", "register", "--imo", "9339301", "--name", long, "--flag", "NO", "--owner", "1"],
            "--name must be 1 to 256 UTF-8 bytes"
        ),
        (["freeze", "--vessel", "IMO9176187", "--reason", long], "--reason must be 1 to 256 UTF-8 bytes"),
        (
            [
                "force-transfer", "--vessel", "IMO9176187", "--from", "KEY", "--to", String(repeating: "2", count: 64),
                "--units", "1", "--order", long,
            ], "--order must be 1 to 256 UTF-8 bytes"
        ),
        (
            ["vessel", "register", "--imo", "9339301", "--name", "N", "--flag", "NO", "--owner", "1", "--units", "-5"],
            "--units must be a whole number from 1 to 1000000, got \"-5\""
        ),
        (["issue", "--vessel", "IMO9176187", "--to", "KEY", "--units", "-5"], "--units must be a whole number"),
        (["vessel", "register", "--imo", "IMO0000000", "--name", "N", "--flag", "NO", "--owner", "1"], "--imo"),
        (["vessel", "register", "--imo", "9339301", "--name", "N", "--flag", "ZZ", "--owner", "1"], "--flag"),
        (["party", "add", "--kind", "person", "--name", "A", "--country", "XX"], "--country"),
        (
            [
                "transfer", "--key", "owner.key", "--to", "KEY", "--vessel", "IMO9176187", "--amount", "1",
                "--expires-in", "18446744073709551615",
            ], "--expires-in must be a whole number"
        ),
    ]

    @Test func numbersAndTextsPastTheirBoundsAreRefusedByName() throws {
        let r = try Registry()
        let before = try r.run(["log", "--json"]).stdout
        for (arguments, fragment) in Self.refusals {
            let result = try r.run(
                arguments.map {
                    $0 == "owner.key" ? r.folder.appendingPathComponent("owner.key").path : $0 == "KEY" ? r.key : $0
                })
            #expect(
                result.status != 0 && result.status < 128,
                "\(arguments.prefix(3)) exits with an error, not a signal (\(result.status))")
            #expect(result.stderr.contains(fragment), "\(arguments.prefix(3)): \(result.stderr.prefix(300))")
            #expect(!result.stderr.contains("Missing value"), "\(arguments.prefix(3))")
        }
        #expect(try r.run(["log", "--json"]).stdout == before, "nothing was written")
        #expect(
            try r.run(["log", "--from", "9223372036854775807"]).status == 0, "the largest height is a valid question")
        // A validity near 2^64 once made every transfer overflow in the server.
        let huge = try CLI.run(
            "init", "--registry", r.folder.appendingPathComponent("other").path, "--name", "X", "--max-validity",
            "18446744073709551615")
        #expect(
            huge.status != 0 && huge.stderr.contains("--max-validity must be a whole number from 1 to 315360000"),
            "\(huge.stderr)")
    }

    @Test func filesArePrivateAndAReadableKeyIsRefused() throws {
        let r = try Registry()
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        }
        #expect(try mode(r.reg) == 0o700, "the registry folder")
        for name in ["registry.sqlite", "registrar.key", "sequencer.key"] {
            #expect(try mode(r.reg + "/" + name) == 0o600, "\(name)")
        }
        for name in ["registry.sqlite-wal", "registry.sqlite-shm"]
        where FileManager.default.fileExists(atPath: r.reg + "/" + name) {
            #expect(try mode(r.reg + "/" + name) == 0o600, "\(name)")
        }
        #expect(try mode(r.folder.appendingPathComponent("owner.key").path) == 0o600)
        let backup = r.folder.appendingPathComponent("backup").path
        #expect(try r.run(["backup", "--out", backup]).status == 0)
        #expect(try mode(backup) == 0o700)
        #expect(try mode(backup + "/registry.sqlite") == 0o600)

        // A key file others can read is refused, as ssh refuses one.
        let keyFile = r.folder.appendingPathComponent("owner.key").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        let refused = try r.run([
            "transfer", "--key", keyFile, "--to", r.key, "--vessel", "IMO9176187", "--amount", "1",
        ])
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("accessible by others (mode 644)") && refused.stderr.contains("chmod 600"),
            "\(refused.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: r.reg + "/registrar.key")
        let registrar = try r.run(["freeze", "--vessel", "IMO9176187", "--reason", "test"])
        #expect(registrar.stderr.contains("registrar.key is accessible by others"), "\(registrar.stderr)")
    }

    /// Each row: a rules file, and what the error must say (with the line).
    static let badRules: [(String, String)] = [
        ("version: 3\nname_match: {}\n", "line 1: unknown rules version 3"),
        (
            Self.rules.replacingOccurrences(of: "version: 1", with: "version: 2"),
            "missing key 'control' at the top level"
        ),

        (
            Self.rules.replacingOccurrences(
                of: "  block_percent: 50\n", with: "  block_percent: 50\n  blok_percent: 40\n"),
            "line 7: unknown key 'blok_percent' in ownership"
        ),
        (
            Self.rules.replacingOccurrences(
                of: "ownership:\n  block_percent: 50\n  review_listed_minority: true\n", with: ""),
            "missing key 'ownership' at the top level"
        ),
        (
            Self.rules.replacingOccurrences(of: "block_score: 0.93", with: "block_score: high"),
            "line 3: name_match.block_score must be a number"
        ),
        (Self.rules + "colour: blue\n", "unknown key 'colour' at the top level"),
    ]

    static let rules = """
        version: 1
        name_match:
          block_score: 0.93
          review_score: 0.86
        ownership:
          block_percent: 50
          review_listed_minority: true
        vessels:
          block_listed_imo: true
          block_listed_roles: true
          review_flag_change_days: 365
          review_name_change_days: 365
          review_no_natural_person_owner: true
        excluded_countries: [KP]

        """

    @Test func aBrokenRulesFileIsExplainedWithItsLine() throws {
        let r = try Registry()
        let lists = ScreeningCLITests.lists + "/ofac_sdn_sample"
        let good = r.folder.appendingPathComponent("good.yaml")
        try Data(Self.rules.utf8).write(to: good)
        #expect(try r.run(["lists", "load", lists, "--rules", good.path]).status == 0, "the reference file is valid")
        for (index, (text, fragment)) in Self.badRules.enumerated() {
            let file = r.folder.appendingPathComponent("bad\(index).yaml")
            try Data(text.utf8).write(to: file)
            let result = try r.run(["lists", "load", lists, "--rules", file.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains(fragment), "row \(index): \(result.stderr)")
        }
    }
}
