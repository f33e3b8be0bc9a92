public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// Why a replayed log was refused: which block and entry broke, and how.
public struct ReplayError: Error, Equatable, Sendable, CustomStringConvertible {
    public let height: Height
    public let leafIndex: UInt64?
    public let message: String

    public var description: String {
        "block \(height)" + (leafIndex.map { " entry \($0)" } ?? "") + ": \(message)"
    }
}

/// Re-applies a log block by block from genesis and checks every header against what it recomputes:
/// hash chain, registrar signature, entries root, log size and root, and the state digest.
///
/// Used to prove that the live store and its log agree, and by offline verification. Accepted
/// transfers are replayed with intake time = block time: a block's time is never before intake,
/// so an entry that passed `EXPIRY_TOO_FAR` live passes it again.
public struct LogReplayer {
    public private(set) var ledger: Ledger
    public private(set) var frontier = MerkleFrontier()
    public private(set) var lastHeader: BlockHeader
    /// The state commitment, kept from the first version 2 header on (a version 1 log needs none).
    public private(set) var commitment: StateCommitment?

    /// Starts from block 0, which must hold exactly the genesis entry.
    public init(genesisBlock: SignedBlockHeader, genesisEntry: Entry) throws(ReplayError) {
        guard case .genesis(let genesis) = genesisEntry else {
            throw ReplayError(height: 0, leafIndex: 0, message: "the first entry is not a genesis record")
        }
        let header = genesisBlock.header
        ledger = Ledger(genesis: genesis)
        lastHeader = header
        frontier.append(leafHash: genesisEntry.leafHash)
        try Self.checkSignature(genesisBlock, genesis.sequencerKey)
        if header.version >= 2 { commitment = StateCommitment(state: ledger.state) }
        guard header.height == 0, header.prevHash == .zero, header.chainID == genesis.chainID else {
            throw ReplayError(
                height: header.height, leafIndex: nil,
                message: "block 0 must have height 0, zero prev_hash and the genesis chain_id")
        }
        try checkTotals(header, entriesRoot: frontier.root)
    }

    /// Continues from a stored state and its tip (a store's `loadLedger`), as a mirror of a log
    /// does when it starts again: the next `apply` takes the block after `tip`.
    public init(state: LedgerState, tip: StoreTip) {
        ledger = Ledger(state: state)
        frontier = tip.frontier
        lastHeader = tip.header.header
        if let kept = tip.commitment {
            commitment = kept
        } else if tip.header.header.version >= 2 {
            commitment = StateCommitment(state: state)
        }
    }

    /// Applies the next block's entries and checks its header.
    /// - Returns: what the block changed, for a check of the tables derived from it.
    @discardableResult
    public mutating func apply(
        block signed: SignedBlockHeader, entries: [Entry], verifiedSignatures: [Bool]? = nil
    ) throws(ReplayError) -> DirtySet {
        let header = signed.header
        let genesis = ledger.state.genesis
        guard header.height == lastHeader.height + 1 else {
            throw ReplayError(
                height: header.height, leafIndex: nil, message: "expected height \(lastHeader.height + 1)")
        }
        guard header.chainID == genesis.chainID else {
            throw ReplayError(height: header.height, leafIndex: nil, message: "chain_id differs")
        }
        guard header.prevHash == lastHeader.hash else {
            throw ReplayError(
                height: header.height, leafIndex: nil,
                message: "prev_hash is not the hash of block \(lastHeader.height)")
        }
        guard header.version >= lastHeader.version else {
            throw ReplayError(
                height: header.height, leafIndex: nil,
                message: "header version \(header.version) after version \(lastHeader.version)")
        }
        guard header.timestampMs >= lastHeader.timestampMs else {
            throw ReplayError(height: header.height, leafIndex: nil, message: "timestamp goes backwards")
        }
        guard entries.count == Int(header.entryCount), !entries.isEmpty else {
            throw ReplayError(
                height: header.height, leafIndex: nil,
                message: "header counts \(header.entryCount) entries, found \(entries.count)")
        }
        var blockTree = MerkleFrontier()
        for (offset, entry) in entries.enumerated() {
            let leafIndex = frontier.size
            let valid = verifiedSignatures?[offset] ?? Verifier.check(entry, genesis.chainID)
            let context = ApplyContext(
                blockTimeMs: header.timestampMs, receivedAtMs: header.timestampMs, signatureValid: valid)
            ledger.currentLeafIndex = leafIndex
            do { try ledger.apply(entry, context) } catch {
                throw ReplayError(
                    height: header.height, leafIndex: leafIndex, message: "entry does not apply: \(error)")
            }
            let leaf = entry.leafHash
            frontier.append(leafHash: leaf)
            blockTree.append(leafHash: leaf)
        }
        // Signed by the sequencer key in force after the block: a rotation in it is followed.
        try Self.checkSignature(signed, ledger.state.sequencerKey)
        let changed = ledger.dirty
        if commitment != nil {
            // In place: the replayer holds the only copy unless a reader took one.
            commitment!.update(with: changed, state: ledger.state)
        } else if header.version >= 2 {
            commitment = StateCommitment(state: ledger.state)
        }
        try checkTotals(header, entriesRoot: blockTree.root)
        ledger.clearDirty()
        lastHeader = header
        return changed
    }

    private func checkTotals(_ header: BlockHeader, entriesRoot: Hash32) throws(ReplayError) {
        func fail(_ message: String) -> ReplayError {
            ReplayError(height: header.height, leafIndex: nil, message: message)
        }
        guard header.entriesRoot == entriesRoot else { throw fail("entries_root does not match the block's entries") }
        guard header.logSize == frontier.size else {
            throw fail("log_size \(header.logSize) but \(frontier.size) entries replayed")
        }
        guard header.logRoot == frontier.root else { throw fail("log_root does not match the log") }
        let digest = header.version >= 2 ? commitment?.root : ledger.state.digest
        guard header.stateDigest == digest else { throw fail("state_digest does not match the replayed state") }
        guard header.listsDigest == ledger.state.listsDigest else {
            throw fail("lists_digest does not match the list versions in force")
        }
    }

    private static func checkSignature(_ signed: SignedBlockHeader, _ signer: XOnlyPublicKey) throws(ReplayError) {
        guard signed.signatureValid(signer: signer) else {
            throw ReplayError(
                height: signed.header.height, leafIndex: nil,
                message: "header signature is not the sequencer key's (\(signer.hex.prefix(16))…)")
        }
    }
}
