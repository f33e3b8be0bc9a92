import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// History answers from the store's indexes agree with a naive replay of the log.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct HistoryTests {
    @Test(arguments: SplitMix64.seeds([12]))
    func capTablesAndKeyHistoriesMatchNaiveReplay(seed: UInt64) async throws {
        let exported = try await LogExportTests.Exported(seed: seed, transfers: 1500)
        let store = try SQLiteStore.open(at: exported.registry.url)
        let latest = try store.latestHeight()
        var rng = SplitMix64(seed: seed)
        let probes = Set((0..<25).map { _ in 1 + rng.next() % latest })
        var replayer = try LogReplayer(
            genesisBlock: exported.blocks[0].0, genesisEntry: try Entry(bytes: exported.blocks[0].1[0]))
        var keys: Set<KeyRef> = []
        var checked = 0
        for (header, raw) in exported.blocks.dropFirst() {
            try replayer.apply(block: header, entries: try raw.map { try Entry(bytes: $0) })
            let height = header.header.height
            let state = replayer.ledger.state
            keys.formUnion(state.keys.keys)
            guard probes.contains(height) else { continue }
            let naive = (state.balances[IMOs.a] ?? [:]).filter { $0.value > 0 }
            let indexed = try store.capTable(IMOs.a, at: height)
            #expect(
                Dictionary(uniqueKeysWithValues: indexed.map { ($0.key, $0.units) }) == naive,
                "seed \(seed) height \(height)")
            for key in keys {
                // The newest history row at or below `height` holds the replayed balance then.
                let row = try store.keyHistory(key, beforeHeight: height + 1, limit: 1).first
                #expect(
                    (row?.units ?? 0) == state.balance(IMOs.a, key),
                    "seed \(seed) height \(height) key \(key.hex.prefix(8))")
                if let row { #expect(row.height <= height) }
            }
            let time = header.header.timestampMs
            #expect(try store.height(atTimeMs: time).map { $0 >= height } == true)
            checked += 1
        }
        #expect(checked == probes.count)
    }
}
