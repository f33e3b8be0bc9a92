public import PlimsollCrypto

extension SignedBlockHeader {
    /// The checks every state proof makes of its header: this registry, signed by `signer`, and a
    /// version that commits to a provable state.
    func checkCommitsToState(signer: XOnlyPublicKey, chainID: Hash32) throws(CoreError) {
        guard header.chainID == chainID else { throw CoreError(.malformed, "the header belongs to another registry") }
        guard signatureValid(signer: signer) else {
            throw CoreError(.malformed, "the header is not signed by the sequencer key \(signer.hex.prefix(16))…")
        }
        guard header.version >= 2 else {
            throw CoreError(.malformed, "a version \(header.version) header commits to no provable state")
        }
    }
}
