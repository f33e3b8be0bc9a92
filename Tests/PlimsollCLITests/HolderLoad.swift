import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Holders sending signed transfers to a running server, one connection each, while a registrar
/// command runs (issue 16, item 4): every holder but one must keep settling; the watched one must
/// be refused `FROZEN` from the command's receipt on.
struct HolderLoad {
    let chainID: Hash32
    let base: URL
    let keys: [SigningKey]
    /// For each holder: the vessel it sends in and the holder it sends to.
    let route: @Sendable (Int) -> (asset: AssetID, to: Int)
    /// The holder whose transfers the command stops.
    let watched: Int

    struct Report {
        var settled = 0
        var failedOthers: [String] = []
        /// The watched holder's answers, sent after the receipt, other than `FROZEN`.
        var watchedAfterReceipt: [String] = []
        var commandStarted = Date()
        var receiptAt: Date?
        var firstRefused: Date?

        /// Milliseconds from the command's start to its receipt, and to the watched holder's
        /// first refusal.
        var receiptMs: Int { Int(((receiptAt ?? commandStarted).timeIntervalSince(commandStarted)) * 1000) }
        var firstRefusedMs: Int? { firstRefused.map { Int($0.timeIntervalSince(commandStarted) * 1000) } }
    }

    private actor Tally {
        var report = Report()
        func settled() { report.settled += 1 }
        func otherFailed(_ text: String) { if report.failedOthers.count < 5 { report.failedOthers.append(text) } }
        func watchedAnswered(_ code: String, sentAt: Date) {
            if code == "FROZEN", report.firstRefused == nil { report.firstRefused = Date() }
            if let receiptAt = report.receiptAt, sentAt > receiptAt, code != "FROZEN" {
                report.watchedAfterReceipt.append(code)
            }
        }
        func started() { report.commandStarted = Date() }
        func receipt() { report.receiptAt = Date() }
    }

    /// Runs the load, two seconds of it, then `command` (a CLI run, blocking), then three more
    /// seconds from its receipt; returns what every holder got.
    func run(_ command: @escaping @Sendable () throws -> Void) async throws -> Report {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = keys.count
        let session = URLSession(configuration: configuration)
        let tally = Tally()
        let stopAt = Locked(Date().addingTimeInterval(600))
        let (chainID, base, keys, route, watched) = (chainID, base, keys, route, watched)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in keys.indices {
                group.addTask {
                    let (asset, to) = route(index)
                    var nonce: UInt64 = 1
                    while Date() < stopAt.value {
                        let sentAt = Date()
                        let from = keys[index]
                        let transfer = Transfer(
                            chainID: chainID, asset: asset, from: from.publicKey, to: keys[to].publicKey, amount: 1,
                            nonce: nonce, expiresAt: UInt64(Date().timeIntervalSince1970) + 600)
                        let signature = from.sign(hash: transfer.message)
                        let (status, text) = try await CLI.post(
                            #"{"asset":"\#(asset)","from":"\#(from.publicKey.hex)","to":"\#(keys[to].publicKey.hex)","amount":1,"nonce":\#(nonce),"expires_at":\#(transfer.expiresAt),"signature":"\#(signature.hex)"}"#,
                            to: base.appendingPathComponent("v1/transfers"), session: session)
                        if status == 200 { nonce += 1 }
                        if index == watched {
                            let code = status == 200 ? "settled" : (text.contains("FROZEN") ? "FROZEN" : "\(status)")
                            await tally.watchedAnswered(code, sentAt: sentAt)
                        } else if status == 200 {
                            await tally.settled()
                        } else {
                            await tally.otherFailed("key \(index): \(status) \(text.prefix(160))")
                        }
                    }
                }
            }
            try await Task.sleep(nanoseconds: 2_000_000_000)
            await tally.started()
            defer { stopAt.set(Date().addingTimeInterval(3)) }
            // On a thread of its own: a blocking wait on a Swift concurrency thread would starve
            // the holders' tasks (two such threads on two cores) and time the pool, not the command.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread.detachNewThread {
                    do {
                        try command()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
            await tally.receipt()
            stopAt.set(Date().addingTimeInterval(3))
            try await group.waitForAll()
        }
        return await tally.report
    }
}

/// A value shared between the load tasks and the test body.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func set(_ value: Value) { lock.withLock { stored = value } }
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
