public import PlimsollCore
public import PlimsollCrypto

/// What the HTTP API asks of the registry behind it: the settled state it answers from, and the
/// intake that takes transfers and registrar entries.
///
/// `Settlement` is the embedded registry (one process writes and signs); a node of a registry on
/// PostgreSQL (`ClusterNode` in PlimsollPostgres) answers from its mirror of the shared log and
/// hands what it accepts to whichever node sequences (issue 17). The API cannot tell them apart.
public protocol RegistryService: Sendable {
    /// The state after the latest block this service answers for.
    var state: LedgerState { get async }
    /// The signed header of that block: every read names its height.
    var latestHeader: SignedBlockHeader { get async }
    /// The lists in force at that block.
    var durableLists: [ListAdoption] { get async }
    /// Entries taken and not yet decided.
    var pendingCount: Int { get async }
    /// Blocks applied and not yet durable (0 on a node that does not sequence).
    var undurableBlocks: Int { get async }
    /// Whether the last write succeeded.
    var isReady: Bool { get async }
    /// The highest registrar sequence taken: a registrar signs its next action above it.
    var registrarSequence: UInt64 { get async }

    /// Readiness for a load balancer, which may try a write to recover.
    func readiness() async -> Bool
    /// The proof of a holding against a durable signed header (nil before the first version 2
    /// header); settlement may wait for the block being committed to become durable.
    func holdingProof(asset: AssetID, key: KeyRef) async -> HoldingProof?
    /// The proof of a key's record (party, last nonce, freezes) against a durable signed header,
    /// on the same terms.
    func keyProof(key: KeyRef) async -> KeyProof?
    /// Whether an entry with this id was taken and is not decided yet.
    func isPending(_ id: Hash32) async -> Bool

    /// Takes an entry and waits for its outcome.
    func submit(_ entry: Entry) async throws(IntakeFull) -> Outcome
    /// Takes entries in order, all or none, and waits for every outcome.
    func submitAll(_ entries: [Entry]) async throws(IntakeFull) -> [Outcome]
    /// Takes an entry and returns at once; its outcome is found later by id.
    func submitWithoutWaiting(_ entry: Entry) async throws(IntakeFull)
    /// Takes registrar entries signed elsewhere, in order, as one batch.
    func submitSignedRegistrar(_ entries: [RegistrarEntry]) async throws(IntakeFull) -> [Outcome]
    /// Re-screens the registry after registrar actions (nil: nothing to do here, or none set).
    func rescreen() async throws(IntakeFull) -> (plan: Settlement.RescreenActions, outcomes: [Outcome])?
}

extension Settlement: RegistryService {}
