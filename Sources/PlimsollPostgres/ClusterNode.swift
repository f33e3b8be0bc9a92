public import Foundation
public import Logging
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement
public import PlimsollStore
import Synchronization

/// One `plimsoll serve --database` node of a registry shared on PostgreSQL (issue 17), behind
/// the same HTTP API as the embedded registry (`RegistryService`).
///
/// - Reads answer from the node's `LogMirror`, which follows the committed log (from the primary
///   or a replica); every read names the mirrored height.
/// - Transfers are verified here (a bad signature is refused without touching the database),
///   then handed to the sequencer through `intake` (`PostgresStore+HandOff`), many requests'
///   transfers in one statement; the answer is the sequencer's decision, read back from the
///   database, and a receipt only for a transfer in the committed log. On the sequencing node
///   itself they go straight into its settlement, which verifies them once. Before a receipt is
///   answered, the mirror is given a moment to hold its block, so the holder reads it here next.
/// - Registrar entries signed on the registrar's machine travel the same way and settle in the
///   order handed over; the sequencer re-screens after them.
/// - `runSequencing` waits for the sequencer lease; holding it, this node builds and signs the
///   blocks (`Settlement` on the `PostgresStore`) and settles what every node hands over.
public final class ClusterNode: RegistryService {
    public let store: PostgresStore
    public let mirror: LogMirror
    let name: String
    let answerTimeout: Duration
    let logger: Logger
    let handOffs: HandOffQueue
    let outcomes: OutcomeWatch
    private let sequencing = Mutex<Settlement?>(nil)

    /// - Parameters:
    ///   - name: this node's name on the intake rows it writes (operators find a node's share).
    ///   - answerTimeout: how long a holder waits for the sequencer's decision before the answer
    ///     is "not settled yet" (the transfer stays handed over; sending it again is safe).
    public init(
        store: PostgresStore, mirror: LogMirror, name: String, answerTimeout: Duration = .seconds(20),
        logger: Logger = Logger(label: "plimsoll.node")
    ) {
        self.store = store
        self.mirror = mirror
        self.name = name
        self.answerTimeout = answerTimeout
        self.logger = logger
        handOffs = HandOffQueue(store: store, node: name)
        outcomes = OutcomeWatch(store: store, logger: logger)
    }

    // MARK: What reads answer from

    /// The replayed block's state, once the file keeps that block (a moment while it commits).
    public var state: LedgerState {
        get async {
            let view = mirror.current
            _ = await mirror.waitFor(height: view.header.header.height, timeout: .seconds(2))
            return view.state
        }
    }
    public var latestHeader: SignedBlockHeader { mirror.keptHeader }
    public var durableLists: [ListAdoption] { mirror.kept.lists }
    public var pendingCount: Int {
        get async { (try? await store.handOffsWaiting()) ?? 0 }
    }
    public var undurableBlocks: Int {
        get async { await sequencing.withLock({ $0 })?.undurableBlocks ?? 0 }
    }
    public var isReady: Bool {
        get async {
            guard mirror.failure == nil else { return false }
            return await sequencing.withLock({ $0 })?.isReady ?? true
        }
    }
    public var registrarSequence: UInt64 {
        get async {
            let settled = mirror.kept.registrarSequence
            guard let settlement = sequencing.withLock({ $0 }) else { return settled }
            return max(settled, await settlement.registrarSequence)
        }
    }

    /// Ready when the mirror follows and the database answers (and, on the sequencer, when its
    /// writes succeed).
    public func readiness() async -> Bool {
        guard mirror.failure == nil, (try? await store.latestHeight()) != nil else { return false }
        return await sequencing.withLock({ $0 })?.readiness() ?? true
    }

    /// Made from the replayed block, answered once the file keeps it: the route reads the
    /// signer's rotations from the file at that block.
    public func holdingProof(asset: AssetID, key: KeyRef) async -> HoldingProof? {
        await onceKept(mirror.holdingProof(asset: asset, key: key), \.header)
    }

    public func keyProof(key: KeyRef) async -> KeyProof? { await onceKept(mirror.keyProof(key: key), \.header) }

    /// `proof` once the file keeps the block it names (nil when that takes over 2 s).
    private func onceKept<Proof: Sendable>(
        _ proof: Proof?, _ header: KeyPath<Proof, SignedBlockHeader>
    ) async -> Proof? {
        guard let proof, await mirror.waitFor(height: proof[keyPath: header].header.height, timeout: .seconds(2))
        else { return nil }
        return proof
    }

    public func isPending(_ id: Hash32) async -> Bool {
        (try? await store.isWaitingHandOff(id)) ?? false
    }

    /// Whether this node builds the blocks now.
    public var isSequencing: Bool { sequencing.withLock { $0 != nil } }

    // MARK: Intake

    public func submit(_ entry: Entry) async throws(IntakeFull) -> Outcome {
        try await submitAll([entry])[0]
    }

