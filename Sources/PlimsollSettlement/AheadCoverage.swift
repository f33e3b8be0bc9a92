/// Which signature checks, started ahead of the batch cut, cover which entries of intake: the
/// bookkeeping of `Settlement`'s verify-ahead, with no tasks in it, so a test can drive it.
///
/// Chunks are started in intake order, each on the entries after the last one covered; a batch
/// takes entries from the front of intake, so it takes the verdicts of the chunks at the front,
/// perhaps the back of one and the front of the next, and checks whatever no chunk covers yet.
public struct AheadCoverage: Sendable, Equatable {
    /// A part of a batch whose verdicts a chunk holds.
    public struct Part: Sendable, Equatable {
        /// The chunk, counted from the first chunk of the front when `take` was called.
        public let chunk: Int
        /// The verdicts of the chunk that belong to the batch.
        public let range: Range<Int>
    }

    /// Entries of each chunk not yet dropped, oldest first.
    public private(set) var chunks: [Int] = []
    /// Verdicts of the first chunk already taken by earlier batches.
    public private(set) var used = 0

    public init() {}

    /// Entries at the front of intake that some chunk covers.
    public var covered: Int { chunks.reduce(0, +) - used }

    /// A chunk of `count` entries started, right after the ones covered.
    public mutating func started(_ count: Int) {
        precondition(count > 0)
        chunks.append(count)
    }

    /// A batch took `count` entries from the front of intake: the parts covered (in order) and
    /// how many chunks are now fully taken (the caller drops as many of its tasks from the front).
    /// The batch's entries after the parts are covered by no chunk.
    public mutating func take(_ count: Int) -> (parts: [Part], dropped: Int) {
        precondition(count >= 0)
        var parts: [Part] = []
        var taken = 0
        var dropped = 0
        while taken < count, dropped < chunks.count {
            let size = chunks[dropped]
            let take = min(count - taken, size - used)
            parts.append(Part(chunk: dropped, range: used..<(used + take)))
            taken += take
            used += take
            if used == size {
                dropped += 1
                used = 0
            }
        }
        chunks.removeFirst(dropped)
        return (parts, dropped)
    }
}
