public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// One entry waiting to be applied, with the facts its checks need.
public struct Candidate: Sendable {
    public let entry: Entry
    public let receivedAtMs: TimestampMs
    public var signatureValid: Bool

    public init(entry: Entry, receivedAtMs: TimestampMs, signatureValid: Bool) {
        self.entry = entry
        self.receivedAtMs = receivedAtMs
        self.signatureValid = signatureValid
    }
}

/// Applies a batch to a ledger and builds its signed block. Pure: no I/O, no clock.
public enum BlockBuilder {
    /// The order a batch applies in: transfers from one key in ascending nonce order (the first
    /// to arrive wins a tie), everything else in arrival order (DESIGN.md: Settlement).
    public static func applyOrder(_ candidates: [Candidate]) -> [Int] {
        var slotsByKey: [KeyRef: [Int]] = [:]
        slotsByKey.reserveCapacity(candidates.count)
        for (index, candidate) in candidates.enumerated() {
            if case .transfer(let signed) = candidate.entry {
                slotsByKey[signed.transfer.from, default: []].append(index)
            }
        }
        var order = Array(candidates.indices)
        for slots in slotsByKey.values where slots.count > 1 {
            let byNonce = slots.sorted { lhs, rhs in
                let (a, b) = (nonce(candidates[lhs]), nonce(candidates[rhs]))
                return a != b ? a < b : lhs < rhs
            }
            for (slot, index) in zip(slots, byNonce) { order[slot] = index }
        }
        return order
    }

    private static func nonce(_ candidate: Candidate) -> UInt64 {
        if case .transfer(let signed) = candidate.entry { return signed.transfer.nonce }
        return 0
    }

    /// What one batch came to: its block (nil when nothing was accepted: such a batch makes no
    /// block), each candidate's outcome in input order, and the rejections worth an audit row.
    public struct Built: Sendable {
        public let block: CommittedBlock?
        public let outcomes: [Outcome]
        /// Attributable rejections (a valid signature from a bound key, or the registrar's): the
        /// audit regulators read. When there is a block, they are its `rejected`.
        public let audit: [CommittedBlock.Rejected]
        /// Rejections of entries nobody can be held to (a bad signature, an unbound sender):
        /// counted, never stored, so anonymous input cannot grow the database.
        public let unattributed: Int
    }

    /// Whether a rejected candidate names someone: a transfer whose signature verifies from a key
    /// bound to a party, or a registrar entry with a valid signature of the registry's keys.
    static func attributable(_ candidate: Candidate, _ state: LedgerState, _ rejection: Rejection) -> Bool {
        guard candidate.signatureValid else { return false }
        if case .transfer(let signed) = candidate.entry {
            return signed.transfer.chainID == state.chainID && state.keys[signed.transfer.from] != nil
        }
        return rejection.code != .badRegistrarSignature
    }

