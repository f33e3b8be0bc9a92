import PlimsollCore

/// When settlement cuts a batch: events in, actions out, no clock and no sleep (STYLE.md:
/// Concurrency), so a simulation drives it step by step and the async shell around it is thin.
///
/// Group commit with a three-stage pipeline: while block n is being made durable, batch n + 1 is
/// verified and applied on top of it, and its commit starts the moment block n's ends. At most
/// `depth` blocks are built and not yet durable (one committing, one waiting for it). With nothing
/// committing, a batch is cut as soon as no other batch is being prepared, so an idle registry
/// cuts at once (one transfer alone waits for nothing). While a block commits, the next batch is
/// cut only once it is worth a block of its own (`defaultCutAheadMin`); a smaller one gathers until the
/// commit ends and is cut then, with whatever arrived meanwhile, up to `entriesMax`.
///
/// Why not cut ahead whatever waits: a batch cut during a commit cannot commit before that commit
/// ends; cutting it early only overlaps its apply (a fraction of a millisecond for a few dozen
/// transfers) with the commit, and makes one block more. A block's own cost (a transaction, its
/// sync, every page it touches written whole) does not shrink with its size, so at 64 waiting
/// connections blocks of 17 transfers spent more time of the writer on themselves than on their
/// transfers: settlement over HTTP settled about 12 % more once small batches waited (issue 13,
/// Docs/benchmarks.md). A large batch is cut ahead as before, where the overlap pays. Signatures
/// are checked ahead of any cut either way (`Settlement.verifyAhead`). Durability is unchanged:
/// every block is its own durable transaction, and a submitter hears "settled" only after it.
public struct Batcher: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case wait
        /// Take this many entries from the front of intake and start verifying them.
        case cut(entries: Int)
    }

    /// Blocks built and not yet durable, at most: one committing and one applied on top of it.
    public static let depth = 2

    /// While a block commits, the next batch is cut when this many entries wait (or a whole batch
    /// of `entriesMax`, when that is less). With every transfer queued at once (the settle
    /// benchmark) blocks are as large and settle as fast as with no bound.
    public static let defaultCutAheadMin = 1_024

    public let entriesMax: Int
    /// `defaultCutAheadMin` unless configured (the simulation cuts ahead at 1 in some worlds, to
    /// reach blocks applied on top of a committing one with batches of a few entries).
    public let cutAheadMin: Int
    /// Entries in intake, not yet in a batch.
    public private(set) var waiting = 0
    /// A batch is being verified or applied (taken, its block not built yet).
    public private(set) var preparing = false
    /// Blocks built whose commit has not ended (committing, or waiting for the one before).
    public private(set) var unsettled = 0

    public init(entriesMax: Int, cutAheadMin: Int = Batcher.defaultCutAheadMin) {
        precondition(entriesMax > 0 && cutAheadMin > 0)
        precondition(entriesMax <= Limits.blockEntriesMax)
        self.entriesMax = entriesMax
        self.cutAheadMin = cutAheadMin
    }

    /// A block is being committed or waits to be.
    public var committing: Bool { unsettled > 0 }

    /// Nothing waits, nothing is being prepared or committed.
    public var isIdle: Bool { waiting == 0 && !preparing && unsettled == 0 }

    /// `count` entries joined intake.
    public mutating func arrived(_ count: Int) -> Action {
        precondition(count > 0)
        waiting += count
        return next()
    }

    /// The batch being prepared became a block (or made none).
    public mutating func built(block: Bool) -> Action {
        precondition(preparing)
        preparing = false
        if block {
            precondition(unsettled < Self.depth, "a block is built only when there is room for it")
            unsettled += 1
        }
        return next()
    }

    /// The oldest unsettled block is durable, or failed (and every block built on it with it:
    /// each of those is reported here too).
    public mutating func committed() -> Action {
        precondition(unsettled > 0)
        unsettled -= 1
        return next()
    }

    private mutating func next() -> Action {
        guard waiting > 0, !preparing, unsettled < Self.depth else { return .wait }
        guard unsettled == 0 || waiting >= min(cutAheadMin, entriesMax) else { return .wait }
        let count = min(waiting, entriesMax)
        waiting -= count
        preparing = true
        return .cut(entries: count)
    }
}