    public func submitAll(_ entries: [Entry]) async throws(IntakeFull) -> [Outcome] {
        guard !entries.isEmpty else { return [] }
        if let settlement = sequencing.withLock({ $0 }),
            entries.allSatisfy({ if case .transfer = $0 { true } else { false } })
        {
            // This node sequences: its own holders' transfers go straight into its settlement,
            // which verifies them (once) and answers after the block's commit; a lease lost
            // meanwhile fails the commit, and the holder is told to send again.
            var outcomes = try await settlement.submitAll(entries)
            await answerResentAsSettled(&outcomes)
            await awaitMirror(outcomes)
            return outcomes
        }
        let chainID = mirror.chainID
        let valid = await Verifier.verify(entries, chainID: chainID)
        var early: [Int: Outcome] = [:]
        var handed: [Entry] = []
        for (index, entry) in entries.enumerated() {
            if case .genesis = entry {
                early[index] = .rejected(id: entry.id, Rejection(.malformed, "a genesis record cannot be submitted"))
            } else if !valid[index] {
                early[index] = .rejected(
                    id: entry.id, Rejection(.badSignature, "signature does not verify for this registry"))
            } else {
                handed.append(entry)
            }
        }
        let decided = try await handOver(handed)
        return entries.enumerated().map { index, entry in early[index] ?? decided[entry.id]! }
    }

    public func submitWithoutWaiting(_ entry: Entry) async throws(IntakeFull) {
        guard case .transfer = entry, await Verifier.verify([entry], chainID: mirror.chainID)[0] else {
            // Refused at once, as settlement refuses it in its first batch; nothing is kept.
            return
        }
        try await handOffs.put([entry])
    }

    public func submitSignedRegistrar(_ entries: [RegistrarEntry]) async throws(IntakeFull) -> [Outcome] {
        let handed = entries.map(Entry.registrar)
        let decided = try await handOver(handed)
        return handed.map { decided[$0.id]! }
    }

    /// The sequencer re-screens after the registrar entries it settles (`HandOffRelay`).
    public func rescreen() async throws(IntakeFull) -> (plan: Settlement.RescreenActions, outcomes: [Outcome])? {
        nil
    }

    /// Hands entries over and waits for each one's outcome; one with none within
    /// `answerTimeout` is "not settled yet" (`failed`: it may be sent again, and will be one
    /// entry).
    private func handOver(_ entries: [Entry]) async throws(IntakeFull) -> [Hash32: Outcome] {
        guard !entries.isEmpty else { return [:] }
        try await handOffs.put(entries)
        var found = await outcomes.wait(for: entries.map(\.id), timeout: answerTimeout)
        for entry in entries where found[entry.id] == nil {
            found[entry.id] = .failed(
                id: entry.id,
                message: "not decided within \(answerTimeout); it stays handed over to the sequencer")
        }
        await awaitMirror(found.values)
        return found
    }

