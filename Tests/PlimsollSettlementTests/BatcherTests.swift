import PlimsollCore
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// The batcher as a state machine: events in, actions out, no clock.
struct BatcherTests {
    @Test func anIdleRegistryCutsAtOnceAndABusyOneCutsDuringTheCommit() {
        var batcher = Batcher(entriesMax: 100)
        #expect(batcher.isIdle)
        #expect(batcher.arrived(1) == .cut(entries: 1), "one transfer alone waits for nothing")
        #expect(batcher.arrived(60) == .wait, "a batch is being prepared: the next one gathers")
        #expect(batcher.arrived(40) == .wait)
        #expect(
            batcher.built(block: true) == .cut(entries: 100),
            "a whole batch is verified and applied while the block before commits")
        #expect(batcher.arrived(100) == .wait)
        #expect(batcher.built(block: true) == .wait, "two blocks not yet durable: the next batch gathers")
        #expect(batcher.unsettled == Batcher.depth)
        #expect(batcher.committed() == .cut(entries: 100), "room again: a whole batch is cut at once")
        #expect(batcher.built(block: false) == .wait, "a batch of rejections makes no block")
        #expect(batcher.committed() == .wait)
        #expect(batcher.isIdle)
    }

    /// While a block commits, a batch too small to be worth a block of its own gathers until the
    /// commit ends, then is cut with what arrived meanwhile: fewer, larger blocks.
    @Test func aSmallBatchWaitsForTheCommitInFlight() {
        var batcher = Batcher(entriesMax: Limits.blockEntriesMax)
        #expect(batcher.arrived(17) == .cut(entries: 17))
        #expect(batcher.arrived(20) == .wait)
        #expect(batcher.built(block: true) == .wait, "20 entries wait for the commit in flight")
        #expect(batcher.arrived(30) == .wait)
        #expect(batcher.committed() == .cut(entries: 50), "the commit ended: what gathered is one batch")
        #expect(batcher.arrived(Batcher.defaultCutAheadMin) == .wait, "being prepared")
        #expect(
            batcher.built(block: true) == .cut(entries: Batcher.defaultCutAheadMin),
            "a batch worth a block of its own is cut while the block before commits")
        #expect(batcher.built(block: true) == .wait)
        #expect(batcher.committed() == .wait)
        #expect(batcher.committed() == .wait)
        #expect(batcher.isIdle)
    }

    /// The configured batch bound is tied to the block bound: too large or too small is clamped.
    @Test func theBatchBoundIsClampedToABlock() {
        var config = SettlementConfig()
        #expect(config.batchEntriesMax == Limits.blockEntriesMax)
        config.batchEntriesMax = Limits.blockEntriesMax * 4
        #expect(config.batchEntriesMax == Limits.blockEntriesMax)
        config.batchEntriesMax = 0
        #expect(config.batchEntriesMax == 1)
        config.batchEntriesMax = 100
        #expect(config.batchEntriesMax == 100)
    }

    @Test func aBatchNeverExceedsItsBound() {
        var batcher = Batcher(entriesMax: Limits.blockEntriesMax)
        #expect(batcher.arrived(20_000) == .cut(entries: Limits.blockEntriesMax))
        #expect(batcher.waiting == 20_000 - Limits.blockEntriesMax)
        #expect(batcher.built(block: true) == .cut(entries: Limits.blockEntriesMax))
        #expect(batcher.committed() == .wait)
        #expect(batcher.built(block: true) == .cut(entries: 20_000 - 2 * Limits.blockEntriesMax))
    }

    /// Random event sequences (only those the shell can produce): every entry that arrives is cut
    /// exactly once, no batch exceeds the bound, at most one batch is prepared at a time and at
    /// most `depth` blocks are not yet durable.
    @Test(arguments: SplitMix64.seeds([1, 42, 0xBEEF]))
    func everyEntryIsCutOnceWithinBounds(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var batcher = Batcher(entriesMax: 50)
        var arrived = 0
        var cut = 0
        func take(_ action: Batcher.Action) {
            if case .cut(let count) = action {
                #expect((1...50).contains(count), "seed \(seed)")
                #expect(
                    batcher.unsettled == 0 || count == 50,
                    "seed \(seed): while a block commits, only a whole batch is cut ahead")
                cut += count
            }
        }
        for _ in 0..<10_000 {
            switch rng.next() % 3 {
            case 0:
                let count = 1 + Int(rng.next() % 80)
                arrived += count
                take(batcher.arrived(count))
            case 1 where batcher.preparing: take(batcher.built(block: rng.next() % 4 != 0))
            case 2 where batcher.committing: take(batcher.committed())
            default: break
            }
            #expect(arrived == cut + batcher.waiting, "seed \(seed): entries are waiting or cut, once")
            #expect(batcher.unsettled <= Batcher.depth, "seed \(seed)")
            #expect(
                batcher.waiting == 0 || batcher.preparing || batcher.committing,
                "seed \(seed): nothing waits while the pipeline is empty")
        }
        // Drain: the shell keeps building and committing until nothing waits.
        while !batcher.isIdle {
            if batcher.preparing {
                take(batcher.built(block: true))
            } else if batcher.committing {
                take(batcher.committed())
            }
        }
        #expect(cut == arrived, "seed \(seed)")
    }
}

/// The one-writer lock belongs to the store: a second writer of the same registry is refused
/// with `STORE_LOCKED` while the first lives, and admitted once it is gone; readers need no lock.
struct WriterLockTests {
    @Test func aSecondWriterIsRefusedUntilTheFirstCloses() throws {
        let registry = try TempRegistry()
        do {
            let first = try SQLiteStore.openWriter(at: registry.url)
            #expect(throws: StoreError.self) { _ = try SQLiteStore.openWriter(at: registry.url) }
            do { _ = try SQLiteStore.openWriter(at: registry.url) } catch { #expect(error.code == .locked) }
            let reader = try SQLiteStore.open(at: registry.url)
            #expect(try reader.latestHeight() == first.latestHeight())
        }
        let again = try SQLiteStore.openWriter(at: registry.url)
        #expect(try again.latestHeight() == 0)
    }
}
