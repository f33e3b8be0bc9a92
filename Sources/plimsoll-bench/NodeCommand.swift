import ArgumentParser
import Foundation
import Logging
import PlimsollCore
import PlimsollCrypto
import PlimsollPostgres
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Synchronization

/// `plimsoll-bench node`: one node of a registry shared on PostgreSQL, as a process of its own,
/// for the failover test that kills one with SIGKILL (testing aid, issue 17).
///
/// The node accepts the signed transfers of a file (one hex entry a line) the way a serving node
/// accepts its holders' transfers: it hands them over through the database's intake, a chunk at
/// a time, and waits for each one's outcome; every settled one is appended to `--acks` as "id
/// height" before the next chunk is taken. Meanwhile it waits for the sequencer lease, and once it
/// holds it, settles what every node hands over. It exits 0 when all its transfers settled, 1
/// when one was refused or stayed undecided for a minute.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node", abstract: "One node of a two-node PostgreSQL registry (testing aid).")

    @Option(help: "The registry's database: postgresql://USER:PASSWORD@HOST:PORT/DATABASE.") var database: String
    @Option(help: "The seed of the TwoNodeWorld the registry was made from (its keys).") var seed: UInt64
    @Option(help: "Signed transfers to hand over: one hex entry a line.") var transfers: String
    @Option(help: "Where the receipts of settled transfers are appended: \"id height\" a line.") var acks: String
    @Option(help: "This node's name, as recorded on the intake rows.") var name = "node"
    @Option(help: "Transfers handed over at once.") var chunk = 16
    @Option(help: "How often a standby tries to take the sequencer lease, in ms.") var pollMs = 200
    @Option(
        help:
            "After this many receipts, hand the next chunk over and then wait to be killed (for a failover test: the node never finishes on its own)."
    )
    var stallAfter: Int?
    @Option(
        help:
            "After this many receipts, wait until the file --resume-when names exists (so a test can keep this node's load going until after it killed the other node)."
    )
    var pauseAfter: Int?
    @Option(help: "The file whose existence ends the pause of --pause-after.") var resumeWhen: String?

    func run() async throws {
        let world = TwoNodeWorld(seed: seed)
        let store = try await PostgresStore.open(try PostgresStore.configuration(database), sequencer: false)
        let running = Flag(true)
        // Sequences whenever it holds the lease, as a serving node does.
        let (name, pollMs) = (name, pollMs)
        let sequencing = Task {
            await SequencingLoop.run(
                store: store, sequencerKeys: [world.sequencer], registrarKey: world.registrar,
                pollEvery: .milliseconds(pollMs),
                logger: Logger(label: "plimsoll.node.\(name)") { StreamLogHandler.standardError(label: $0) },
                while: { running.value },
                started: { settlement in
                    let from = await settlement.latestHeader.header.height
                    Self.say("\(name): sequencing from height \(from) at unix ms \(Settlement.wallClockMs())")
                })
        }
        let lines = try String(contentsOfFile: transfers, encoding: .utf8).split(separator: "\n")
        let signed: [SignedTransfer] = try lines.map { line in
            guard case .transfer(let transfer) = try Entry(bytes: try Hex.decode(String(line))) else {
                throw ValidationError("\(transfers) holds an entry that is not a transfer")
            }
            return transfer
        }
        FileManager.default.createFile(atPath: acks, contents: nil)
        let acknowledged = try FileHandle(forWritingTo: URL(fileURLWithPath: acks))
        var failure: String?
        for start in stride(from: 0, to: signed.count, by: chunk) {
            let part = Array(signed[start..<min(signed.count, start + chunk)])
            // A database that does not answer for a while (a loaded machine, a failover) is tried
            // again, as a serving node would keep its holders' requests.
            while !(try await retrying("hand over") { try await SettleBench.handOffOnce(store, part, node: name) }) {
                try await Task.sleep(for: .milliseconds(5))
            }
            if let pauseAfter, let resumeWhen, start >= pauseAfter, !FileManager.default.fileExists(atPath: resumeWhen)
            {
                Self.say("\(name): paused after \(start) receipts")
                while !FileManager.default.fileExists(atPath: resumeWhen) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            if let stallAfter, start >= stallAfter {
                Self.say("\(name): stalled after \(start) receipts, with \(part.count) transfers handed over")
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
            let ids = part.map { Entry.transfer($0).id }
            let outcomes = try await retrying("read outcomes") {
                try await store.awaitHandOffOutcomes(ids, timeout: .seconds(60))
            }
            var lines = ""
            for id in ids {
                guard case .settled(let receipt)? = outcomes[id] else {
                    failure = "\(id.hex): \(outcomes[id].map { "\($0)" } ?? "no outcome within a minute")"
                    break
                }
                lines += "\(id.hex) \(receipt.height)\n"
            }
            acknowledged.write(Data(lines.utf8))
            if failure != nil { break }
        }
        try acknowledged.close()
        // A sequencer finishes the pass it is in (its decisions recorded) before it lets go.
        running.set(false)
        if !store.isSequencer { sequencing.cancel() }  // A standby stops waiting for the lease.
        await sequencing.value
        await store.releaseSequencer()
        if let failure {
            Self.say("\(name): not settled: \(failure)")
            throw ExitCode(1)
        }
        Self.say("\(name): all \(signed.count) transfers settled")
    }

    private func retrying<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        while true {
            do { return try await body() } catch is CancellationError { throw CancellationError() } catch {
                Self.say("\(name): cannot \(what) yet, trying again: \(error)")
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// A flag another task reads.
    final class Flag: Sendable {
        private let state: Mutex<Bool>
        init(_ value: Bool) { state = Mutex(value) }
        var value: Bool { state.withLock { $0 } }
        func set(_ value: Bool) { state.withLock { $0 = value } }
    }

    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
