public import PlimsollCore
public import PlimsollCrypto

/// A key's proof as JSON: what `GET /v1/keys/{key}/proof` answers and `plimsoll proof key`
/// prints, checked offline by `plimsoll verify-proof` and the Python client (Docs/log-format.md:
/// the state commitment). The fields beside `record` say what it holds, so a reader need not
/// decode it; a verifier decodes it and refuses a document whose fields say otherwise.
public struct KeyProofJSON: Codable, Sendable {
    /// Units of one vessel that may not be sent.
    public struct FrozenUnitsJSON: Codable, Sendable, Equatable {
        public let vessel: String
        public let units: UInt64

        public init(vessel: String, units: UInt64) {
            self.vessel = vessel
            self.units = units
        }
    }

    /// What the document states beside the record bytes: written from a record, and compared with
    /// the record a verifier decodes (all absent, `bound` false, for no record).
    struct RecordFields: Equatable {
        var bound: Bool
        var party: UInt64?
        var lastNonce: UInt64?
        var frozen: Bool?
        var frozenVessels: [String]?
        var frozenUnits: [FrozenUnitsJSON]?

        init(
            bound: Bool, party: UInt64?, lastNonce: UInt64?, frozen: Bool?, frozenVessels: [String]?,
            frozenUnits: [FrozenUnitsJSON]?
        ) {
            (self.bound, self.party, self.lastNonce, self.frozen) = (bound, party, lastNonce, frozen)
            (self.frozenVessels, self.frozenUnits) = (frozenVessels, frozenUnits)
        }

        init(_ record: KeyRecord?) {
            self.init(
                bound: record != nil, party: record?.party.raw, lastNonce: record?.lastNonce, frozen: record?.frozen,
                frozenVessels: record?.frozenAssets.map(\.text),
                frozenUnits: record?.frozenUnits.map { FrozenUnitsJSON(vessel: $0.asset.text, units: $0.units) })
        }
    }

    public let type: String
    public let chain_id: String
    public let registrar_key: String
    /// The key that signed `head` (the sequencer key in force at its height).
    public let sequencer_key: String
    /// The genesis record (hex) and the sequencer rotations up to `head`: `sequencer_key` checked
    /// from the `chain_id` alone.
    public let genesis: String
    public let sequencer_rotations: [RotationProofJSON]
    public let key: String
    /// Whether a party has bound the key; the fields after it are absent when not.
    public let bound: Bool
    public let party: UInt64?
    public let last_nonce: UInt64?
    /// The whole key is frozen: it sends nothing.
    public let frozen: Bool?
    /// Vessels of which the key sends nothing.
    public let frozen_vessels: [String]?
    /// Units of a vessel the key may not send.
    public let frozen_units: [FrozenUnitsJSON]?
    /// Hex of the key record (Docs/log-format.md); absent when no party bound the key.
    public let record: String?
    /// The record's key in the state tree: `TaggedHash("plimsoll/state-key/v2", 0x03 || key)`.
    public let record_key: String
    /// Sibling hashes from the root down.
    public let siblings: [String]
    /// `found`, `empty`, or `other` (the path ends at another record's leaf).
    public let terminal: String
    public let other_key: String?
    public let other_value_hash: String?
    public let head: SignedHeaderJSON

    public init(_ proof: KeyProof, genesis: Genesis, sequencerKey: XOnlyPublicKey, rotations: [RotationProofJSON]) {
        type = "key"
        chain_id = proof.header.header.chainID.hex
        registrar_key = genesis.registrarKey.hex
        sequencer_key = sequencerKey.hex
        self.genesis = Hex.encode(genesis.canonicalBytes)
        sequencer_rotations = rotations
        key = proof.key.hex
        let fields = RecordFields(proof.record)
        (bound, party, last_nonce, frozen) = (fields.bound, fields.party, fields.lastNonce, fields.frozen)
        (frozen_vessels, frozen_units) = (fields.frozenVessels, fields.frozenUnits)
        record = proof.record.map { Hex.encode($0.recordBytes) }
        (record_key, siblings, terminal, other_key, other_value_hash) = StateProofFields.encode(proof.proof)
        head = SignedHeaderJSON(proof.header)
    }

    /// The proof this document states. A malformed document, or one whose fields say something
    /// other than its record, throws.
    public func parsed() throws -> KeyProof {
        let key = try XOnlyPublicKey(hex: key)
        let record = try self.record.map { try KeyRecord(recordBytes: try Hex.decode($0)) }
        if let record, record.key != key { throw CoreError(.malformed, "the record is another key's") }
        let stated = RecordFields(
            bound: bound, party: party, lastNonce: last_nonce, frozen: frozen, frozenVessels: frozen_vessels,
            frozenUnits: frozen_units)
        guard stated == RecordFields(record) else {
            throw CoreError(
                .malformed,
                record == nil
                    ? "a document without a record states no key record"
                    : "the document's fields are not what its record holds")
        }
        let proof = try StateProofFields.decode(
            recordKey: record_key, siblings: siblings, terminal: terminal, otherKey: other_key,
            otherValueHash: other_value_hash)
        return KeyProof(header: try head.parsed(), key: key, record: record, proof: proof)
    }
}
