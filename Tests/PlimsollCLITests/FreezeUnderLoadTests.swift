import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A freeze issued with `plimsoll freeze` while 64 holders keep sending transfers to the running
/// server (issue 16, item 4): it settles through the server with no restart, the frozen key's
/// transfers are refused `FROZEN` from the next block on, and no other holder's request fails.
struct FreezeUnderLoadTests {
    /// The holder keys `plimsoll-bench stress --setup` registers (its own derivation).
    static func holderKeys(_ count: Int) -> [SigningKey] {
        (0..<count).map { index in
            var rng = SplitMix64(seed: 0x57E55 &+ UInt64(index))
            return SigningKey.generate(using: &rng)
        }
    }

    actor Tally {
        var settled = 0
        var failedOthers: [String] = []
        var frozenKeyAfterReceipt: [String] = []
        var firstRefused: Date?

        func record(settled: Bool) { if settled { self.settled += 1 } }
        func otherFailed(_ text: String) { if failedOthers.count < 5 { failedOthers.append(text) } }
        func frozenKeyAnswered(_ code: String, sentAt: Date, receiptAt: Date?) {
            if code == "FROZEN", firstRefused == nil { firstRefused = Date() }
            if let receiptAt, sentAt > receiptAt, code != "FROZEN" { frozenKeyAfterReceipt.append(code) }
        }
    }

    @Test(.tags(.slow), .timeLimit(.minutes(10))) func aFreezeUnderLoadStopsTheKeyAndNoOneElse() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reg = folder.appendingPathComponent("reg").path
        let created = try CLI.run("init", "--registry", reg, "--name", "Freeze Load", "--json")
        #expect(created.status == 0, "\(created.stderr)")
        let chainID = try Hash32(
            hex: try #require(created.stdout.split(separator: "\"").dropFirst(3).first.map(String.init)))
        let setup = try CLI.run(["stress", "--registry", reg, "--setup", "--keys", "64"], tool: "plimsoll-bench")
        #expect(setup.status == 0, "\(setup.stderr)")
        let keys = Self.holderKeys(64)
        let asset = try AssetID("IMO9176187")

        let (server, base) = try await CLI.serve(registry: reg)
        defer { if server.isRunning { server.terminate() } }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        let session = URLSession(configuration: configuration)

        let tally = Tally()
        let receiptAt = Locked<Date?>(nil)
        // The load runs until three seconds after the freeze's receipt, however slow the CLI is.
        let stopAt = Locked(Date().addingTimeInterval(600))
        func post(_ from: SigningKey, to: SigningKey, nonce: UInt64) async throws -> (Int, String) {
            let transfer = Transfer(
                chainID: chainID, asset: asset, from: from.publicKey, to: to.publicKey, amount: 1, nonce: nonce,
                expiresAt: UInt64(Date().timeIntervalSince1970) + 600)
            let signature = from.sign(hash: transfer.message)
            return try await CLI.post(
                #"{"asset":"IMO9176187","from":"\#(from.publicKey.hex)","to":"\#(to.publicKey.hex)","amount":1,"nonce":\#(nonce),"expires_at":\#(transfer.expiresAt),"signature":"\#(signature.hex)"}"#,
                to: base.appendingPathComponent("v1/transfers"), session: session)
        }
        var freezeStarted = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<64 {
                group.addTask {
                    // Never to key 0: a frozen receiver is refused too, and only key 0 is frozen.
                    let to = keys[index == 63 ? 1 : (index + 1) % 64]
                    var nonce: UInt64 = 1
                    while Date() < stopAt.value {
                        let sentAt = Date()
                        let (status, text) = try await post(keys[index], to: to, nonce: nonce)
                        if index == 0 {
                            let code = status == 200 ? "settled" : (text.contains("FROZEN") ? "FROZEN" : "\(status)")
                            await tally.frozenKeyAnswered(code, sentAt: sentAt, receiptAt: receiptAt.value)
                            if status == 200 { nonce += 1 }
                        } else if status == 200 {
                            await tally.record(settled: true)
                            nonce += 1
                        } else {
                            await tally.otherFailed("key \(index): \(status) \(text.prefix(120))")
                        }
                    }
                }
            }
            try await Task.sleep(nanoseconds: 2_000_000_000)
            freezeStarted = Date()
            let freeze = try CLI.run(
                "freeze", "--registry", reg, "--key", keys[0].publicKey.hex, "--reason", "listed during trading")
            receiptAt.set(Date())
            stopAt.set(Date().addingTimeInterval(3))
            #expect(freeze.status == 0, "\(freeze.stderr)")
            try await group.waitForAll()
        }
        server.terminate()
        server.waitUntilExit()
        let failedOthers = await tally.failedOthers
        let settled = await tally.settled
        let wrongAfterReceipt = await tally.frozenKeyAfterReceipt
        let firstRefused = try #require(await tally.firstRefused, "key 0 was never refused")
        #expect(failedOthers.isEmpty, "\(failedOthers)")
        #expect(wrongAfterReceipt.isEmpty, "after the freeze's receipt key 0 got \(wrongAfterReceipt)")
        #expect(settled > 64)
        let took = firstRefused.timeIntervalSince(freezeStarted) * 1000
        let receipt = (receiptAt.value ?? firstRefused).timeIntervalSince(freezeStarted) * 1000
        print(
            "freeze under load (64 holders, debug build): \(settled) other transfers settled; plimsoll freeze returned its receipt after \(Int(receipt)) ms, the first refused transfer of the frozen key after \(Int(took)) ms"
        )
    }
}

/// A value shared between the load tasks and the test body.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func set(_ value: Value) { lock.withLock { stored = value } }
}
