import DequeModule
public import Foundation
public import Logging
import Metrics
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// Bounds of settlement (DESIGN.md defaults).
public struct SettlementConfig: Sendable {
    /// A batch is cut at this many entries at most. Tied to `Limits.blockEntriesMax` (a batch must
    /// fit in one block): a larger value is clamped to it, a value below 1 to 1, never a trap.
    public var batchEntriesMax: Int {
        get { batchEntries }
        set { batchEntries = min(max(newValue, 1), Limits.blockEntriesMax) }
    }
    private var batchEntries = Limits.blockEntriesMax
    /// Entries waiting in intake; past this, `submit` answers `IntakeFull`.
    public var intakeEntriesMax = 250_000
    /// While a block commits, the next batch is cut once this many entries wait
    /// (`Batcher.defaultCutAheadMin`); a value below 1 is taken as 1 (cut whatever waits).
    public var cutAheadEntriesMin: Int {
        get { cutAhead }
        set { cutAhead = max(newValue, 1) }
    }
    private var cutAhead = Batcher.defaultCutAheadMin

    public init() {}
}

/// The one writer of a registry: intake, batcher, parallel verification, apply, commit.
///
/// A submitter hears "settled" only after its block's transaction is durable. The actor owns the
/// ledger state and the store's write side; readers use the store directly. It reads no clock of
/// its own and never sleeps: block times come from `clock`, batches are cut by `Batcher`'s
/// decisions, and the store is any `SettlementStore`, so a seeded simulation can drive it.
public actor Settlement {
    private struct Pending {
        let candidate: Candidate
        /// Who hears the outcome; nil for a submitter that did not wait (`submitWithoutWaiting`).
        let waiter: Waiter?
    }

    /// One submitter waiting for one outcome, or one slot of a batch admitted as a whole.
    private enum Waiter {
        case single(CheckedContinuation<Outcome, Never>)
        case batch(BatchWaiter, index: Int)
    }

    /// The outcomes of a batch admitted all at once; its submitter resumes when the last one is in.
    /// Only the actor touches it.
    private final class BatchWaiter {
        var outcomes: [Outcome?]
        var remaining: Int
        let continuation: CheckedContinuation<[Outcome], Never>

        init(count: Int, continuation: CheckedContinuation<[Outcome], Never>) {
            outcomes = Array(repeating: nil, count: count)
            remaining = count
            self.continuation = continuation
        }

        func deliver(_ outcome: Outcome, at index: Int) {
            precondition(outcomes[index] == nil)
            outcomes[index] = outcome
            remaining -= 1
            if remaining == 0 { continuation.resume(returning: outcomes.map { $0! }) }
        }
    }

    private let store: any SettlementStore
    /// Signs registrar actions made here (the CLI's own, a re-screen): nil when the registrar's
    /// key stays offline, and then a re-screen is signed by the sequencer key (what it may sign).
    private let registrarKey: SigningKey?
    /// The sequencer keys held, by public key: the one in force signs every header; a new one is
    /// added when a rotation to it is submitted (`nextSequencerKey`).
    private var sequencerKeys: [XOnlyPublicKey: SigningKey]
    /// Finds the private key of a sequencer key a rotation names (the edge reads it from the
    /// registry folder); nil: rotations of the sequencer key are refused here.
    private let nextSequencerKey: (@Sendable (XOnlyPublicKey) -> SigningKey?)?
    /// The keys in force once every entry queued so far has applied: what intake checks a
    /// signed registrar entry against.
    private var intakeRegistrarKey: XOnlyPublicKey
    private var intakeSequencerKey: XOnlyPublicKey
    /// Rotations queued and not yet applied: while there are none, the intake keys are the
    /// ledger's (so a rotation the ledger refused leaves the keys as they were).
    private var rotationsInFlight = 0
    private let config: SettlementConfig
    private let clock: @Sendable () -> TimestampMs
    private let logger: Logger
    /// Every block applied so far, durable or not yet: the next batch applies on top of it.
    private var ledger: Ledger
    /// The state commitment of `ledger.state` (version 2 headers carry its root): the only copy
    /// of the tree, so each block changes it in place (`StateTree`) and a block's cost does not
    /// grow with the registry. No durable copy is kept: a holding proof is taken from it and
    /// answered once its block is durable (`holdingProof`).
    private var commitment: StateCommitment
    /// The last block applied (perhaps not yet durable).
    private var tip: StoreTip
    /// The last durable block: what readers are answered from.
    private var durableTip: StoreTip
    /// Holding proofs taken from an applied block, waiting for it to be durable: resumed with
    /// true when that block (height and hash) lands, false when it will not (voided, or another
    /// block landed at its height), and the proof is then taken again.
    private var proofWaiters: [ProofWaiter] = []
    private var nextProofWaiter: UInt64 = 0

    private struct ProofWaiter {
        let id: UInt64
        let height: Height
        let hash: Hash32
        let continuation: CheckedContinuation<Bool, Never>
    }
    /// The sanctions list versions in force at the last durable block: what `/v1/screen` answers
    /// with, so a list adoption whose block is later voided is never used, and no reader holds a
    /// reference to the whole state while blocks are applied.
    public private(set) var durableLists: [ListAdoption]
    /// Applied batches waiting for their writes, oldest first; the first is being written when
    /// `writing`.
    private var writes: [Applied] = []
    private var writing = false
    /// A commit failed and the state could not be read back from the store yet.
    private var stale = false
    /// A deque: a batch leaves from the front without shifting the (up to `intakeEntriesMax`)
    /// entries behind it.
    private var queue: Deque<Pending> = []
    /// Signature checks of intake started before its batch is cut, oldest first: they cover the
    /// front of `queue` as `aheadCoverage` keeps count. A check needs no
    /// state, so intake is verified while earlier blocks apply and commit, and a batch cut behind
    /// a committing block finds its signatures checked instead of waiting for them.
    private var ahead: [Task<[Bool], Never>] = []
    private var aheadCoverage = AheadCoverage()
    private var aheadRunning = false
    private var batcher: Batcher
    /// Batches cut and being verified, in order; the runner settles them one after another.
    private var pipeline: [Batch] = []
    private var running = false
    private var lastRegistrarSequence: UInt64
    public private(set) var stats = SettlementStats()
    /// Ids in intake or in the batch being settled, with their count (bounded by the intake bound).
    private var pendingIDs: [Hash32: Int] = [:]
    /// Callers of `waitUntilIdle`, resumed when intake is empty and no block is being committed.
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Why the last commit failed, while commits fail (disk full, I/O error); nil once one succeeds.
    public private(set) var commitFailure: String?

    /// Opens settlement on a store, loading its state (no replay) and checking its tip.
    /// - Throws: `StoreError`, or `CLI`-worthy errors when `registrarKey` is not this registry's.
    /// - Parameter clock: block times, unix ms (`Settlement.wallClockMs` in production, a manual
    ///   clock in a simulation).
    public init(
        store: any SettlementStore, registrarKey: SigningKey, config: SettlementConfig = SettlementConfig(),
        clock: @escaping @Sendable () -> TimestampMs, logger: Logger = Logger(label: "plimsoll.settlement")
    ) throws(StoreError) {
        try self.init(
            store: store, sequencerKeys: [registrarKey], registrarKey: registrarKey, config: config, clock: clock,
            logger: logger)
    }

    /// Opens settlement with the sequencer key in force among `sequencerKeys` (it signs every
    /// block; the others are kept for a rotation to them) and, when it is here, the registrar's
    /// key in force (it signs the actions this process makes).
    /// - Throws: `StoreError` `KEY_MISMATCH` when no sequencer key given is the one in force, or
    ///   the registrar key is not.
    public init(
        store: any SettlementStore, sequencerKeys: [SigningKey], registrarKey: SigningKey?,
        nextSequencerKey: (@Sendable (XOnlyPublicKey) -> SigningKey?)? = nil,
        config: SettlementConfig = SettlementConfig(),
        clock: @escaping @Sendable () -> TimestampMs, logger: Logger = Logger(label: "plimsoll.settlement")
    ) throws(StoreError) {
        let (state, tip) = try store.loadLedger()
        guard sequencerKeys.contains(where: { $0.publicKey == state.sequencerKey }) else {
            throw StoreError(
                .keyMismatch,
                "the sequencer key file does not match this registry's sequencer key in force (\(state.sequencerKey.hex.prefix(16))…)"
            )
        }
        if let registrarKey, registrarKey.publicKey != state.registrarKey {
            throw StoreError(
                .keyMismatch,
                "the registrar key file does not match this registry's registrar key in force (\(state.registrarKey.hex.prefix(16))…)"
            )
        }
        self.store = store
        self.registrarKey = registrarKey
        self.sequencerKeys = Dictionary(
            sequencerKeys.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
        self.nextSequencerKey = nextSequencerKey
        self.intakeRegistrarKey = state.registrarKey
        self.intakeSequencerKey = state.sequencerKey
        self.config = config
        self.batcher = Batcher(entriesMax: config.batchEntriesMax, cutAheadMin: config.cutAheadEntriesMin)
        self.clock = clock
        self.logger = logger
        self.ledger = Ledger(state: state)
        self.commitment = tip.commitment ?? StateCommitment(state: state)
        // Without the loaded commitment: `commitment` stays the tree's only holder.
        self.tip = StoreTip(header: tip.header, frontier: tip.frontier)
        self.durableTip = self.tip
        self.durableLists = state.counters.lists
        self.lastRegistrarSequence = state.counters.registrarSequence
    }

    /// The system's wall clock in unix ms: what the edges pass as `clock`.
    @Sendable public static func wallClockMs() -> TimestampMs { UInt64(Date().timeIntervalSince1970 * 1000) }

    /// The state after every block applied so far; while a block commits, it may be ahead of the
    /// durable state by that block (and equals it whenever settlement is idle). After a failed
    /// commit whose state could not be read back (`stale`: `readiness()` is false and retries the
    /// read), it may still hold the voided blocks until the read succeeds.
    public var state: LedgerState { ledger.state }
    /// The last durable block's signed header.
    public var latestHeader: SignedBlockHeader { durableTip.header }
    public var pendingCount: Int { queue.count }
    /// A batch is cut and not yet applied, or waits to be.
    public var isPreparing: Bool { batcher.preparing || !pipeline.isEmpty }
    /// Blocks applied and not yet durable (at most `Batcher.depth`).
    public var undurableBlocks: Int { writes.count { if case .block = $0.write { true } else { false } } }

    /// Holding proofs waiting for their block to be durable.
    public var proofsWaiting: Int { proofWaiters.count }

    /// How many times a proof (of a holding or a key) is taken again after the block it waited for was voided.
    static let proofAttemptsMax = 8
    /// Holding proofs that may wait at once; past it a proof is refused (nil) instead of queued,
    /// so a commit that stalls cannot pile up requests without bound.
    static let proofWaitersMax = 4_096

    /// The proof of a key's holding of a vessel against a durable signed header, taken from one
    /// consistent state. Nil while the tip is a version 1 header (it commits to no provable state;
    /// the next block is version 2), while the state cannot be read back after a failed commit
    /// (the proof tries that read once more first),
    /// after `proofAttemptsMax` voided blocks, when `proofWaitersMax` proofs already wait, or when
    /// the asking task is cancelled while it waits.
    ///
    /// Taken from the last applied block and answered once that block is durable: the tree is
    /// kept once, for settlement to change in place, so a proof asked while blocks commit waits
    /// for the commits of the blocks applied so far (at most `Batcher.depth`; none while idle).
    /// A voided block's proof is never answered; it is taken again from the state read back.
    public func holdingProof(asset: AssetID, key: KeyRef) async -> HoldingProof? {
        await durableProof { HoldingProof(state: $0, commitment: $1, header: $2, asset: asset, key: key) }
    }

    /// The proof of a key's record (its party, last nonce and freezes), taken and answered as
    /// `holdingProof` is.
    public func keyProof(key: KeyRef) async -> KeyProof? {
        await durableProof { KeyProof(state: $0, commitment: $1, header: $2, key: key) }
    }

    /// A proof `make` takes from the last applied state, its commitment and header, answered once
    /// that header is durable (`holdingProof`).
    private func durableProof<Proof: Sendable>(
        _ make: (LedgerState, StateCommitment, SignedBlockHeader) -> Proof
    ) async -> Proof? {
        for _ in 0..<Self.proofAttemptsMax {
            // A read back after a failed commit that failed is tried again here, as `readiness()`
            // does, so a proof that waited through one transient read error is still answered.
            if stale { rollBack() }
            guard !stale, tip.header.header.version >= 2 else { return nil }
            let proof = make(ledger.state, commitment, tip.header)
            let (height, hash) = (tip.header.header.height, tip.header.header.hash)
            if durableTip.header.header.height == height, durableTip.header.header.hash == hash { return proof }
            guard proofWaiters.count < Self.proofWaitersMax, !Task.isCancelled else { return nil }
            nextProofWaiter += 1
            let id = nextProofWaiter
            let landed = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    proofWaiters.append(ProofWaiter(id: id, height: height, hash: hash, continuation: continuation))
                }
            } onCancel: {
                Task { await self.cancelProofWaiter(id) }
            }
            if landed { return proof }
            if Task.isCancelled { return nil }
        }
        return nil
    }

    /// A task waiting for a proof was cancelled (its client went away): its waiter leaves now.
    private func cancelProofWaiter(_ id: UInt64) {
        guard let index = proofWaiters.firstIndex(where: { $0.id == id }) else { return }
        proofWaiters.remove(at: index).continuation.resume(returning: false)
    }

    /// Answers the proofs waiting for blocks up to `header`'s height: those of this very block
    /// landed; any other at or below its height will not (the chain went another way).
    private func resumeProofWaiters(durable header: SignedBlockHeader) {
        let (height, hash) = (header.header.height, header.header.hash)
        guard proofWaiters.contains(where: { $0.height <= height }) else { return }
        let due = proofWaiters.filter { $0.height <= height }
        proofWaiters.removeAll { $0.height <= height }
        for waiter in due { waiter.continuation.resume(returning: waiter.height == height && waiter.hash == hash) }
    }

    /// After a rollback every waiting proof is taken again from the state read back.
    private func retryProofWaiters() {
        let waiting = proofWaiters
        proofWaiters = []
        for waiter in waiting { waiter.continuation.resume(returning: false) }
    }

    /// Whether the last commit succeeded (the readiness a load balancer asks for).
    public var isReady: Bool { commitFailure == nil }

    /// Readiness that recovers by itself: while commits fail, each call tries a small durable
    /// write, and one that succeeds clears the failure. A load balancer that stops sending traffic
    /// to a node that is not ready would otherwise never let a block prove it healthy again.
    public func readiness() async -> Bool {
        if stale { rollBack() }
        guard !stale else { return false }
        guard let failure = commitFailure else { return true }
        do {
            try await store.probeWrite()
        } catch {
            return false
        }
        if commitFailure == failure {
            commitFailure = nil
            logger.notice("writes succeed again (probe); ready")
        }
        return commitFailure == nil
    }

    /// Queues an entry and waits until it is settled or rejected.
    /// - Throws: `IntakeFull` when the intake queue is at its bound; nothing was queued.
    public func submit(_ entry: Entry) async throws(IntakeFull) -> Outcome {
        guard queue.count < config.intakeEntriesMax else { throw IntakeFull(retryAfterSeconds: 1) }
        let candidate = Candidate(entry: entry, receivedAtMs: clock(), signatureValid: false)
        return await withCheckedContinuation { continuation in
            enqueue(Pending(candidate: candidate, waiter: .single(continuation)))
            perform(batcher.arrived(1))
        }
    }

    /// Queues every entry of a batch, in order, or none of them, and waits for all outcomes
    /// (in the same order). Nothing can come between the entries in intake, so they keep the
    /// request's order, and a full intake refuses the whole batch before any entry is queued.
    /// - Throws: `IntakeFull` when the entries do not all fit; nothing was queued.
    public func submitAll(_ entries: [Entry]) async throws(IntakeFull) -> [Outcome] {
        guard !entries.isEmpty else { return [] }
        guard intakeHasRoom(for: entries.count) else { throw IntakeFull(retryAfterSeconds: 1) }
        let receivedAtMs = clock()
        return await withCheckedContinuation { continuation in
            let waiter = BatchWaiter(count: entries.count, continuation: continuation)
            for (index, entry) in entries.enumerated() {
                let candidate = Candidate(entry: entry, receivedAtMs: receivedAtMs, signatureValid: false)
                enqueue(Pending(candidate: candidate, waiter: .batch(waiter, index: index)))
            }
            perform(batcher.arrived(entries.count))
        }
    }

    private func enqueue(_ pending: Pending) {
        stats.admitted += 1
        queue.append(pending)
        pendingIDs[pending.candidate.entry.id, default: 0] += 1
    }

    /// Returns once intake is empty and no block is being committed: what a clean shutdown
    /// waits for after the server stops taking requests.
    public func waitUntilIdle() async {
        guard running || writing || !writes.isEmpty || !batcher.isIdle else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Queues an entry and returns at once; the outcome is found later by id (pending while in
    /// intake, then settled in the store or rejected in the audit table).
    /// - Throws: `IntakeFull` when the intake queue is at its bound; nothing was queued.
    public func submitWithoutWaiting(_ entry: Entry) throws(IntakeFull) {
        guard queue.count < config.intakeEntriesMax else { throw IntakeFull(retryAfterSeconds: 1) }
        enqueue(Pending(candidate: Candidate(entry: entry, receivedAtMs: clock(), signatureValid: false), waiter: nil))
        perform(batcher.arrived(1))
    }

    /// Whether an entry with this id waits in intake or in the batch being settled.
    public func isPending(_ id: Hash32) -> Bool { pendingIDs[id] != nil }

    /// Signs a registrar action with the next registrar sequence number and submits it.
    public func submitRegistrar(_ action: RegistrarAction) async throws(IntakeFull) -> Outcome {
        try await submitRegistrarAll([action])[0]
    }

    /// The refusal of a `0x0a` forced transfer at intake, whether signed here or elsewhere.
    static let legacyForcedTransfer = Rejection(
        .malformed, "a forced transfer is written as 0x0f (order, optional licence); 0x0a is for replay only")

    /// Kinds this version no longer writes, though logs that hold them replay as they were: a
    /// `0x0a` forced transfer skips the checks of `0x0f` (order reference, deregistered vessel,
    /// licence for a blocked or frozen receiver). Refused before it takes a sequence number.
    private func refusedAtIntake(_ action: RegistrarAction) -> Outcome? {
        let refusal: Rejection
        if case .forcedTransfer = action {
            refusal = Self.legacyForcedTransfer
        } else if signer(for: action) == nil {
            refusal = Rejection(
                .badRegistrarSignature,
                "the registrar's key is not held here: sign \(action.name) on the registrar's machine and send it (POST /v1/registrar/actions)"
            )
        } else if let missing = missingSequencerKey(action) {
            refusal = missing
        } else {
            return nil
        }
        // The id of the entry as it would have been signed (the sequencer's key when no other).
        let unsent = RegistrarEntry.signed(
            action, sequence: lastRegistrarSequence + 1, chainID: ledger.state.chainID,
            by: signer(for: action) ?? sequencerKeys[intakeSequencerKey]!)
        return .rejected(id: Entry.registrar(unsent).id, refusal)
    }

    /// The key that signs an action made here: the registrar's, else the sequencer's for what it
    /// may sign (a re-screen's decisions and freezes).
    private func signer(for action: RegistrarAction) -> SigningKey? {
        if let registrarKey, registrarKey.publicKey == intakeRegistrarKey { return registrarKey }
        return action.sequencerMaySign ? sequencerKeys[intakeSequencerKey] : nil
    }

    /// A sequencer rotation to a key this settlement cannot get: refused before it is queued (the
    /// block that rotates is signed by the new key).
    private func missingSequencerKey(_ action: RegistrarAction) -> Rejection? {
        guard case .rotateSequencerKey(let rotation) = action else { return nil }
        if sequencerKeys[rotation.newKey] == nil, let key = nextSequencerKey?(rotation.newKey),
            key.publicKey == rotation.newKey
        {
            sequencerKeys[rotation.newKey] = key
        }
        guard sequencerKeys[rotation.newKey] == nil else { return nil }
        return Rejection(
            .unknownKey,
            "the sequencer does not hold the new sequencer key \(rotation.newKey.hex.prefix(16))… (put it beside the registry as sequencer.next.key)"
        )
    }

    /// The keys after `action`, when it rotates one; nil for any other action.
    static func keys(
        after action: RegistrarAction, registrar: XOnlyPublicKey, sequencer: XOnlyPublicKey
    ) -> (registrar: XOnlyPublicKey, sequencer: XOnlyPublicKey)? {
        switch action {
        case .rotateRegistrarKey(let rotation): (rotation.newKey, sequencer)
        case .rotateSequencerKey(let rotation): (registrar, rotation.newKey)
        default: nil
        }
    }

    /// Follows a rotation through intake: entries queued after it are checked against the new key.
    private func intakeAccepted(_ action: RegistrarAction) {
        guard let keys = Self.keys(after: action, registrar: intakeRegistrarKey, sequencer: intakeSequencerKey)
        else { return }
        (intakeRegistrarKey, intakeSequencerKey) = keys
        rotationsInFlight += 1
    }

    /// The intake keys and rotations in flight from the ledger and every entry still waiting (cut
    /// or in intake), in order: after a rollback, what was applied and voided no longer counts.
    private func recomputeIntakeKeys() {
        (intakeRegistrarKey, intakeSequencerKey) = (ledger.state.registrarKey, ledger.state.sequencerKey)
        rotationsInFlight = 0
        for pending in pipeline.flatMap(\.pending) + queue {
            if case .registrar(let entry) = pending.candidate.entry { intakeAccepted(entry.action) }
        }
    }

    /// After a batch applied: its rotations are no longer in flight; with none left, the intake
    /// keys are the ledger's again.
    private func rotationsApplied(_ batch: Batch) {
        guard rotationsInFlight > 0 else { return }
        for pending in batch.pending {
            if case .registrar(let entry) = pending.candidate.entry, entry.action.rotatesKey { rotationsInFlight -= 1 }
        }
        if rotationsInFlight <= 0 {
            rotationsInFlight = 0
            (intakeRegistrarKey, intakeSequencerKey) = (ledger.state.registrarKey, ledger.state.sequencerKey)
        }
    }

    /// Signs registrar actions with the next registrar sequence numbers, in order, and submits
    /// them all at once (`submitAll`): nothing comes between them, so they apply in this order.
    /// - Throws: `IntakeFull` when they do not all fit; nothing was queued or signed.
    public func submitRegistrarAll(_ actions: [RegistrarAction]) async throws(IntakeFull) -> [Outcome] {
        guard intakeHasRoom(for: actions.count) else { throw IntakeFull(retryAfterSeconds: 1) }
        let (keys, sequence, inFlight) = (intakeRegistrarKey, intakeSequencerKey, rotationsInFlight)
        var entries: [Entry] = []
        for action in actions {
            if let refusal = refusedAtIntake(action) {
                (intakeRegistrarKey, intakeSequencerKey, rotationsInFlight) = (keys, sequence, inFlight)
                lastRegistrarSequence -= UInt64(entries.count)
                return actions.map { _ in refusal }
            }
            entries.append(signedRegistrar(action))
            intakeAccepted(action)
        }
        return try await submitAll(entries)
    }

    /// Plans a re-screen of a state (the screening module's `RescreenPlan`, as actions): given
    /// by the serving edge, which knows the adopted lists; nil when none is adopted.
    /// `recorded` and `frozen` say what each decision and freeze is, one line each.
    public typealias Rescreen = @Sendable (LedgerState, TimestampMs) -> RescreenActions?

    /// A re-screen's actions and what they are, one line per decision and per freeze.
    public struct RescreenActions: Sendable {
        public let actions: [RegistrarAction]
        public let recorded: [String]
        public let frozen: [String]

        public init(actions: [RegistrarAction], recorded: [String], frozen: [String]) {
            self.actions = actions
            self.recorded = recorded
            self.frozen = frozen
        }
    }

    private var rescreenHook: Rescreen?

    public func setRescreen(_ hook: Rescreen?) { rescreenHook = hook }

    /// Re-screens every party and vessel of the registry as it stands (settled and applied) and
    /// settles the decisions and freezes as one ordered batch, signed here. The plan is made off
    /// the actor, so transfers keep settling while it is made; nil when no hook or no list.
    /// - Throws: `IntakeFull` when the batch does not fit; nothing was queued.
    public func rescreen() async throws(IntakeFull) -> (plan: RescreenActions, outcomes: [Outcome])? {
        guard let hook = rescreenHook else { return nil }
        let state = ledger.state
        let now = clock()
        guard let plan = await Task.detached(operation: { hook(state, now) }).value else { return nil }
        guard !plan.actions.isEmpty else { return (plan, []) }
        return (plan, try await submitRegistrarAll(plan.actions))
    }

    /// The highest registrar sequence this settlement has taken (settled or queued): a
    /// registrar signing elsewhere signs its next action with a sequence above it.
    public var registrarSequence: UInt64 { lastRegistrarSequence }

    /// Registrar entries signed elsewhere (on the registrar's machine), submitted in order as one
    /// batch: settled through the same queue as transfers, nothing between them.
    ///
    /// Every entry must be signed by this registry's registrar key over this chain, and the
    /// sequences must rise strictly and lie above every sequence already taken; otherwise all are
    /// refused before any is queued or any sequence taken: a replayed action and a stale sequence
    /// with `SEQUENCE_REUSED`, another key with `BAD_REGISTRAR_SIGNATURE`, a legacy `0x0a` with
    /// `MALFORMED`.
    /// - Throws: `IntakeFull` when they do not all fit; nothing was queued.
    public func submitSignedRegistrar(_ entries: [RegistrarEntry]) async throws(IntakeFull) -> [Outcome] {
        guard !entries.isEmpty else { return [] }
        guard intakeHasRoom(for: entries.count) else { throw IntakeFull(retryAfterSeconds: 1) }
        let chainID = ledger.state.chainID
        var last = lastRegistrarSequence
        var (registrar, sequencer) = (intakeRegistrarKey, intakeSequencerKey)
        for (index, entry) in entries.enumerated() {
            let refusal: Rejection?
            let byRegistrar = entry.signatureValid(chainID: chainID, registrarKey: registrar)
            let signed =
                byRegistrar
                || (entry.action.sequencerMaySign && entry.signatureValid(chainID: chainID, registrarKey: sequencer))
            if !signed {
                refusal = Rejection(
                    .badRegistrarSignature, "entry \(index) is not signed by this registry's registrar key")
            } else if entry.sequence <= last {
                refusal = Rejection(
                    .sequenceReused,
                    "entry \(index): registrar sequence \(entry.sequence) is not above \(last) (replayed or stale; sign again with a sequence above \(last))"
                )
            } else if entry.sequence > Limits.registrarSequenceMax {
                refusal = Rejection(
                    .malformed,
                    "entry \(index): registrar sequence \(entry.sequence) is above \(Limits.registrarSequenceMax)")
            } else if !byRegistrar, entry.sequence - last > Limits.sequencerSequenceGapMax {
                refusal = Rejection(
                    .sequenceReused,
                    "entry \(index): a sequencer-signed entry's sequence \(entry.sequence) is more than \(Limits.sequencerSequenceGapMax) above \(last)"
                )
            } else if case .forcedTransfer = entry.action {
                refusal = Self.legacyForcedTransfer
            } else {
                refusal = missingSequencerKey(entry.action)
            }
            if let refusal { return entries.map { .rejected(id: Entry.registrar($0).id, refusal) } }
            last = entry.sequence
            if let keys = Self.keys(after: entry.action, registrar: registrar, sequencer: sequencer) {
                (registrar, sequencer) = keys
            }
        }
        lastRegistrarSequence = last
        (intakeRegistrarKey, intakeSequencerKey) = (registrar, sequencer)
        rotationsInFlight += entries.count { $0.action.rotatesKey }
        return try await submitAll(entries.map(Entry.registrar))
    }

    /// A registrar action signed with the next registrar sequence number.
    /// - Precondition: `refusedAtIntake(action)` is nil (a signer is held).
    private func signedRegistrar(_ action: RegistrarAction) -> Entry {
        lastRegistrarSequence += 1
        return .registrar(
            RegistrarEntry.signed(
                action, sequence: lastRegistrarSequence, chainID: ledger.state.chainID, by: signer(for: action)!))
    }

    /// Whether `count` more entries fit in intake, all of them.
    private func intakeHasRoom(for count: Int) -> Bool {
        count <= config.intakeEntriesMax - min(queue.count, config.intakeEntriesMax)
    }

    /// Carries out the batcher's decision: a cut takes entries from intake, starts verifying
    /// them on all cores at once, and makes sure the runner is settling.
    private func perform(_ action: Batcher.Action) {
        defer { verifyAhead() }
        guard case .cut(let count) = action else { return }
        pipeline.append(takeBatch(count))
        guard !running else { return }
        running = true
        Task { await runPipeline() }
    }

    /// A batch taken from intake, its signatures already being checked on all cores.
    private struct Batch {
        let pending: [Pending]
        let verification: Task<[Bool], Never>
    }

    /// A batch applied to the ledger, waiting for its write (its block, or the audit of a batch
    /// that made none, or nothing) behind the writes before it: its outcomes stand only once
    /// every block it was applied on top of is durable.
    private struct Applied {
        enum Write {
            case block(CommittedBlock, StateChanges)
            case audit([CommittedBlock.Rejected], decidedAtMs: TimestampMs)
            case none
        }

        let batch: Batch
        let result: BlockBuilder.Built
        let write: Write
    }

    /// How far ahead of the batch cut intake is verified: two batches, so the cores check the
    /// next block's signatures while this one applies and commits, and no further (a check far
    /// ahead would only take the cores from the blocks before it).
    private var aheadMax: Int { 2 * config.batchEntriesMax }

    /// Starts checking the next entries of intake no chunk covers yet, one chunk at a time, at
    /// most a batch (a chunk of 64 entries or more already spreads over every core, `Verifier`;
    /// a batch waits for the whole chunk it takes verdicts from).
    private func verifyAhead() {
        let covered = aheadCoverage.covered
        guard !aheadRunning, covered < min(queue.count, aheadMax) else { return }
        let count = min(min(queue.count, aheadMax) - covered, config.batchEntriesMax)
        let entries = queue[covered..<(covered + count)].map(\.candidate.entry)
        let chainID = ledger.state.chainID
        aheadRunning = true
        let verification = Task.detached {
            let valid = await Verifier.verify(entries, chainID: chainID)
            // The verdicts are handed back at once; starting the next chunk waits for the actor.
            Task { await self.aheadEnded() }
            return valid
        }
        ahead.append(verification)
        aheadCoverage.started(count)
    }

    private func aheadEnded() {
        aheadRunning = false
        verifyAhead()
    }

    private func takeBatch(_ count: Int) -> Batch {
        precondition(count <= queue.count)
        let pending = Array(queue.prefix(count))
        queue.removeFirst(count)
        precondition(queue.count == batcher.waiting, "intake and the batcher agree on what waits")
        // The batch's checks: the chunks started ahead that cover its front, then its rest.
        let (covering, dropped) = aheadCoverage.take(count)
        let parts = covering.map { (ahead[$0.chunk], $0.range) }
        ahead.removeFirst(dropped)
        precondition(ahead.count == aheadCoverage.chunks.count, "one task a chunk")
        precondition(aheadCoverage.covered <= queue.count, "the chunks ahead cover the front of intake")
        let covered = covering.reduce(0) { $0 + $1.range.count }
        let rest = pending[covered...].map(\.candidate.entry)
        let chainID = ledger.state.chainID
        let verification = Task.detached {
            var valid: [Bool] = []
            valid.reserveCapacity(count)
            for (chunk, range) in parts { valid += await chunk.value[range] }
            if !rest.isEmpty { valid += await Verifier.verify(rest, chainID: chainID) }
            return valid
        }
        return Batch(pending: pending, verification: verification)
    }

    /// Applies cut batches in order, while the writer makes earlier ones durable: three stages
    /// deep (batch n + 2 verified, n + 1 applied on top of n, n committing). Signature checks need
    /// no state; apply needs block n applied, not durable; a write starts when the one before it
    /// has ended (`startWrite`), and nothing is answered before the blocks under it are durable.
    private func runPipeline() async {
        while !pipeline.isEmpty {
            await prepare(pipeline.removeFirst())
        }
        running = false
        resumeIdleWaiters()
    }

    /// Verifies and applies one batch on top of every block applied so far and queues its write.
    /// Nothing suspends between apply and queueing, so a rollback never meets a half-queued batch.
    private func prepare(_ batch: Batch) async {
        let started = ContinuousClock.now
        let valid = await batch.verification.value
        let verified = ContinuousClock.now
        if stale { rollBack() }
        guard !stale else {
            // The state could not be read back after a failed commit: nothing can be applied.
            perform(batcher.built(block: false))
            answer(
                batch,
                batch.pending.map {
                    .failed(id: $0.candidate.entry.id, message: commitFailure ?? "the store cannot be read")
                })
            return
        }
        var candidates = batch.pending.map(\.candidate)
        for index in candidates.indices { candidates[index].signatureValid = valid[index] }
        // In place: no copy of the state per block (the store is handed the changed records).
        ledger.clearDirty()
        let result = BlockBuilder.build(
            ledger: &ledger, commitment: &commitment, tip: tip, candidates: candidates, timestampMs: clock(),
            sequencerKeys: sequencerKeys
        )
        let write: Applied.Write
        if let block = result.block {
            write = .block(block, StateChanges(dirty: ledger.dirty, state: ledger.state))
            tip = StoreTip(header: block.header, frontier: block.frontier)
        } else if !result.audit.isEmpty {
            // A batch of rejections alone makes no block, but what is attributable is still
            // audited, so a submitter that did not wait can read its outcome later.
            write = .audit(result.audit, decidedAtMs: max(clock(), tip.header.header.timestampMs))
        } else {
            write = .none
        }
        let built = ContinuousClock.now
        stats.batches += 1
        stats.entries += batch.pending.count
        stats.verifySeconds += (verified - started).seconds
        stats.applySeconds += (built - verified).seconds
        stats.unattributedRejections += result.unattributed
        SettlementMetrics.batch(
            entries: batch.pending.count, unattributed: result.unattributed, verify: verified - started,
            apply: built - verified)
        writes.append(Applied(batch: batch, result: result, write: write))
        rotationsApplied(batch)
        startWrite()
        perform(batcher.built(block: result.block != nil))
    }

    /// Starts the oldest queued write unless one is in flight; its end comes back to the actor
    /// (`ended`), which starts the next.
    private func startWrite() {
        guard !writing, let next = writes.first else { return }
        let store = store
        switch next.write {
        case .none:
            writes.removeFirst()
            answer(next.batch, next.result.outcomes)
            startWrite()
            resumeIdleWaiters()
        case .block(let block, let changes):
            write(probingOnFailure: true) { () async throws(StoreError) in
                try await store.commit(block, changes: changes)
            }
        case .audit(let rejected, let decidedAtMs):
            write { () async throws(StoreError) in try await store.recordRejections(rejected, decidedAtMs: decidedAtMs)
            }
        }
    }

    /// Runs one store write off the actor, timed; its end comes back to `ended`.
    ///
    /// After a block's commit failed, and before anyone is answered, one durable probe write
    /// (`probingOnFailure`). A commit can fail after its last frame reached the WAL (the sync is
    /// what fails): SQLite then reports it failed and no longer sees it, yet recovery after a
    /// crash finds the block whole (WALWriteBufferFaultTests), so a holder told "not settled"
    /// could find the transfer settled after a restart while the registry served the state
    /// without it meanwhile. A probe that commits writes over those frames and makes the failure
    /// final; when it fails too, whether the block landed stays open until a write succeeds. On
    /// a store where no probe settles that (`probeSettlesAFailedCommit`: PostgreSQL) the answer is
    /// open. A block refused by fencing (another node sequences now) was never written.
    private func write(
        probingOnFailure: Bool = false, _ body: @escaping @Sendable () async throws(StoreError) -> Void
    ) {
        writing = true
        let store = store
        Task.detached {
            let start = ContinuousClock.now
            var failure: StoreError?
            do throws(StoreError) { try await body() } catch { failure = error }
            let written = ContinuousClock.now
            var probe: WriteEnd.Probe?
            if let failure, probingOnFailure, failure.code != .fenced {
                if store.probeSettlesAFailedCommit {
                    var failed = false
                    do throws(StoreError) { try await store.probeWrite() } catch { failed = true }
                    probe = WriteEnd.Probe(seconds: (ContinuousClock.now - written).seconds, failed: failed)
                } else {
                    probe = WriteEnd.Probe(seconds: nil, failed: true)
                }
            }
            await self.ended(WriteEnd(error: failure, seconds: (written - start).seconds, probe: probe))
        }
    }

    /// How a store write ended: its own time apart from the probe after it, so the commit
    /// histogram holds commits alone and a slow probe (a disk that stalls) shows as itself.
    private struct WriteEnd: Sendable {
        struct Probe: Sendable {
            /// nil when no probe ran: the store cannot settle a failed commit by writing again
            /// (PostgreSQL).
            let seconds: Double?
            /// The probe failed, or no probe can settle it: whether the block landed is open.
            let failed: Bool
        }

        let error: StoreError?
        let seconds: Double
        let probe: Probe?
        var open: Bool { probe?.failed ?? false }
    }

    /// The oldest queued write ended: answer its batch. A block that did not commit takes every
    /// batch applied on top of it with it (void: nothing of them is acknowledged, not even their
    /// rejections), and the state is read back from the store.
    private func ended(_ ended: WriteEnd) {
        precondition(writing && !writes.isEmpty)
        writing = false
        let applied = writes.removeFirst()
        stats.commitSeconds += ended.seconds
        SettlementMetrics.write(seconds: ended.seconds, failed: ended.error != nil, block: applied.result.block != nil)
        if let probe = ended.probe {
            stats.probes += 1
            if probe.failed { stats.openFailures += 1 }
            SettlementMetrics.probe(seconds: probe.seconds, open: probe.failed)
        }
        var outcomes = applied.result.outcomes
        switch (applied.write, ended.error) {
        case (.block(let block, let changes), nil):
            durableTip = StoreTip(header: block.header, frontier: block.frontier)
            if let counters = changes.counters { durableLists = counters.lists }
            resumeProofWaiters(durable: block.header)
            stats.blocks += 1
            if commitFailure != nil { logger.notice("commits succeed again at height \(block.header.header.height)") }
            commitFailure = nil
            perform(batcher.committed())
        case (.block, let error?):
            if commitFailure == nil { logger.error("commit failed; retrying with later batches: \(error.description)") }
            commitFailure = error.description
            stats.failedCommits += 1
            let message = ended.open ? "\(error.description); \(Outcome.openOutcome)" : error.description
            outcomes = outcomes.map { outcome in
                guard case .settled(let receipt) = outcome else { return outcome }
                return .failed(id: receipt.id, message: message, open: ended.open)
            }
            let void = writes
            writes = []
            rollBack()
            let reason = "an earlier block of the same pipeline did not commit: \(error.description)"
            for later in void {
                answer(later.batch, later.batch.pending.map { .failed(id: $0.candidate.entry.id, message: reason) })
                if case .block = later.write {
                    SettlementMetrics.voided()
                    perform(batcher.committed())
                }
            }
            perform(batcher.committed())
        case (.audit, let error?):
            if commitFailure == nil { logger.error("audit write failed: \(error.description)") }
            commitFailure = error.description
            stats.failedCommits += 1
        case (.audit, nil):
            commitFailure = nil
        case (.none, _):
            preconditionFailure("a batch with nothing to write is answered without a write")
        }
        answer(applied.batch, outcomes)
        startWrite()
        resumeIdleWaiters()
    }

    /// Resumes `waitUntilIdle` callers once nothing waits, is applied or is being written.
    private func resumeIdleWaiters() {
        guard !running, !writing, writes.isEmpty, batcher.isIdle, !idleWaiters.isEmpty else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// After a failed commit: the ledger is read back from the store, which holds exactly the
    /// blocks that landed (a write that failed may still have landed, as after a crash past the
    /// fsync). While that read fails too, settlement stays stale and every batch fails.
    private func rollBack() {
        do {
            let (state, loaded) = try store.loadLedger()
            ledger = Ledger(state: state)
            commitment = loaded.commitment ?? StateCommitment(state: state)
            tip = StoreTip(header: loaded.header, frontier: loaded.frontier)
            durableTip = tip
            durableLists = state.counters.lists
            // The voided blocks' registrar sequences never landed: a registrar may sign them
            // again. Those of entries still queued stay taken.
            lastRegistrarSequence = queue.reduce(state.counters.registrarSequence) { last, pending in
                if case .registrar(let entry) = pending.candidate.entry { max(last, entry.sequence) } else { last }
            }
            recomputeIntakeKeys()
            stale = false
        } catch {
            logger.error("cannot read the state back after a failed commit: \(error.description)")
            stale = true
        }
        retryProofWaiters()
    }

    private func answer(_ batch: Batch, _ outcomes: [Outcome]) {
        precondition(outcomes.count == batch.pending.count)
        for (pending, outcome) in zip(batch.pending, outcomes) {
            let id = pending.candidate.entry.id
            if let count = pendingIDs[id] { pendingIDs[id] = count > 1 ? count - 1 : nil }
            switch pending.waiter {
            case .single(let continuation): continuation.resume(returning: outcome)
            case .batch(let waiter, let index): waiter.deliver(outcome, at: index)
            case nil: break
            }
        }
    }
}

/// Settlement's figures through the swift-metrics facade (Prometheus names, as the server's
/// factory exports them): counters as things happen, and each batch's phases as histograms.
/// Made at each use, not stored, so whatever backend is bootstrapped when they are first
/// recorded receives them (the facade hands out no-op handlers before a bootstrap).
enum SettlementMetrics {
    static func batch(entries: Int, unattributed: Int, verify: Duration, apply: Duration) {
        Counter(label: "plimsoll_entries_total").increment(by: entries)
        if unattributed > 0 { Counter(label: "plimsoll_rejections_unattributed_total").increment(by: unattributed) }
        Metrics.Timer(label: "plimsoll_settle_phase_seconds", dimensions: [("phase", "verify")]).record(
            duration: verify)
        Metrics.Timer(label: "plimsoll_settle_phase_seconds", dimensions: [("phase", "apply")]).record(duration: apply)
    }

    /// The probe after a failed commit (`Settlement.write(probingOnFailure:)`), and whether the
    /// failed block's fate stayed open (the probe failed too, or no probe can settle it).
    static func probe(seconds: Double?, open: Bool) {
        if let seconds {
            Metrics.Timer(label: "plimsoll_settle_phase_seconds", dimensions: [("phase", "probe")])
                .recordNanoseconds(Int64(seconds * 1e9))
        }
        if open { Counter(label: "plimsoll_commits_open_total").increment() }
    }

    /// A block applied on top of one whose commit failed, never written.
    static func voided() { Counter(label: "plimsoll_blocks_voided_total").increment() }

    static func write(seconds: Double, failed: Bool, block: Bool) {
        // A block's commit and a rejection-only batch's audit write are timed apart.
        Metrics.Timer(label: "plimsoll_settle_phase_seconds", dimensions: [("phase", block ? "commit" : "audit")])
            .recordNanoseconds(Int64(seconds * 1e9))
        if failed {
            Counter(label: "plimsoll_commit_failures_total").increment()
        } else if block {
            Counter(label: "plimsoll_blocks_total").increment()
        }
    }
}

/// Where settlement time goes, for benchmarks and metrics.
public struct SettlementStats: Sendable {
    public init() {}

    /// What happened since `earlier` (a benchmark's window): every count and time less
    /// `earlier`'s.
    public func since(_ earlier: SettlementStats) -> SettlementStats {
        var window = self
        window.admitted -= earlier.admitted
        window.batches -= earlier.batches
        window.blocks -= earlier.blocks
        window.entries -= earlier.entries
        window.verifySeconds -= earlier.verifySeconds
        window.applySeconds -= earlier.applySeconds
        window.commitSeconds -= earlier.commitSeconds
        window.unattributedRejections -= earlier.unattributedRejections
        window.failedCommits -= earlier.failedCommits
        window.probes -= earlier.probes
        window.openFailures -= earlier.openFailures
        return window
    }

    /// Entries taken into intake.
    public var admitted = 0
    public var batches = 0
    public var blocks = 0
    public var entries = 0
    public var verifySeconds = 0.0
    public var applySeconds = 0.0
    /// Time the writes took (each block's transaction, or a batch's audit rows), without the
    /// probes after failed commits.
    public var commitSeconds = 0.0
    /// Rejections not kept in the audit: no valid signature from a bound key (Docs/http.md).
    public var unattributedRejections = 0
    /// Commits (blocks or audit rows) that failed and were retried with later batches.
    public var failedCommits = 0
    /// Failed block commits followed by a probe write (or, on a store where no probe can settle
    /// one, answered open at once).
    public var probes = 0
    /// Of those, the ones whose submitters were told that whether the block landed is open.
    public var openFailures = 0
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