    /// A transfer sent again after it settled (its holder lost the answer, say because the node
    /// that had it died after the commit) is refused by settlement as a reused nonce; when the
    /// log holds that very entry, the holder gets its receipt, as a handed-over transfer does.
    private func answerResentAsSettled(_ outcomes: inout [Outcome]) async {
        let reused = outcomes.indices.filter {
            if case .rejected(_, let rejection) = outcomes[$0] { rejection.code == .nonceReused } else { false }
        }
        guard !reused.isEmpty else { return }
        let receipts: [Receipt]
        do { receipts = try await store.receipts(of: reused.map { outcomes[$0].id }) } catch {
            logger.notice("cannot look re-sent transfers up in the log: \(error.description)")
            return
        }
        let byID = Dictionary(receipts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for index in reused {
            if let receipt = byID[outcomes[index].id] { outcomes[index] = .settled(receipt) }
        }
    }

    /// Gives the mirror a moment to hold the newest block a receipt names, so the holder reads
    /// its transfer on this node next.
    private func awaitMirror(_ outcomes: some Sequence<Outcome>) async {
        let newest = outcomes.compactMap { if case .settled(let receipt) = $0 { receipt.height } else { nil } }.max()
        if let newest, !(await mirror.waitFor(height: newest, timeout: .seconds(2))) {
            logger.notice("the mirror is behind block \(newest) the sequencer committed; reads here lag")
        }
    }

    // MARK: Sequencing

    /// Waits for the sequencer lease and, holding it, settles what every node hands over, until
    /// the task is cancelled (`SequencingLoop`); meanwhile this node's own transfers go straight
    /// into the settlement. Cancelling finishes the pass in flight and gives the lease up.
    public func runSequencing(
        sequencerKeys: [SigningKey], registrarKey: SigningKey?, rescreen: Settlement.Rescreen?,
        nextSequencerKey: (@Sendable (XOnlyPublicKey) -> SigningKey?)? = nil,
        config: SettlementConfig = SettlementConfig(), pollEvery: Duration = .milliseconds(200)
    ) async {
        await SequencingLoop.run(
            store: store, sequencerKeys: sequencerKeys, registrarKey: registrarKey, rescreen: rescreen,
            nextSequencerKey: nextSequencerKey, config: config, pollEvery: pollEvery, logger: logger,
            while: { !Task.isCancelled },
            started: { settlement in
                self.sequencing.withLock { $0 = settlement }
                let from = await settlement.latestHeader.header.height
                self.logger.notice("\(self.name) sequences from block \(from) at unix ms \(Settlement.wallClockMs())")
            },
            // No more of this node's transfers go to a settlement that stops (or was deposed):
            // they are handed over, to whichever node sequences next.
            stopped: { self.sequencing.withLock { $0 = nil } })
    }
}

/// Transfers handed over by many requests at once go in one statement: while one insert is in
/// flight, the next requests' entries gather for the next (group commit, with no timer).
actor HandOffQueue {
    private let store: PostgresStore
    private let node: String
    private var queued: [(entries: [Entry], done: CheckedContinuation<StoreError?, Never>)] = []
    private var flushing = false
    /// Entries in one statement at most (the intake bound is checked per statement).
    static let statementEntriesMax = 4096

    init(store: PostgresStore, node: String) {
        self.store = store
        self.node = node
    }

    /// Returns once the entries are durable in `intake`.
    /// - Throws: `IntakeFull` when the intake is at its bound or the database fails; nothing
    ///   of these entries is then in it.
    func put(_ entries: [Entry]) async throws(IntakeFull) {
        let failure = await withCheckedContinuation { continuation in
            queued.append((entries, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
        if let failure {
            throw IntakeFull(
                retryAfterSeconds: 1,
                reason: failure.code == .outOfRange ? failure.message : "the registry's database does not answer")
        }
    }

    private func flush() async {
        while !queued.isEmpty {
            var take = 0
            var count = 0
            while take < queued.count, take == 0 || count + queued[take].entries.count <= Self.statementEntriesMax {
                count += queued[take].entries.count
                take += 1
            }
            let batch = Array(queued.prefix(take))
            queued.removeFirst(take)
            var failure: StoreError?
            do { try await store.handOff(entries: batch.flatMap(\.entries), node: node) } catch { failure = error }
            for waiter in batch { waiter.done.resume(returning: failure) }
        }
        flushing = false
    }
}

/// Waits for the outcomes of handed-over entries: one poll of the database answers every
/// request waiting on this node, instead of one poll per request.
actor OutcomeWatch {
    private final class Waiter {
        var remaining: Set<Hash32>
        var found: [Hash32: Outcome] = [:]
        let continuation: CheckedContinuation<[Hash32: Outcome], Never>

        init(_ ids: [Hash32], _ continuation: CheckedContinuation<[Hash32: Outcome], Never>) {
            remaining = Set(ids)
            self.continuation = continuation
        }
    }

    private let store: PostgresStore
    private let logger: Logger
    private var waiters: [ObjectIdentifier: Waiter] = [:]
    private var polling = false
    static let pollEvery: Duration = .milliseconds(2)

    init(store: PostgresStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The outcomes known within `timeout`; an id missing from the answer is still undecided.
    func wait(for ids: [Hash32], timeout: Duration) async -> [Hash32: Outcome] {
        await withCheckedContinuation { continuation in
            let deadline = ContinuousClock.now + timeout
            let waiter = Waiter(ids, continuation)
            let key = ObjectIdentifier(waiter)
            waiters[key] = waiter
            // Answered at its deadline (here, not by the poll), even while a read of the database hangs.
            Task {
                try? await Task.sleep(until: deadline)
                await self.expire(key)
            }
            if !polling {
                polling = true
                Task { await self.poll() }
            }
        }
    }

    private func expire(_ key: ObjectIdentifier) {
        guard let waiter = waiters.removeValue(forKey: key) else { return }
        waiter.continuation.resume(returning: waiter.found)
    }

    private func poll() async {
        while !waiters.isEmpty {
            try? await Task.sleep(for: Self.pollEvery)
            let ids = Array(Set(waiters.values.flatMap(\.remaining)))
            var known: [Hash32: Outcome] = [:]
            do { known = try await store.handOffOutcomes(ids) } catch {
                logger.warning("cannot read the outcomes of handed-over entries yet: \(error)")
                try? await Task.sleep(for: .milliseconds(100))
            }
            for (key, waiter) in waiters {
                for id in waiter.remaining {
                    if let outcome = known[id] {
                        waiter.found[id] = outcome
                        waiter.remaining.remove(id)
                    }
                }
                if waiter.remaining.isEmpty {
                    waiters[key] = nil
                    waiter.continuation.resume(returning: waiter.found)
                }
            }
        }
        polling = false
    }
}
