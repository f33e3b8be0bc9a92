public import PlimsollCrypto

/// A registrar action with the registrar's sequence number and BIP-340 signature.
///
/// The signature covers `TaggedHash("plimsoll/registrar/v1", chain_id || kind || seq || body)`,
/// so a registrar entry cannot be replayed on another registry, and `seq` (strictly increasing)
/// keeps it from being applied twice in the same one.
public struct RegistrarEntry: Hashable, Sendable {
    public let sequence: UInt64
    public let action: RegistrarAction
    public let signature: SchnorrSignature

    public init(sequence: UInt64, action: RegistrarAction, signature: SchnorrSignature) {
        self.sequence = sequence
        self.action = action
        self.signature = signature
    }

    /// The message the registrar signs.
    public static func message(chainID: Hash32, sequence: UInt64, action: RegistrarAction) -> Hash32 {
        var writer = ByteWriter(capacity: 128)
        writer.hash(chainID)
        writer.u8(action.kind)
        writer.u64(sequence)
        action.encodeBody(to: &writer)
        return Hashing.tagged(Tags.registrar, writer.bytes)
    }

    public static func signed(
        _ action: RegistrarAction, sequence: UInt64, chainID: Hash32, by key: SigningKey
    ) -> RegistrarEntry {
        let message = message(chainID: chainID, sequence: sequence, action: action)
        return RegistrarEntry(sequence: sequence, action: action, signature: key.sign(hash: message))
    }

    /// The message the registrar signs to send files to a running server (a list upload):
    /// `TaggedHash("plimsoll/registrar-upload/v1", chain_id || SHA-256(body))`. Replaying it
    /// sends the same bytes again, which stores nothing new.
    public static func uploadMessage(chainID: Hash32, body: [UInt8]) -> Hash32 {
        bodyMessage(Tags.registrarUpload, chainID: chainID, body: body)
    }

    /// The message the registrar signs to change the API tokens of a running server:
    /// `TaggedHash("plimsoll/registrar-token/v1", chain_id || SHA-256(body))`. The body names its
    /// signing time; a replay changes nothing (a token's hash is never stored twice, a revoked
    /// token stays revoked) and is refused once the time is old.
    public static func tokenMessage(chainID: Hash32, body: [UInt8]) -> Hash32 {
        bodyMessage(Tags.registrarToken, chainID: chainID, body: body)
    }

    /// What the registrar signs for a request body sent to a running server: `tag` over
    /// `chain_id || SHA-256(body)`.
    private static func bodyMessage(_ tag: TaggedHashTag, chainID: Hash32, body: [UInt8]) -> Hash32 {
        Hashing.tagged(tag, chainID.bytes + Hashing.sha256(body).bytes)
    }

    public func signatureValid(chainID: Hash32, registrarKey: XOnlyPublicKey) -> Bool {
        registrarKey.verify(
            signature: signature, hash: Self.message(chainID: chainID, sequence: sequence, action: action))
    }
}

/// One entry of the log: the Merkle leaf data is `bytes`.
///
/// Indirect: an entry is one reference wide, not the 352 bytes of a signed transfer
/// (`MemoryLayout<SignedTransfer>.size`), so each copy through intake, batches, blocks and every
/// waiting submitter's frames is a retain. With 196,560 transfers queued one task each, the settle
/// phase's peak fell from 1,270 to about 650 MiB and settlement rose from 0.37x to 0.46x to 0.50x
/// of raw verify (Docs/benchmarks.md).
public indirect enum Entry: Hashable, Sendable {
    case genesis(Genesis)
    case registrar(RegistrarEntry)
    case transfer(SignedTransfer)

    public static let genesisKind: UInt8 = 0x00

    /// The entry's identity: the transfer id for a transfer, else the SHA-256 of its bytes.
    public var id: Hash32 {
        switch self {
        case .transfer(let signed): signed.transfer.message
        default: Hashing.sha256(bytes)
        }
    }

    /// The RFC 6962 leaf hash of `bytes`; a transfer carries its own, hashed once.
    public var leafHash: Hash32 {
        switch self {
        case .transfer(let signed): signed.leafHash
        default: Merkle.leafHash(bytes)
        }
    }

    public var kindName: String {
        switch self {
        case .genesis: "genesis"
        case .registrar(let entry): entry.action.name
        case .transfer: "transfer"
        }
    }
}
