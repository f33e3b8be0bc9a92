public import PlimsollCore
public import PlimsollCrypto

/// A signed header as proofs carry it: enough to check the registrar's signature offline (the
/// inclusion, consistency and holding proof documents share it).
public struct SignedHeaderJSON: Codable, Sendable {
    public let height: UInt64
    public let header: String
    public let signature: String

    public init(_ signed: SignedBlockHeader) {
        height = signed.header.height
        header = Hex.encode(signed.header.canonicalBytes)
        signature = signed.signature.hex
    }

    public func parsed() throws -> SignedBlockHeader {
        SignedBlockHeader(
            header: try BlockHeader(canonicalBytes: try Hex.decode(header)),
            signature: try SchnorrSignature(hex: signature))
    }
}

/// A holding proof as JSON: what `GET /v1/keys/{key}/holdings/{imo}/proof` answers and
/// `plimsoll proof holding` prints, checked offline by `plimsoll verify-proof` and the Python
/// client (Docs/log-format.md: the state commitment).
public struct HoldingProofJSON: Codable, Sendable {
    public let type: String
    public let chain_id: String
    public let registrar_key: String
    /// The key that signed `head` (the sequencer key in force at its height); absent in documents
    /// of earlier releases, whose headers the registrar key signed.
    public let sequencer_key: String?
    public let vessel: String
    public let key: String
    public let units: UInt64
    /// Hex of the holding record (`asset || key || u64 units`); absent when the key holds none.
    public let record: String?
    /// The record's key in the state tree: `TaggedHash("plimsoll/state-key/v2", 0x06 || asset || key)`.
    public let record_key: String
    /// Sibling hashes from the root down.
    public let siblings: [String]
    /// `found`, `empty`, or `other` (the path ends at another record's leaf).
    public let terminal: String
    public let other_key: String?
    public let other_value_hash: String?
    public let head: SignedHeaderJSON

    public init(_ proof: HoldingProof, registrarKey: XOnlyPublicKey, sequencerKey: XOnlyPublicKey) {
        let header = proof.header.header
        type = "holding"
        chain_id = header.chainID.hex
        registrar_key = registrarKey.hex
        sequencer_key = sequencerKey.hex
        vessel = proof.asset.text
        key = proof.key.hex
        units = proof.units
        record = HoldingProof.recordBytes(asset: proof.asset, key: proof.key, units: proof.units).map(Hex.encode)
        record_key = proof.proof.key.hex
        siblings = proof.proof.siblings.map(\.hex)
        switch proof.proof.terminal {
        case .found: (terminal, other_key, other_value_hash) = ("found", nil, nil)
        case .empty: (terminal, other_key, other_value_hash) = ("empty", nil, nil)
        case .other(let key, let valueHash): (terminal, other_key, other_value_hash) = ("other", key.hex, valueHash.hex)
        }
        head = SignedHeaderJSON(proof.header)
    }

    /// The proof this document states; a malformed document throws.
    public func parsed() throws -> HoldingProof {
        let signed = try head.parsed()
        let end: StateProof.Terminal
        switch terminal {
        case "found": end = .found
        case "empty": end = .empty
        case "other":
            guard let other_key, let other_value_hash else {
                throw CoreError(.malformed, "terminal other needs other_key and other_value_hash")
            }
            end = .other(key: try Hash32(hex: other_key), valueHash: try Hash32(hex: other_value_hash))
        default: throw CoreError(.malformed, "unknown terminal \(terminal)")
        }
        let proof = StateProof(
            key: try Hash32(hex: record_key), siblings: try siblings.map { try Hash32(hex: $0) }, terminal: end)
        return HoldingProof(
            header: signed, asset: try AssetID(vessel), key: try XOnlyPublicKey(hex: key), units: units, proof: proof)
    }
}
