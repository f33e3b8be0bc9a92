public import PlimsollCrypto

/// Proof of how many units of a vessel one key holds, against a signed version 2 header: what a
/// lender or a buyer checks without trusting the server (Docs/log-format.md).
public struct HoldingProof: Sendable, Equatable {
    public let header: SignedBlockHeader
    public let asset: AssetID
    public let key: KeyRef
    /// 0 when the key holds none (the proof then shows the record is absent).
    public let units: UInt64
    public let proof: StateProof

    public init(header: SignedBlockHeader, asset: AssetID, key: KeyRef, units: UInt64, proof: StateProof) {
        self.header = header
        self.asset = asset
        self.key = key
        self.units = units
        self.proof = proof
    }

    /// The proof for `key`'s holding of `asset` in `state`, whose commitment is `commitment`, as of
    /// `header` (which must carry that commitment's root).
    public init(state: LedgerState, commitment: StateCommitment, header: SignedBlockHeader, asset: AssetID, key: KeyRef)
    {
        precondition(
            header.header.version >= 2 && header.header.stateDigest == commitment.root,
            "the header carries this commitment")
        let proof = commitment.tree.proof(for: StateRecord.holding(asset, key).treeKey)
        self.init(header: header, asset: asset, key: key, units: state.balance(asset, key), proof: proof)
    }

    /// A holding record's canonical bytes: `asset || key || u64 units`; none for zero units.
    public static func recordBytes(asset: AssetID, key: KeyRef, units: UInt64) -> [UInt8]? {
        guard units > 0 else { return nil }
        var w = ByteWriter(capacity: 64)
        w.asset(asset)
        w.key(key)
        w.u64(units)
        return w.bytes
    }

    /// Checks the header's signature (by `signer`: the sequencer key in force at that height, which
    /// the verifier pins or takes from a log it verified) and chain, then that the state it commits to holds exactly
    /// `units` for this key and vessel.
    /// - Throws: `CoreError` `MALFORMED` naming the check that failed.
    public func verify(signer: XOnlyPublicKey, chainID: Hash32) throws(CoreError) {
        try header.checkCommitsToState(signer: signer, chainID: chainID)
        guard proof.key == StateRecord.holding(asset, key).treeKey else {
            throw CoreError(.malformed, "the proof is for another record")
        }
        guard proof.root(value: Self.recordBytes(asset: asset, key: key, units: units)) == header.header.stateDigest
        else {
            throw CoreError(.malformed, "the proof does not reach the header's state_digest with \(units) units")
        }
    }
}
