public import PlimsollCore
public import PlimsollCrypto
import PlimsollSettlement
public import PlimsollStore
import Synchronization

/// A store in memory for seeded simulations: it keeps every block, the state after the last one
/// and the audit, and fails on command.
///
/// - `failNextCommit()`, `failNextWrites(_:)`: the next writes throw an I/O error and write
///   nothing (a full disk).
/// - `crash(atWrite:written:)`: the n-th write from now, whatever it is (a block's commit, a
///   rejection audit or a probe), either lands or not, then the "process" dies: that write and
///   every later one throw until `restart()`, as a killed writer's would. A write that landed
///   before the crash is what a real crash after fsync but before the answer leaves.
///   `crashSites` says where each crash fell.
public final class MemoryStore: SettlementStore, Sendable {
    private struct Contents {
        var blocks: [CommittedBlock] = []
        var state: LedgerState
        var rejections: [CommittedBlock.Rejected] = []
        var failNext = 0
        var failNextLoad = false
        var failedLoads = 0
        var crashPlan: (writesLeft: Int, lands: Bool)?
        var crashed = false
        var crashSites: [CrashSite] = []
        var failedWrites: [Int] = []  // the last few, newest last
        var writes = 0
    }

    /// The kind of write a crash fell on, and whether it landed (a probe writes nothing).
    public enum CrashSite: Hashable, Sendable {
        case commit(landed: Bool)
        case audit(landed: Bool)
        case probe
    }

    private enum WriteKind { case commit, audit, probe }

    public let genesis: Genesis
    private let contents: Mutex<Contents>
    /// A commit held at the gate (`holdNextCommit`), so a simulation can apply the next block
    /// on top of it, deterministically, before letting it land or fail.
    private let gate = Mutex<Gate>(Gate())

    private struct Gate {
        var holdNext = false
        var held: CheckedContinuation<Void, Never>?
    }

    public init(genesis: Genesis, genesisBlock: CommittedBlock, state: LedgerState) {
        self.genesis = genesis
        contents = Mutex(Contents(blocks: [genesisBlock], state: state))
    }

    /// A new registry of `genesis`, its block 0 signed by `sequencerKey`.
    public convenience init(genesis: Genesis, sequencerKey: SigningKey) {
        let (block, state) = BlockBuilder.genesisBlock(genesis, sequencerKey: sequencerKey)
        self.init(genesis: genesis, genesisBlock: block, state: state)
    }

    public func loadLedger() throws(StoreError) -> (state: LedgerState, tip: StoreTip) {
        let (state, last, crashed, failLoad) = contents.withLock { contents in
            defer { contents.failNextLoad = false }
            return (contents.state, contents.blocks.last!, contents.crashed, contents.failNextLoad)
        }
        guard !crashed else { throw StoreError(.io, "the store's process has crashed; restart it") }
        guard !failLoad else {
            contents.withLock { $0.failedLoads += 1 }
            throw StoreError(.io, "simulated read error while loading the state")
        }
        return (state, StoreTip(header: last.header, frontier: last.frontier))
    }

