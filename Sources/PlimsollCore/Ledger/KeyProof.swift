public import PlimsollCrypto

/// Proof of one key's record against a signed version 2 header: the party it is bound to, its last
/// nonce and its freezes (the whole key, some vessels, some units). A holding proof says how many
/// units a key holds; this says whether it may send them. A buyer checks the seller's key is not
/// frozen, a lender that the units it takes as security are not, and anyone that a key is bound to
/// no party at all, without trusting the server (Docs/log-format.md).
public struct KeyProof: Sendable, Equatable {
    public let header: SignedBlockHeader
    public let key: KeyRef
    /// nil when no party has bound the key (the proof then shows the record is absent).
    public let record: KeyRecord?
    public let proof: StateProof

    public init(header: SignedBlockHeader, key: KeyRef, record: KeyRecord?, proof: StateProof) {
        precondition(record.map { $0.key == key } ?? true, "the record is the key's own")
        self.header = header
        self.key = key
        self.record = record
        self.proof = proof
    }

    /// The proof for `key`'s record in `state`, whose commitment is `commitment`, as of `header`
    /// (which must carry that commitment's root).
    public init(state: LedgerState, commitment: StateCommitment, header: SignedBlockHeader, key: KeyRef) {
        precondition(header.header.version >= 2, "a version 2 header commits to a provable state")
        precondition(header.header.stateDigest == commitment.root, "the header carries this commitment")
        self.init(
            header: header, key: key, record: state.keys[key],
            proof: commitment.tree.proof(for: StateRecord.key(key).treeKey))
    }

    /// Checks the header's signature (by `signer`, the sequencer key in force at its height) and
    /// chain, then that the state it commits to holds exactly `record` for this key (or none).
    /// - Throws: `CoreError` `MALFORMED` naming the check that failed.
    public func verify(signer: XOnlyPublicKey, chainID: Hash32) throws(CoreError) {
        try header.checkCommitsToState(signer: signer, chainID: chainID)
        guard proof.key == StateRecord.key(key).treeKey else {
            throw CoreError(.malformed, "the proof is for another record")
        }
        guard proof.root(value: record?.recordBytes) == header.header.stateDigest else {
            throw CoreError(
                .malformed,
                record == nil
                    ? "the proof does not reach the header's state_digest with no record for the key"
                    : "the proof does not reach the header's state_digest with this key record")
        }
    }
}

extension KeyRecord {
    /// The key record's canonical bytes, the value the state commitment holds for it
    /// (Docs/log-format.md): `key 32 || party u64 || last_nonce u64 || frozen u8 ||
    /// list<asset> frozen_assets || list<asset || u64 units> frozen_units`.
    public var recordBytes: [UInt8] {
        var w = ByteWriter(capacity: 64)
        writeRecord(to: &w)
        return w.bytes
    }

    func writeRecord(to w: inout ByteWriter) {
        w.key(key)
        writeStorage(to: &w)
    }

    /// Reads a key record's canonical bytes, whole: anything after the record is refused.
    /// - Throws: `CoreError` `MALFORMED`, or `BAD_IMO` for a vessel that is not one.
    public init(recordBytes: [UInt8]) throws(CoreError) {
        var r = ByteReader(recordBytes)
        try self.init(key: try r.key(), reading: &r)
        try r.expectEnd()
    }
}
