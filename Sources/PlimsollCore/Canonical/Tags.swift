public import PlimsollCrypto

/// The BIP-340 tags of every canonical message (DESIGN.md: tags `plimsoll/<name>/v1`).
public enum Tags {
    public static let genesis = TaggedHashTag("plimsoll/genesis/v1")
    public static let transfer = TaggedHashTag("plimsoll/transfer/v1")
    public static let block = TaggedHashTag("plimsoll/block/v1")
    public static let read = TaggedHashTag("plimsoll/read/v1")
    public static let registrar = TaggedHashTag("plimsoll/registrar/v1")
    public static let state = TaggedHashTag("plimsoll/state/v1")
    /// A key rotation, signed by the outgoing and the incoming key (`KeyRotation`).
    public static let keyRotation = TaggedHashTag("plimsoll/key-rotation/v1")
    /// A list upload to a running server: the registrar signs `chain_id || SHA-256(body)`.
    public static let registrarUpload = TaggedHashTag("plimsoll/registrar-upload/v1")
    /// A change of the API tokens sent to a running server: the registrar signs
    /// `chain_id || SHA-256(body)`.
    public static let registrarToken = TaggedHashTag("plimsoll/registrar-token/v1")
    /// The version 2 state commitment (StateTree): record keys, leaves and inner nodes.
    public static let stateKey = TaggedHashTag("plimsoll/state-key/v2")
    public static let stateLeaf = TaggedHashTag("plimsoll/state-leaf/v2")
    public static let stateNode = TaggedHashTag("plimsoll/state-node/v2")
}
