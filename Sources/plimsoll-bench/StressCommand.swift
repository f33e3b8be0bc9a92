import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollTesting

/// `plimsoll-bench stress`: settlement under load for the crash and corruption tests.
///
/// `--setup` registers deterministic holders and a vessel; a plain run then submits signed
/// transfers with many in flight and appends each settled id to `--ack` the moment it is told
/// "settled", so a parent that kills this process knows exactly what was acknowledged.
struct Stress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress", abstract: "Drive settlement under load (testing aid)."
    )

    static let asset = try! AssetID("IMO9176187")
    static let units: UInt64 = 10_000

    @Option(name: .customLong("registry"), help: "Registry folder.") var folder: String
    @Flag(help: "Register the holders and the vessel, then exit.") var setup = false
    @Option(help: "Number of holder keys.") var keys = 8
    @Option(help: "File that receives one settled id per line.") var ack: String?
    @Option(help: "Stop after this many seconds.") var seconds: Double = 60
    @Option(help: "Transfers in flight.") var inFlight = 256
    @Option(help: "Seed of the workload.") var seed: UInt64 = 1

    static func holderKeys(_ count: Int) -> [SigningKey] {
        (0..<count).map { index in
            var rng = SplitMix64(seed: 0x57E55 &+ UInt64(index))
            return SigningKey.generate(using: &rng)
        }
    }

    func validate() throws {
        guard (2...64).contains(keys), (1...10_000).contains(inFlight), seconds > 0 else {
            throw ValidationError("--keys 2...64, --in-flight 1...10000, --seconds > 0")
        }
    }

    func run() async throws {
        let registry = try BenchRegistry.open(folder)
        let holders = Self.holderKeys(keys)
        if setup {
            try await Self.setUp(registry, holders)
            return
        }
        let sink = ack.map(Self.openAck)
        var nonces = await holders.asyncMap { await registry.state.keys[$0.publicKey]?.lastNonce ?? 0 }
        let chainID = await registry.state.chainID
        // The seed alone decides the workload, so a failing crash-test round replays.
        var rng = SplitMix64(seed: seed)
        let deadline = Date().addingTimeInterval(seconds)
        var settled = 0
        var rejected = 0
        await withTaskGroup(of: Outcome?.self) { group in
            var running = 0
            while Date() < deadline {
                while running < inFlight {
                    let from = Int(rng.next() % UInt64(holders.count))
                    let to = (from + 1 + Int(rng.next() % UInt64(holders.count - 1))) % holders.count
                    nonces[from] += 1
                    let transfer = Transfer(
                        chainID: chainID, asset: Self.asset, from: holders[from].publicKey, to: holders[to].publicKey,
                        amount: 1 + rng.next() % 5, nonce: nonces[from],
                        expiresAt: UInt64(Date().timeIntervalSince1970) + 3600
                    ).signed(by: holders[from])
                    group.addTask { try? await registry.settlement.submit(.transfer(transfer)) }
                    running += 1
                }
                guard let outcome = await group.next() else { break }
                running -= 1
                switch outcome {
                case .settled(let receipt)?:
                    settled += 1
                    sink?.write(Data((receipt.id.hex + "\n").utf8))
                default: rejected += 1
                }
            }
        }
        print("settled \(settled) rejected \(rejected)")
    }

    /// Opens the ack file at its end, first cutting off a line a kill left unfinished. A 65-byte
    /// write that straddles a page boundary can be cut by SIGKILL; that id was never acknowledged,
    /// and without the cut the next run's first id would continue its line.
    private static func openAck(_ path: String) -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = FileHandle(forUpdatingAtPath: path)!
        let written = handle.readDataToEndOfFile()
        let whole = written.lastIndex(of: UInt8(ascii: "\n")).map { $0 - written.startIndex + 1 } ?? 0
        handle.truncateFile(atOffset: UInt64(whole))
        handle.seekToEndOfFile()
        return handle
    }

    /// The holders and the vessel's units, split evenly with the remainder to the last (`RegistrySeed`).
    static func setUp(_ registry: BenchRegistry, _ holders: [SigningKey]) async throws {
        let share = units / UInt64(holders.count)
        _ = try await RegistrySeed.seed(
            registry.settlement, owner: "Stress Owner", holders: holders.enumerated().map { ("Holder \($0)", $1) },
            vessels: [(asset, units)],
            issues: holders.indices.map { index in
                RegistrySeed.Issue(
                    vessel: asset, holder: index,
                    units: index == holders.count - 1 ? units - share * UInt64(holders.count - 1) : share)
            },
            kycUntilMs: Settlement.wallClockMs() + 10 * 365 * 86_400_000
        )
        print("setup \(holders.count) holders, \(units) units of \(asset)")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async -> T) async -> [T] {
        var out: [T] = []
        for element in self { out.append(await transform(element)) }
        return out
    }
}
