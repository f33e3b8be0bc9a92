import PlimsollSettlement
import PlimsollTesting
import Testing

/// The bookkeeping of signatures checked ahead of the batch cut, against a model that labels
/// every entry of intake with the chunk and offset holding its verdict: from fixed seeds, chunks
/// and batches of random sizes that do not line up (a batch spanning several chunks, a chunk
/// spanning several batches, a batch partly covered).
struct AheadCoverageTests {
    @Test(arguments: SplitMix64.seeds([1, 2, 3, 0xA11CE]))
    func everyEntryTakesTheVerdictOfItsOwnChunk(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var coverage = AheadCoverage()
        // Model: intake, each entry with (global chunk id, offset in it) once a chunk covers it.
        var intake: [(chunk: Int, offset: Int)?] = []
        var liveChunks: [Int] = []  // global ids of the chunks not yet dropped, oldest first
        var nextChunk = 0
        var spanned = 0
        var partlyCovered = 0
        for _ in 0..<3_000 {
            switch rng.next() % 3 {
            case 0:
                intake += Array(repeating: nil, count: 1 + Int(rng.next() % 20))
            case 1:
                let uncovered = intake.count - coverage.covered
                guard uncovered > 0 else { continue }
                let count = 1 + Int(rng.next() % UInt64(uncovered))
                let first = coverage.covered
                for offset in 0..<count { intake[first + offset] = (nextChunk, offset) }
                coverage.started(count)
                liveChunks.append(nextChunk)
                nextChunk += 1
            default:
                guard !intake.isEmpty else { continue }
                let count = 1 + Int(rng.next() % UInt64(min(intake.count, 30)))
                let (parts, dropped) = coverage.take(count)
                var labels: [(chunk: Int, offset: Int)] = []
                for part in parts {
                    #expect(!part.range.isEmpty)
                    for offset in part.range { labels.append((liveChunks[part.chunk], offset)) }
                }
                let batch = intake.prefix(count)
                #expect(labels.count == batch.prefix { $0 != nil }.count, "seed \(seed): parts cover the covered front")
                for (label, model) in zip(labels, batch) {
                    #expect(label.chunk == model?.chunk && label.offset == model?.offset, "seed \(seed)")
                }
                #expect(batch.dropFirst(labels.count).allSatisfy { $0 == nil }, "the rest is covered by no chunk")
                if Set(parts.map(\.chunk)).count > 1 { spanned += 1 }
                if !labels.isEmpty && labels.count < count { partlyCovered += 1 }
                liveChunks.removeFirst(dropped)
                intake.removeFirst(count)
            }
            #expect(coverage.covered == intake.prefix { $0 != nil }.count)
            #expect(coverage.chunks.count == liveChunks.count)
        }
        #expect(spanned > 10 && partlyCovered > 10, "seed \(seed): the awkward cases occurred")
    }

    /// The verifier's chunks cover a batch in order, none empty, never more than asked, for every
    /// size up to two batches and worker caps of 2 to 16 cores.
    @Test func theVerifierCutsEverySizeIntoOrderedChunks() {
        for cores in [1, 2, 3, 9, 16] {
            for count in 0...16_380 {
                let ranges = Verifier.chunks(count: count, workersMax: cores * 8)
                #expect(ranges.first?.lowerBound == 0)
                #expect(ranges.last?.upperBound == count)
                #expect(ranges.count <= cores * 8)
                var end = 0
                for range in ranges {
                    if range.lowerBound != end || (range.isEmpty && count > 0) {
                        Issue.record("\(count) entries, \(cores) cores: \(ranges)")
                        return
                    }
                    end = range.upperBound
                }
            }
        }
    }
}
