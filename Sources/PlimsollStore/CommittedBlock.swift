public import PlimsollCore
public import PlimsollCrypto

/// Everything one block writes, in one SQLite transaction (DESIGN.md: Settlement).
public struct CommittedBlock: Sendable {
    public struct Rejected: Sendable {
        public let id: Hash32
        public let kind: String
        public let rejection: Rejection

        public init(id: Hash32, kind: String, rejection: Rejection) {
            self.id = id
            self.kind = kind
            self.rejection = rejection
        }
    }

    public let header: SignedBlockHeader
    /// Accepted entries in log order; the first has leaf index `logSize - entries.count`.
    public let entries: [Entry]
    /// The log's right edge after this block, so the next block continues without rereading leaves.
    public let frontier: MerkleFrontier
    public let rejected: [Rejected]

    public init(header: SignedBlockHeader, entries: [Entry], frontier: MerkleFrontier, rejected: [Rejected]) {
        precondition(entries.count == Int(header.header.entryCount))
        precondition(frontier.size == header.header.logSize)
        self.header = header
        self.entries = entries
        self.frontier = frontier
        self.rejected = rejected
    }

    public var firstLeafIndex: UInt64 { header.header.logSize - UInt64(entries.count) }
}

/// The tip of a stored log: what settlement continues from.
public struct StoreTip: Sendable {
    public let header: SignedBlockHeader
    public let frontier: MerkleFrontier
    /// The state commitment of the loaded state, when opening the store built it to check a
    /// version 2 tip: settlement and proofs continue from it instead of building it again.
    public let commitment: StateCommitment?

    public init(header: SignedBlockHeader, frontier: MerkleFrontier, commitment: StateCommitment? = nil) {
        self.header = header
        self.frontier = frontier
        self.commitment = commitment
    }
}
