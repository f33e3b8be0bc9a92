import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// Settlement driven by one seed (TigerBeetle's VOPR, FoundationDB's simulation): random holders,
/// valid transfers and every kind of invalid one, batches, registrar actions and list adoptions,
/// I/O errors, crashes at any write (landed or not) with restarts, and clock jumps both ways, on a
/// store in memory and a manual clock. After every step: units are conserved, no acknowledged
/// entry is lost, every receipt names what the log holds, a replay of the log gives the live
/// state and its commitment, and every holder's holdings and key record prove against the tip.
/// A failing seed names the one command that replays it.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct SimulationTests {
    static let defaultSteps = 160
    static let environment = ProcessInfo.processInfo.environment
    /// `PLIMSOLL_SIM_STEPS` replays a longer run (`plimsoll-bench simulate --steps`), and
    /// `PLIMSOLL_SIM_CUT_AHEAD` one whose cut-ahead bound was forced (`theSeedsReachEveryCase`).
    static let stepsPerSeed = environment["PLIMSOLL_SIM_STEPS"].flatMap { Int($0) } ?? defaultSteps
    static let cutAhead = environment["PLIMSOLL_SIM_CUT_AHEAD"].flatMap { Int($0) }

    static let replaying = environment["PLIMSOLL_SEED"] != nil

    /// One seed's run (`SettlementSimulation.run`); nil, with the failure and the command that
    /// replays it recorded, when a step broke an invariant.
    static func run(seed: UInt64, steps: Int, cutAhead: Int?) async throws -> SettlementSimulation? {
        switch try await SettlementSimulation.run(seed: seed, steps: steps, cutAheadEntriesMin: cutAhead) {
        case .completed(let world): return world
        case .failed(let step, let problems):
            let replay = SettlementSimulation.replayCommand(seed: seed, steps: steps, cutAheadEntriesMin: cutAhead)
            Issue.record("seed \(seed), step \(step): \(problems.joined(separator: "; ")). Replay: \(replay)")
            return nil
        }
    }

    @Test(arguments: SplitMix64.seeds([1, 2, 3, 0xC0FFEE, 0x5EED, 77, 1_000_003, 0xDEAD_BEEF]))
    func settlementSurvivesASeededWorld(seed: UInt64) async throws {
        guard let world = try await Self.run(seed: seed, steps: Self.stepsPerSeed, cutAhead: Self.cutAhead) else {
            return
        }
        // The fixed seeds' workload, not a replay's (any seed, any length): only invariants there.
        guard !Self.replaying else { return }
        #expect(world.settledTransfers > 20, "seed \(seed): the workload settles transfers (\(world.settledTransfers))")
        #expect(world.rejectedTransfers > 20, "seed \(seed): and refuses some (\(world.rejectedTransfers))")
        #expect(world.crashes > 0 && world.ioErrors > 0, "seed \(seed): crashes and I/O errors were injected")
    }

    /// Over six seeds, with whatever waits cut ahead of a commit and every invariant checked after
    /// every step, as above: blocks were applied on top of undurable ones and some of those were
    /// voided by a failed commit under them; transfers were refused with every transfer refusal
    /// code; crashes fell on every kind of write.
    @Test func theSeedsReachEveryCase() async throws {
        var blocks = 0
        var voided = 0
        var proofs = 0
        var refusals: [ReasonCode: Int] = [:]
        var sites: [MemoryStore.CrashSite: Int] = [:]
        for seed in [1, 2, 3, 4, 5, 0xC0FFEE] as [UInt64] {
            guard let world = try await Self.run(seed: seed, steps: Self.defaultSteps, cutAhead: 1) else { continue }
            blocks += world.pipelinedBlocks
            voided += world.voidedBlocks
            proofs += world.proofsAfterCommit
            refusals.merge(world.refusals, uniquingKeysWith: +)
            for site in world.crashSites { sites[site, default: 0] += 1 }
        }
        #expect(blocks >= 10, "blocks applied on top of an undurable block: \(blocks)")
        #expect(proofs >= 10, "holding proofs that waited for a held commit: \(proofs)")
        #expect(voided >= 2, "of them voided by a failed commit below: \(voided)")
        let missing = SettlementSimulation.transferRefusals.subtracting(refusals.keys)
        #expect(missing.isEmpty, "transfer refusals never provoked: \(missing.map(\.rawValue).sorted())")
        let kinds: [MemoryStore.CrashSite] = [
            .commit(landed: true), .commit(landed: false), .audit(landed: true), .audit(landed: false), .probe,
        ]
        #expect(kinds.allSatisfy { sites[$0, default: 0] > 0 }, "crashes by the write they fell on: \(sites)")
    }
}