    public func commit(_ block: CommittedBlock, changes: StateChanges) async throws(StoreError) {
        // Deciding to hold and parking happen under one lock, so a cancel or a release cannot
        // slip between them and leave the commit parked for ever.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let parked = gate.withLock { gate in
                guard gate.holdNext else { return false }
                gate.holdNext = false
                gate.held = continuation
                return true
            }
            if !parked { continuation.resume() }
        }
        try write(.commit) { contents in
            precondition(
                block.header.header.prevHash == contents.blocks.last!.header.header.hash,
                "block does not extend the tip")
            contents.blocks.append(block)
            contents.state.apply(changes)
            contents.rejections += block.rejected
        }
    }

    /// Its failed writes wrote nothing (a landed write is a crash), as SQLite's are after the probe.
    public var probeSettlesAFailedCommit: Bool { true }

    /// A write of nothing (settlement probes after every failed write); it fails, and a planned
    /// crash falls on it, as on any write.
    public func probeWrite() async throws(StoreError) {
        try write(.probe) { _ in }
    }

    public func recordRejections(
        _ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs
    ) async throws(StoreError) {
        try write(.audit) { $0.rejections += rejected }
    }

    private func write(_ kind: WriteKind, _ body: (inout Contents) -> Void) throws(StoreError) {
        let failure: StoreError? = contents.withLock { contents in
            contents.writes += 1
            let failure = Self.attempt(kind, &contents, body)
            if failure != nil {
                contents.failedWrites.append(contents.writes)
                if contents.failedWrites.count > 64 { contents.failedWrites.removeFirst() }
            }
            return failure
        }
        if let failure { throw failure }
    }

    /// One write under the lock: a crash planned for it, else a planned I/O error, else `body`.
    private static func attempt(
        _ kind: WriteKind, _ contents: inout Contents, _ body: (inout Contents) -> Void
    ) -> StoreError? {
        if contents.crashed { return StoreError(.io, "the store's process has crashed") }
        var lands: Bool?
        if let plan = contents.crashPlan {
            contents.crashPlan = plan.writesLeft > 1 ? (plan.writesLeft - 1, plan.lands) : nil
            if plan.writesLeft <= 1 { lands = plan.lands }
        }
        guard let lands else {
            if contents.failNext > 0 {
                contents.failNext -= 1
                return StoreError(.io, "simulated I/O error at write \(contents.writes)")
            }
            body(&contents)
            return nil
        }
        contents.crashed = true
        if lands { body(&contents) }
        switch kind {
        case .commit: contents.crashSites.append(.commit(landed: lands))
        case .audit: contents.crashSites.append(.audit(landed: lands))
        case .probe: contents.crashSites.append(.probe)
        }
        return StoreError(.io, "simulated crash at write \(contents.writes) (\(lands ? "after" : "before") it landed)")
    }

    public func failNextCommit() { failNextWrites(1) }
    /// The next `count` writes throw an I/O error and write nothing (a commit and the probe after it).
    public func failNextWrites(_ count: Int) { contents.withLock { $0.failNext = count } }
    /// Writes tried so far (commits, rejection audits and probes, failed ones included).
    public var writeCount: Int { contents.withLock { $0.writes } }
    /// The next `loadLedger` throws an I/O error (a read that fails once, the store intact).
    public func failNextLoad() { contents.withLock { $0.failNextLoad = true } }
    /// Loads that failed so far, planned ones (`failNextLoad`).
    public var failedLoads: Int { contents.withLock { $0.failedLoads } }
    /// The `n`-th write from now (1: the next), of any kind, crashes the process, after it landed
    /// or before. A planned crash goes before a planned I/O error on the same write.
    public func crash(atWrite n: Int, written: Bool) {
        precondition(n >= 1)
        contents.withLock { $0.crashPlan = (n, written) }
    }
    /// Where every crash so far fell.
    public var crashSites: [CrashSite] { contents.withLock { $0.crashSites } }
    public func restart() { contents.withLock { $0.crashed = false } }
    /// Whether the `n`-th write (as `writeCount` counts) failed, an I/O error or a crash; for the
    /// last 64 failures.
    public func writeFailed(_ n: Int) -> Bool { contents.withLock { $0.failedWrites.contains(n) } }

    /// The next block commit waits at the gate until `releaseHeldCommit()`; a planned failure
    /// or crash applies when it is released.
    public func holdNextCommit() { gate.withLock { $0.holdNext = true } }
    /// Withdraws a hold no commit has reached yet.
    public func cancelHold() { gate.withLock { $0.holdNext = false } }
    /// A commit waits at the gate.
    public var holdsACommit: Bool { gate.withLock { $0.held != nil } }
    public func releaseHeldCommit() {
        let held = gate.withLock { gate in
            defer { gate.held = nil }
            return gate.held
        }
        held?.resume()
    }

    public var blocks: [CommittedBlock] { contents.withLock { $0.blocks } }
    public var state: LedgerState { contents.withLock { $0.state } }
    public var rejections: [CommittedBlock.Rejected] { contents.withLock { $0.rejections } }
    public var isCrashed: Bool { contents.withLock { $0.crashed } }
}
