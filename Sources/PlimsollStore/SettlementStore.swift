public import PlimsollCore

/// What settlement needs of a store, and nothing more: the registry's genesis, the state and
/// tip to continue from, and the atomic, durable write of one block (or of the audit of a batch
/// that made no block).
///
/// `SQLiteStore` is the embedded implementation; `MemoryStore` in PlimsollTesting is the one a
/// seeded simulation drives, failing or crashing at a chosen write. A second database (PostgreSQL,
/// DESIGN.md's direction) fits behind the same protocol.
public protocol SettlementStore: Sendable {
    var genesis: Genesis { get }

    /// The current state and the tip it belongs to, checked against each other.
    func loadLedger() throws(StoreError) -> (state: LedgerState, tip: StoreTip)

    /// Writes one block, its state changes and its audited rejections, all or nothing; when it
    /// returns, the block is durable.
    /// - Precondition: `block` extends the stored tip; `changes` are the records it changed,
    ///   with their values after it.
    func commit(_ block: CommittedBlock, changes: StateChanges) async throws(StoreError)

    /// A small durable write that changes nothing, to learn whether writes succeed again after a
    /// failure (readiness), without waiting for a block.
    func probeWrite() async throws(StoreError)

    /// Whether a probe write that succeeds after a failed commit makes that failure final. On
    /// SQLite a commit can fail after its frames reached the WAL (the sync fails) and recovery
    /// would still find it; the probe commits over those frames. On PostgreSQL a COMMIT whose
    /// answer was lost may have landed whatever a later write does, so the answer stays open
    /// there (the state is read back from the database after any failed commit).
    var probeSettlesAFailedCommit: Bool { get }

    /// Audits the rejections of a batch that made no block.
    func recordRejections(_ rejected: [CommittedBlock.Rejected], decidedAtMs: TimestampMs) async throws(StoreError)
}

extension SQLiteStore: SettlementStore {
    public var probeSettlesAFailedCommit: Bool { true }
}
