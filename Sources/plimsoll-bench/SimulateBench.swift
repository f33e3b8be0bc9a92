import ArgumentParser
import Foundation
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
        for seed in first..<(first + UInt64(seeds)) {
            var world = try await SettlementSimulation(seed: seed)
            for step in 0..<steps {
                try await world.step()
                let problems = await world.check()
                if !problems.isEmpty {
                    print("seed \(seed) step \(step): \(problems.joined(separator: "; "))")
                    print("replay: PLIMSOLL_SEED=\(seed) swift test --filter SimulationTests")
                    failed.append(seed)
                    break
                }
            }
        }
        print(
            "simulate: \(seeds) seeds x \(steps) steps, \(failed.count) failed, \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
        )
        if !failed.isEmpty { throw ExitCode(1) }
    }
}