    /// Applies `candidates` to `ledger` and returns the block to commit with each candidate's
    /// outcome in input order.
    /// - Precondition: `ledger.dirty` is clear (it then names exactly what this batch changes),
    ///   and `commitment` is the commitment of `ledger.state`; it is moved past the block (in
    ///   place, when nothing else holds its tree).
    public static func build(
        ledger: inout Ledger, commitment: inout StateCommitment, tip: StoreTip, candidates: [Candidate],
        timestampMs: TimestampMs,
        sequencerKeys: [XOnlyPublicKey: SigningKey]
    ) -> Built {
        precondition(candidates.count <= Limits.blockEntriesMax)
        let previous = tip.header.header
        let blockTime = max(timestampMs, previous.timestampMs)
        let height = previous.height + 1
        var frontier = tip.frontier
        var blockTree = MerkleFrontier()
        var accepted: [Entry] = []
        var rejected: [CommittedBlock.Rejected] = []
        var unattributed = 0
        var outcomes = [Outcome?](repeating: nil, count: candidates.count)
        for index in applyOrder(candidates) {
            let candidate = candidates[index]
            let context = ApplyContext(
                blockTimeMs: blockTime, receivedAtMs: candidate.receivedAtMs, signatureValid: candidate.signatureValid
            )
            do throws(Rejection) {
                // The block is signed by the sequencer key in force after it: a rotation to a key
                // this settlement does not hold could never be signed.
                if case .registrar(let registrar) = candidate.entry,
                    case .rotateSequencerKey(let rotation) = registrar.action,
                    sequencerKeys[rotation.newKey] == nil
                {
                    throw Rejection(
                        .unknownKey,
                        "the sequencer does not hold the new sequencer key \(rotation.newKey.hex.prefix(16))… (put it beside the registry as sequencer.next.key)"
                    )
                }
                ledger.currentLeafIndex = frontier.size
                try ledger.apply(candidate.entry, context)
                let leaf = candidate.entry.leafHash
                frontier.append(leafHash: leaf)
                blockTree.append(leafHash: leaf)
                accepted.append(candidate.entry)
                outcomes[index] = .settled(
                    Receipt(id: candidate.entry.id, height: height, leafIndex: frontier.size - 1, logSize: 0)
                )
            } catch {
                if attributable(candidate, ledger.state, error) {
                    rejected.append(.init(id: candidate.entry.id, kind: candidate.entry.kindName, rejection: error))
                } else {
                    unattributed += 1
                }
                outcomes[index] = .rejected(id: candidate.entry.id, error)
            }
        }
        guard !accepted.isEmpty else {
            return Built(block: nil, outcomes: outcomes.map { $0! }, audit: rejected, unattributed: unattributed)
        }
        // Only the records this batch changed are rehashed: the cost of a block follows its
        // entries, not the size of the registry.
        commitment.update(with: ledger.dirty, state: ledger.state)
        let header = BlockHeader(
            chainID: ledger.state.chainID, height: height, prevHash: previous.hash, timestampMs: blockTime,
            entryCount: UInt32(accepted.count), entriesRoot: blockTree.root, logSize: frontier.size,
            logRoot: frontier.root,
            stateDigest: commitment.root, listsDigest: ledger.state.listsDigest
        )
        guard let signer = sequencerKeys[ledger.state.sequencerKey] else {
            preconditionFailure("the sequencer key in force is held: checked at construction and at each rotation")
        }
        let block = CommittedBlock(
            header: SignedBlockHeader(signing: header, with: signer), entries: accepted, frontier: frontier,
            rejected: rejected
        )
        let final = outcomes.map { outcome -> Outcome in
            guard case .settled(let receipt) = outcome! else { return outcome! }
            return .settled(
                Receipt(id: receipt.id, height: height, leafIndex: receipt.leafIndex, logSize: frontier.size))
        }
        return Built(block: block, outcomes: final, audit: rejected, unattributed: unattributed)
    }

    /// Block 0: the genesis entry alone, over the empty state.
    public static func genesisBlock(_ genesis: Genesis, sequencerKey: SigningKey) -> (CommittedBlock, LedgerState) {
        precondition(sequencerKey.publicKey == genesis.sequencerKey)
        let state = LedgerState(genesis: genesis)
        let entry = Entry.genesis(genesis)
        var frontier = MerkleFrontier()
        frontier.append(leafHash: entry.leafHash)
        let header = BlockHeader(
            chainID: genesis.chainID, height: 0, prevHash: .zero, timestampMs: genesis.createdAtMs, entryCount: 1,
            entriesRoot: frontier.root, logSize: 1, logRoot: frontier.root,
            stateDigest: StateCommitment(state: state).root, listsDigest: .zero
        )
        let block = CommittedBlock(
            header: SignedBlockHeader(signing: header, with: sequencerKey), entries: [entry], frontier: frontier,
            rejected: []
        )
        return (block, state)
    }
}
