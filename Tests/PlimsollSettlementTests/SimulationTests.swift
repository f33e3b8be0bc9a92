import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Synchronization
import Testing

/// Settlement driven by one seed (TigerBeetle's VOPR, FoundationDB's simulation): random holders,
/// valid transfers and every kind of invalid one, batches, registrar actions and list adoptions,
/// I/O errors, crashes at a write (landed or not) with restarts, and clock jumps, on a store in
/// memory and a manual clock. After every step: units are conserved, no acknowledged entry is
/// lost, every receipt names what the log holds, and a replay of the log gives the live state.
/// A failing seed names the one command that replays it.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct SimulationTests {
    static let stepsPerSeed = 160

    @Test(arguments: SplitMix64.seeds([1, 2, 3, 0xC0FFEE, 0x5EED, 77, 1_000_003, 0xDEAD_BEEF]))
    func settlementSurvivesASeededWorld(seed: UInt64) async throws {
        var world = try await SettlementSimulation(seed: seed)
        for step in 0..<Self.stepsPerSeed {
            try await world.step()
            let problems = await world.check()
            #expect(
                problems.isEmpty,
                "seed \(seed), step \(step): \(problems.joined(separator: "; ")). Replay: PLIMSOLL_SEED=\(seed) swift test --filter SimulationTests"
            )
            if !problems.isEmpty { return }
        }
        #expect(world.settledTransfers > 20, "seed \(seed): the workload settles transfers (\(world.settledTransfers))")
        #expect(world.rejectedTransfers > 20, "seed \(seed): and refuses some (\(world.rejectedTransfers))")
        #expect(world.crashes + world.ioErrors > 0, "seed \(seed): faults were injected")
        Self.pipelined.withLock {
            $0.blocks += world.pipelinedBlocks
            $0.voided += world.voidedBlocks
            $0.seeds += 1
        }
    }

    static let pipelined = Mutex<(blocks: Int, voided: Int, seeds: Int)>((0, 0, 0))

    /// Over the fixed seeds, blocks were applied on top of undurable ones, and some of those were
    /// voided by a failed commit under them (the simulation's pipelined step reached its cases).
    @Test func theSeedsReachThePipelinedCases() async throws {
        var blocks = 0
        var voided = 0
        var proofs = 0
        for seed in SplitMix64.seeds([1, 2, 3, 0xC0FFEE]) {
            var world = try await SettlementSimulation(seed: seed, cutAheadEntriesMin: 1)
            for _ in 0..<Self.stepsPerSeed { try await world.step() }
            #expect(await world.check().isEmpty, "seed \(seed)")
            blocks += world.pipelinedBlocks
            voided += world.voidedBlocks
            proofs += world.proofsAfterCommit
        }
        #expect(blocks >= 10, "blocks applied on top of an undurable block: \(blocks)")
        #expect(proofs >= 10, "holding proofs that waited for a held commit: \(proofs)")
        #expect(voided >= 2, "of them voided by a failed commit below: \(voided)")
    }
}
