import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// Settlement under load in a child process, killed with SIGKILL at random moments: nothing it
/// acknowledged is lost, the hash chain is intact, units are conserved, and replay agrees.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct CrashTests {
    static let kills = 24

    @Test func sigkillNeverLosesAcknowledgedTransfers() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        let ack = folder.appendingPathComponent("ack.txt").path
        #expect(try CLI.run("init", "--registry", reg, "--name", "Crash Test").status == 0)
        let setup = try CLI.run(["stress", "--registry", reg, "--setup"], tool: "plimsoll-bench")
        try #require(setup.status == 0, "\(setup.stderr)")
        var rng = SplitMix64(seed: SplitMix64.seeds([0xDEAD])[0])
        var killed = 0
        for round in 0..<Self.kills {
            let (process, _, err) = try CLI.process(
                ["stress", "--registry", reg, "--ack", ack, "--seconds", "30", "--seed", String(round)],
                tool: "plimsoll-bench")
            try process.run()
            let delay = 0.3 + Double(rng.next() % 1200) / 1000
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationReason == .uncaughtSignal || stderr.isEmpty, "round \(round): \(stderr)")
        }
        #expect(killed >= 20, "at least 20 kills landed while settling")
        // Only whole lines were acknowledged; a line cut by the kill was never acknowledged.
        let text = String(decoding: FileManager.default.contents(atPath: ack) ?? Data(), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Split on "\n", the last piece is either "" (after the final newline) or a line the kill cut
        // short, which was never acknowledged: drop it either way.
        lines.removeLast()
        #expect(lines.count > 100, "the children acknowledged transfers (\(lines.count))")
        let store = try SQLiteStore.open(at: URL(fileURLWithPath: reg + "/registry.sqlite"))
        let (state, tip) = try store.loadLedger()
        var missing = 0
        for line in lines {
            let id = try Hash32(hex: line)
            if try store.entry(id: id) == nil { missing += 1 }
        }
        #expect(missing == 0, "\(missing) acknowledged transfers are missing")
        #expect(state.unitsAccountedFor(try AssetID("IMO9176187")) == 10_000)
        let replayed = try LogReplayer.replay(store)
        #expect(replayed.lastHeader == tip.header.header, "the hash chain replays to the stored tip")
        #expect(replayed.ledger.state.digest == state.digest)
    }
}
