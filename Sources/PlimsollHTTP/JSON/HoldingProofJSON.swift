public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

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
    /// The genesis record (hex) and the sequencer rotations up to `head`: `sequencer_key` checked
    /// from the `chain_id` alone. Absent in documents of earlier releases.
    public let genesis: String?
    public let sequencer_rotations: [RotationProofJSON]?
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

    public init(
        _ proof: HoldingProof, genesis: Genesis, sequencerKey: XOnlyPublicKey, rotations: [RotationProofJSON]
    ) {
        let header = proof.header.header
        type = "holding"
        chain_id = header.chainID.hex
        registrar_key = genesis.registrarKey.hex
        sequencer_key = sequencerKey.hex
        self.genesis = Hex.encode(genesis.canonicalBytes)
        sequencer_rotations = rotations
        vessel = proof.asset.text
        key = proof.key.hex
        units = proof.units
        record = HoldingProof.recordBytes(asset: proof.asset, key: proof.key, units: proof.units).map(Hex.encode)
        (record_key, siblings, terminal, other_key, other_value_hash) = StateProofFields.encode(proof.proof)
        head = SignedHeaderJSON(proof.header)
    }

    /// The proof this document states; a malformed document throws.
    public func parsed() throws -> HoldingProof {
        let signed = try head.parsed()
        let proof = try StateProofFields.decode(
            recordKey: record_key, siblings: siblings, terminal: terminal, otherKey: other_key,
            otherValueHash: other_value_hash)
        return HoldingProof(
            header: signed, asset: try AssetID(vessel), key: try XOnlyPublicKey(hex: key), units: units, proof: proof)
    }
}

/// One sequencer key rotation (`0x1c`) of the log, with its RFC 6962 inclusion proof against the
/// header a proof document carries: with the genesis record, the chain of handovers that makes
/// the key that signed that header checkable from the `chain_id` alone (Docs/log-format.md, "Keys").
public struct RotationProofJSON: Codable, Sendable, Equatable {
    public let leaf_index: UInt64
    public let entry: String
    public let proof: [String]

    public init(leafIndex: UInt64, entry: Entry, proof: [Hash32]) {
        leaf_index = leafIndex
        self.entry = Hex.encode(entry.bytes)
        self.proof = proof.map(\.hex)
    }

    /// The key that signs a header whose log holds `logSize` entries: genesis's sequencer key,
    /// handed over by each rotation below that size, each signed by the key it replaces.
    /// - Throws: `CoreError` `MALFORMED` for a rotation out of order, not a sequencer rotation, or
    ///   not signed by the key in force before it.
    public static func signer(
        genesis: Genesis, rotations: [RotationProofJSON], logSize: UInt64
    ) throws
        -> XOnlyPublicKey
    {
        var key = genesis.sequencerKey
        var last: UInt64?
        for rotation in rotations where rotation.leaf_index < logSize {
            if let last, rotation.leaf_index <= last { throw CoreError(.malformed, "rotations out of order") }
            last = rotation.leaf_index
            guard case .registrar(let entry) = try Entry(bytes: try Hex.decode(rotation.entry)),
                case .rotateSequencerKey(let handover) = entry.action
            else { throw CoreError(.malformed, "leaf \(rotation.leaf_index) is not a sequencer key rotation") }
            guard handover.valid(chainID: genesis.chainID, role: .sequencer, old: key) else {
                throw CoreError(
                    .malformed, "the rotation at leaf \(rotation.leaf_index) is not signed by the key it replaces")
            }
            key = handover.newKey
        }
        return key
    }

    /// Every rotation is in the log the header signs.
    public static func checkIncluded(_ rotations: [RotationProofJSON], in header: BlockHeader) throws {
        for rotation in rotations {
            let leaf = try Hex.decode(rotation.entry)
            try Merkle.verifyInclusion(
                leafIndex: rotation.leaf_index, treeSize: header.logSize, leafHash: Merkle.leafHash(leaf),
                proof: try rotation.proof.map { try Hash32(hex: $0) }, root: header.logRoot)
        }
    }
}

extension SQLiteStore {
    /// The sequencer rotations among the first `logSize` leaves, each with its inclusion proof at
    /// that size: what a proof document carries beside the genesis record.
    public func rotationProofs(logSize: UInt64) throws -> [RotationProofJSON] {
        try sequencerRotations(belowLeaf: logSize).map { stored in
            RotationProofJSON(
                leafIndex: stored.leafIndex, entry: stored.entry,
                proof: try inclusionProof(leafIndex: stored.leafIndex, treeSize: logSize))
        }
    }
}
