public import PlimsollCrypto

/// A key of the registry replaced by another (`0x1b` the registrar's, `0x1c` the sequencer's).
///
/// Both the outgoing and the incoming key sign `TaggedHash("plimsoll/key-rotation/v1", chain_id ||
/// role u8 || old_key 32 || new_key 32)`: the old key agrees to hand over, the new key proves it is
/// held (nobody can rotate to a key they do not have). The entry itself is a registrar entry, so
/// a sequencer rotation is signed by the registrar too.
public struct KeyRotation: Hashable, Sendable {
    public enum Role: UInt8, Sendable, Codable {
        case registrar = 1
        case sequencer = 2

        public var name: String {
            switch self {
            case .registrar: "registrar"
            case .sequencer: "sequencer"
            }
        }
    }

    public let newKey: XOnlyPublicKey
    public let oldKeySignature: SchnorrSignature
    public let newKeySignature: SchnorrSignature

    public init(newKey: XOnlyPublicKey, oldKeySignature: SchnorrSignature, newKeySignature: SchnorrSignature) {
        self.newKey = newKey
        self.oldKeySignature = oldKeySignature
        self.newKeySignature = newKeySignature
    }

    /// The message both keys sign.
    public static func message(chainID: Hash32, role: Role, old: XOnlyPublicKey, new: XOnlyPublicKey) -> Hash32 {
        Hashing.tagged(Tags.keyRotation, chainID.bytes + [role.rawValue] + old.bytes + new.bytes)
    }

    /// The rotation from `old` to `new`, signed by both.
    public static func signed(chainID: Hash32, role: Role, old: SigningKey, new: SigningKey) -> KeyRotation {
        let message = message(chainID: chainID, role: role, old: old.publicKey, new: new.publicKey)
        return KeyRotation(
            newKey: new.publicKey, oldKeySignature: old.sign(hash: message), newKeySignature: new.sign(hash: message))
    }

    /// Whether `old` and the new key both signed this rotation for this chain.
    public func valid(chainID: Hash32, role: Role, old: XOnlyPublicKey) -> Bool {
        let message = Self.message(chainID: chainID, role: role, old: old, new: newKey)
        return old.verify(signature: oldKeySignature, hash: message)
            && newKey.verify(signature: newKeySignature, hash: message)
    }
}
