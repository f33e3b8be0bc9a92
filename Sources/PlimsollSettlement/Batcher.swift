import PlimsollCore

/// When settlement cuts a batch: events in, actions out, no clock and no sleep (STYLE.md:
/// Concurrency), so a simulation drives it step by step and the async shell around it is thin.
///
/// Group commit with a two-stage pipeline: a batch is cut as soon as no other batch is being
/// verified and applied, so its signatures are checked while the block before it commits. An idle
/// registry cuts at once (the batch window closes when intake is idle: one transfer alone waits
/// for nothing); a busy one cuts whatever arrived during the previous block's commit, up to
/// `entriesMax`. Durability is unchanged: every block is its own durable transaction.
public struct Batcher: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case wait
        /// Take this many entries from the front of intake and start verifying them.
        case cut(entries: Int)
    }

    public let entriesMax: Int
    /// Entries in intake, not yet in a batch.
    public private(set) var waiting = 0
    /// A batch is being verified or applied (taken, its block not built yet).
    public private(set) var preparing = false
    /// A block is being committed.
    public private(set) var committing = false

    public init(entriesMax: Int) {
        precondition(entriesMax > 0)
        precondition(entriesMax <= Limits.blockEntriesMax)
        self.entriesMax = entriesMax
    }

    /// Nothing waits, nothing is being prepared or committed.
    public var isIdle: Bool { waiting == 0 && !preparing && !committing }

    /// `count` entries joined intake.
    public mutating func arrived(_ count: Int) -> Action {
        precondition(count > 0)
        waiting += count
        return next()
    }

    /// The batch being prepared became a block (or made none); its commit starts, if any.
    public mutating func built(block: Bool) -> Action {
        precondition(preparing)
        precondition(!committing)
        preparing = false
        committing = block
        return next()
    }

    /// The block being committed is durable, or failed.
    public mutating func committed() -> Action {
        precondition(committing)
        committing = false
        return next()
    }

    private mutating func next() -> Action {
        guard waiting > 0, !preparing else { return .wait }
        let count = min(waiting, entriesMax)
        waiting -= count
        preparing = true
        return .cut(entries: count)
    }
}
