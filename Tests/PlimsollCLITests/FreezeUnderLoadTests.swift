import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Registrar work on a registry that keeps serving 64 holders (issue 16, item 4): a freeze, and a
/// list update, each settled through the running server with no restart; what they stop is
/// refused `FROZEN` from the next block on, and no other holder's request fails.
@Suite(.serialized)  // One load at a time: each measures its own command, not the other's load.
struct FreezeUnderLoadTests {
    /// The holder keys `plimsoll-bench stress --setup` registers (its own derivation).
    static func holderKeys(_ count: Int) -> [SigningKey] {
        (0..<count).map { index in
            var rng = SplitMix64(seed: 0x57E55 &+ UInt64(index))
            return SigningKey.generate(using: &rng)
        }
    }

    /// A registry with 64 holders of IMO9176187 (party 1 its owner, parties 2 ... 65 the holders),
    /// and its chain id.
    static func stressRegistry(_ reg: String, name: String) throws -> Hash32 {
        let created = try CLI.run("init", "--registry", reg, "--name", name, "--json")
        #expect(created.status == 0, "\(created.stderr)")
        let setup = try CLI.run(["stress", "--registry", reg, "--setup", "--keys", "64"], tool: "plimsoll-bench")
        #expect(setup.status == 0, "\(setup.stderr)")
        return try Hash32(hex: try #require(created.stdout.split(separator: "\"").dropFirst(3).first.map(String.init)))
    }

    static func check(_ report: HolderLoad.Report, _ what: String) throws {
        #expect(report.failedOthers.isEmpty, "\(report.failedOthers)")
        #expect(
            report.watchedAfterReceipt.isEmpty, "after the receipt the watched key got \(report.watchedAfterReceipt)")
        #expect(report.settled > 64)
        let refused = try #require(report.firstRefusedMs, "the watched key was never refused")
        print(
            "\(what) under load (64 holders, debug build): \(report.settled) other transfers settled; the command returned its receipt after \(report.receiptMs) ms, the first refused transfer after \(refused) ms"
        )
    }

    @Test(.tags(.slow), .timeLimit(.minutes(10))) func aFreezeUnderLoadStopsTheKeyAndNoOneElse() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        let chainID = try Self.stressRegistry(reg, name: "Freeze Load")
        let keys = Self.holderKeys(64)
        let asset = try AssetID("IMO9176187")
        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }
        // Never to key 0: a frozen receiver is refused too, and only key 0 is frozen.
        let load = HolderLoad(
            chainID: chainID, base: base, keys: keys, route: { (asset, $0 == 63 ? 1 : ($0 + 1) % 64) }, watched: 0)
        let report = try await load.run {
            let freeze = try CLI.run(
                "freeze", "--registry", reg, "--key", keys[0].publicKey.hex, "--reason", "listed during trading")
            #expect(freeze.status == 0, "\(freeze.stderr)")
        }
        server.terminate()
        server.waitUntilExit()
        try Self.check(report, "plimsoll freeze")
    }

    @Test(.tags(.slow), .timeLimit(.minutes(10))) func aListUpdateUnderLoadFreezesTheListedManagersVessel()
        async throws
    {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        let chainID = try Self.stressRegistry(reg, name: "List Load")
        let keys = Self.holderKeys(64)
        // A second vessel, managed by a company no list names yet, held by key 0.
        let manager = try CLI.run(
            "party", "add", "--registry", reg, "--kind", "organization", "--name", "Marlin Crest Shipping Ltd",
            "--country", "PA")
        #expect(manager.status == 0, "\(manager.stderr)")
        let registered = try CLI.run(
            "vessel", "register", "--registry", reg, "--imo", "9321483", "--name", "Marlin Star", "--flag", "PA",
            "--owner", "1", "--manager", "66")
        #expect(registered.status == 0, "\(registered.stderr)")
        let issued = try CLI.run(
            "issue", "--registry", reg, "--vessel", "IMO9321483", "--to", keys[0].publicKey.hex, "--units", "64")
        #expect(issued.status == 0, "\(issued.stderr)")
        // The owner's beneficial owner, declared: else the first screening holds every vessel of
        // the owner for review (an organization whose owners are undeclared).
        let evidence = folder.appendingPathComponent("register-extract.txt")
        try Data("Stress Owner: shareholders' register, 2026".utf8).write(to: evidence)
        for arguments in [
            ["party", "add", "--registry", reg, "--kind", "person", "--name", "Astrid Holm", "--country", "NO"],
            [
                "own", "declare", "--registry", reg, "--owner", "67", "--owned", "1", "--share-bps", "10000",
                "--evidence-file", evidence.path,
            ],
        ] {
            let done = try CLI.run(arguments)
            #expect(done.status == 0, "\(done.stderr)")
        }
        // The update: a list that names the manager, in OpenSanctions' format.
        let list = folder.appendingPathComponent("update.jsonl")
        try Data(
            #"{"id":"t-marlin","schema":"Company","properties":{"name":["Marlin Crest Shipping Ltd"],"country":["pa"]}}"#
                .utf8
        ).write(to: list)

        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }
        let first = try AssetID("IMO9176187")
        let second = try AssetID("IMO9321483")
        let load = HolderLoad(
            chainID: chainID, base: base, keys: keys,
            route: { $0 == 0 ? (second, 1) : (first, $0 == 63 ? 1 : $0 + 1) }, watched: 0)
        let report = try await load.run {
            let loaded = try CLI.run("lists", "load", "--registry", reg, list.path)
            #expect(loaded.status == 0, "\(loaded.stderr)")
            #expect(loaded.stdout.contains("frozen vessel IMO9321483"), "\(loaded.stdout)")
        }
        server.terminate()
        server.waitUntilExit()
        try Self.check(report, "plimsoll lists load")
    }
}
