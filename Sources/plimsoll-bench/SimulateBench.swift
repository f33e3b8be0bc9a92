import ArgumentParser
import Foundation
import PlimsollCore
import PlimsollTesting

/// `plimsoll-bench simulate --seeds N`: more seeds of the settlement simulation than CI runs.
/// Each seed is a whole world (holders, faults, crashes, restarts, clock jumps); a failing one
/// prints the seed and the test command that replays it.
struct SimulateBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run the seeded settlement simulation over many seeds.")

    @Option(help: "How many seeds.") var seeds = 100
    @Option(help: "The first seed.") var first: UInt64 = 1
    @Option(help: "Steps per seed.") var steps = 160

    func validate() throws {
        guard (1...1_000_000).contains(seeds), (1...100_000).contains(steps) else {
            throw ValidationError("--seeds 1...1000000, --steps 1...100000")
        }
    }

    func run() async throws {
        let started = Date()
        var failed: [UInt64] = []
        var refusals: [ReasonCode: Int] = [:]
        var crashes = 0
        var settled = 0
        var fewest = Int.max
        for seed in first..<(first + UInt64(seeds)) {
            do {
                switch try await SettlementSimulation.run(seed: seed, steps: steps) {
                case .completed(let world):
                    refusals.merge(world.refusals, uniquingKeysWith: +)
                    crashes += world.crashSites.count
                    settled += world.settledTransfers
                    fewest = min(fewest, world.settledTransfers)
                    continue
                case .failed(let step, let problems):
                    print("seed \(seed) step \(step): \(problems.joined(separator: "; "))")
                }
            } catch {
                print("seed \(seed): the run stopped: \(error)")
            }
            print("replay: \(SettlementSimulation.replayCommand(seed: seed, steps: steps))")
            failed.append(seed)
        }
        let missing = SettlementSimulation.transferRefusals.subtracting(refusals.keys).map(\.rawValue).sorted()
        let byCode = refusals.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }
        print("settled \(settled), fewest in a seed \(fewest); refused by code: \(byCode.joined(separator: ", "))")
        print(
            "simulate: \(seeds) seeds x \(steps) steps, \(failed.count) failed, \(crashes) crashes, \(refusals.values.reduce(0, +)) transfers refused (codes never provoked: \(missing.isEmpty ? "none" : missing.joined(separator: ", "))), \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
