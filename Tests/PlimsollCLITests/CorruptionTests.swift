import Foundation
import GRDB
import PlimsollTesting
import Testing

/// Storage damage is never served as truth: each table of a real registry is damaged in turn,
/// page by page (random bytes over the table's root page, as a failing disk writes them) and
/// row by row (a changed value, as a stray write or a bad restore leaves it), and `plimsoll
/// check`, `check --full`, `serve` at start-up and `export` name the table or refuse.
@Suite(.serialized)
struct CorruptionTests {
    /// A registry with a row in every table: blocks, entries (more than 256, so Merkle nodes are
    /// stored), parties, keys, a vessel, an ownership link, balances and their history, events, an
    /// audited rejection, a token and adopted-list counters.
    static let pristine: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "plimsoll-corruption-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let reg = folder.appendingPathComponent("reg").path
        func run(_ args: String..., expect status: Int32 = 0) {
            let result = try! CLI.run(args + ["--registry", reg])
            precondition(result.status == status, "setup \(args): \(result.stderr)")
        }
        run("init", "--name", "Corruption")
        for args in [["stress", "--setup"], ["stress", "--seconds", "1.5", "--seed", "7"]] {
            let result = try! CLI.run(args + ["--registry", reg], tool: "plimsoll-bench")
            precondition(result.status == 0, "setup \(args): \(result.stderr)")
        }
        run("party", "add", "--kind", "person", "--name", "Ingrid Solberg", "--country", "NO")
        run(
            "own", "declare", "--owner", "2", "--owned", "1", "--share-bps", "10000", "--evidence",
            String(repeating: "ab", count: 32))
        run("freeze", "--vessel", "IMO9176187", "--reason", "survey")
        run("unfreeze", "--vessel", "IMO9176187", "--reason", "survey done")
        // A refused registrar entry is attributable: the audit keeps it.
        run("unfreeze", "--vessel", "IMO9176187", "--reason", "twice", expect: 1)
        run("token", "grant", "--role", "regulator")
        return folder
    }()

    static let tables = [
        "registry", "blocks", "entries", "counters", "parties", "keys", "vessels", "ownership_links", "balances",
        "balance_history", "asset_holders", "rejections", "vessel_events", "party_events", "merkle_nodes", "api_tokens",
        "entry_ids",
    ]

    /// A fresh copy of the pristine registry, with its WAL folded into the database file.
    static func copy() throws -> (folder: URL, reg: String) {
        _ = pristine
        let folder = try CLI.temporaryFolder()
        let reg = folder.appendingPathComponent("reg")
        try FileManager.default.copyItem(at: pristine.appendingPathComponent("reg"), to: reg)
        let queue = try DatabaseQueue(path: reg.appendingPathComponent("registry.sqlite").path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        return (folder, reg.path)
    }

    @Test func thePristineRegistryChecksClean() throws {
        let (folder, reg) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try DatabaseQueue(path: reg + "/registry.sqlite")
        for table in Self.tables {
            let rows = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") } ?? 0
            #expect(rows > 0, "the fixture has rows in \(table)")
        }
        try queue.close()
        let quick = try CLI.run("check", "--registry", reg)
        #expect(quick.status == 0, "\(quick.stdout)\(quick.stderr)")
        let full = try CLI.run("check", "--full", "--registry", reg, "--json")
        #expect(full.status == 0, "\(full.stdout)\(full.stderr)")
        #expect(full.stdout.contains(#""ok":true"#))
    }

    @Test(arguments: tables)
    func aDamagedPageIsNamed(table: String) throws {
        let (folder, reg) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = reg + "/registry.sqlite"
        let queue = try DatabaseQueue(path: path)
        let (root, pageSize) = try queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = ?", arguments: [table])!,
                try Int.fetchOne(db, sql: "PRAGMA page_size")!
            )
        }
        try queue.close()
        var rng = SplitMix64(seed: UInt64(root))
        let garbage = Data((0..<pageSize).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        try handle.write(contentsOf: garbage)
        try handle.close()

        let check = try CLI.run("check", "--registry", reg)
        #expect(check.status != 0, "check finds the damage in \(table)")
        #expect(
            (check.stdout + check.stderr).contains("table \(table)"),
            "check names \(table): \(check.stdout)\(check.stderr)")
        // serve refuses to start (it must not answer anything from a damaged store).
        let (server, _, err) = try CLI.process(["serve", "--registry", reg, "--port", String(20_000 + root % 20_000)])
        try server.run()
        let deadline = Date().addingTimeInterval(15)
        while server.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            Issue.record("serve started on a registry with a damaged \(table) page")
        }
        server.waitUntilExit()
        let serveError = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(server.terminationStatus != 0)
        #expect(
            serveError.contains("table \(table)") || serveError.contains("registry"),
            "serve names the damage: \(serveError)")
    }

    /// Row-level damage that every page check passes: `check --full` replays the log and names
    /// the table and row; tables under the state digest also stop `serve`; export refuses a log
    /// that does not verify block by block.
    @Test(
        arguments: [
            (
                "balance_history",
                "UPDATE balance_history SET units = units + 1 WHERE (asset, key, height) IN (SELECT asset, key, height FROM balance_history LIMIT 1)"
            ),
            ("balances", "UPDATE balances SET units = units + 1 WHERE key = (SELECT key FROM balances LIMIT 1)"),
            (
                "parties",
                "UPDATE parties SET record = CAST(replace(CAST(record AS TEXT), 'Ingrid', 'Ingmar') AS BLOB) WHERE CAST(record AS TEXT) LIKE '%Ingrid%'"
            ),
            (
                "vessel_events",
                "DELETE FROM vessel_events WHERE leaf_index = (SELECT MAX(leaf_index) FROM vessel_events)"
            ),
            ("party_events", "INSERT INTO party_events (party, leaf_index) VALUES (1, 3)"),
            ("merkle_nodes", "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 8 AND idx = 0"),
            ("entry_ids", "DELETE FROM entry_ids WHERE leaf_index = (SELECT MAX(leaf_index) FROM entry_ids)"),
            (
                "entries",
                "UPDATE entries SET bytes = substr(bytes, 1, 99) || X'00' || substr(bytes, 101) WHERE leaf_index = (SELECT MAX(leaf_index) FROM entries WHERE kind = 16)"
            ),
            ("asset_holders", "DELETE FROM asset_holders WHERE key = (SELECT key FROM asset_holders LIMIT 1)"),
            ("blocks", "UPDATE blocks SET timestamp_ms = timestamp_ms + 1 WHERE height = 1"),
        ] as [(String, String)])
    func aChangedRowIsNamedByTheFullCheck(table: String, damage: String) throws {
        let (folder, reg) = try Self.copy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try DatabaseQueue(path: reg + "/registry.sqlite")
        try queue.write { db in
            try db.execute(sql: damage)
            #expect(db.changesCount > 0, "the damage to \(table) applied")
        }
        try queue.close()
        let full = try CLI.run("check", "--full", "--registry", reg, "--json")
        #expect(full.status != 0, "check --full finds the changed \(table) row")
        #expect(
            full.stdout.contains(#""table":"\#(table)""#), "check --full names \(table): \(full.stdout)\(full.stderr)")
        #expect(full.stdout.contains(#""row":""#), "and the row: \(full.stdout)")
        if ["balances", "parties"].contains(table) {
            let quick = try CLI.run("check", "--registry", reg)
            #expect(quick.status != 0, "the state digest catches \(table) in the quick check")
        }
        if table == "entries" || table == "blocks" {
            let out = folder.appendingPathComponent("log.plimsoll").path
            let export = try CLI.run("export", "--out", out, "--registry", reg)
            if table == "entries" {
                #expect(export.status != 0, "export refuses a log that does not verify: \(export.stdout)")
                #expect(!FileManager.default.fileExists(atPath: out), "and writes nothing")
            }
        }
    }
}
