public import PlimsollCrypto

/// The canonical transfer of DESIGN.md, the interop contract that third-party clients sign.
///
/// ```
/// payload = chain_id 32 || len(asset) 1 || asset ASCII || from 32 || to 32
///        || amount u64 BE || nonce u64 BE || expires_at u64 BE
/// msg     = TaggedHash("plimsoll/transfer/v1", payload)
/// id      = lowercase hex of msg
/// ```
public struct Transfer: Hashable, Sendable {
    public let chainID: Hash32
    public let asset: AssetID
    public let from: XOnlyPublicKey
    public let to: XOnlyPublicKey
    public let amount: UInt64
    public let nonce: UInt64
    public let expiresAt: UInt64
    /// The message the sender signs, `TaggedHash("plimsoll/transfer/v1", payload)`: computed once,
    /// when the transfer is made, and carried through verification, apply, commit and receipt.
    public let message: Hash32

    public init(
        chainID: Hash32, asset: AssetID, from: XOnlyPublicKey, to: XOnlyPublicKey,
        amount: UInt64, nonce: UInt64, expiresAt: UInt64
    ) {
        self.init(
            chainID: chainID, asset: asset, from: from, to: to, amount: amount, nonce: nonce, expiresAt: expiresAt,
            canonicalPayload: Self.payload(
                chainID: chainID, asset: asset, from: from, to: to, amount: amount, nonce: nonce, expiresAt: expiresAt))
    }

    /// A transfer with its canonical payload already encoded (made above, or read from a log):
    /// the message is the hash of those bytes.
    init(
        chainID: Hash32, asset: AssetID, from: XOnlyPublicKey, to: XOnlyPublicKey,
        amount: UInt64, nonce: UInt64, expiresAt: UInt64, canonicalPayload: [UInt8]
    ) {
        self.chainID = chainID
        self.asset = asset
        self.from = from
        self.to = to
        self.amount = amount
        self.nonce = nonce
        self.expiresAt = expiresAt
        message = Hashing.tagged(Tags.transfer, canonicalPayload)
        assert(canonicalPayload == payload, "the payload given is the canonical encoding")
    }

    /// The payload bytes, 131 long for an "IMO" + 7-digit asset.
    public var payload: [UInt8] {
        Self.payload(
            chainID: chainID, asset: asset, from: from, to: to, amount: amount, nonce: nonce, expiresAt: expiresAt)
    }

    static func payload(
        chainID: Hash32, asset: AssetID, from: XOnlyPublicKey, to: XOnlyPublicKey, amount: UInt64, nonce: UInt64,
        expiresAt: UInt64
    ) -> [UInt8] {
        let asset = Array(asset.text.utf8)
        precondition(asset.count == 10)
        var writer = ByteWriter(capacity: 32 + 1 + asset.count + 32 + 32 + 24)
        writer.raw(chainID.bytes)
        writer.u8(UInt8(asset.count))
        writer.raw(asset)
        writer.raw(from.bytes)
        writer.raw(to.bytes)
        writer.u64(amount)
        writer.u64(nonce)
        writer.u64(expiresAt)
        return writer.bytes
    }

    /// Lowercase hex of `message`; it does not cover the signature.
    public var id: String { message.hex }

    public func signed(by key: SigningKey, auxRand: Hash32 = .zero) -> SignedTransfer {
        precondition(key.publicKey == from)
        return SignedTransfer(transfer: self, signature: key.sign(hash: message, auxRand: auxRand))
    }
}

/// A transfer with the sender's BIP-340 signature; its signature may or may not verify.
public struct SignedTransfer: Hashable, Sendable {
    /// Entry kind byte of a settled transfer in the log (DESIGN.md: `0x10 || payload || sig`).
    public static let entryKind: UInt8 = 0x10

    public let transfer: Transfer
    public let signature: SchnorrSignature
    /// The Merkle leaf data of this transfer once settled, `0x10 || payload || sig`, and its RFC
    /// 6962 leaf hash: encoded and hashed once, when the transfer is read at the edge, and carried
    /// through apply, the block's Merkle trees, the commit and the receipt.
    public let entryBytes: [UInt8]
    public let leafHash: Hash32

    public init(transfer: Transfer, signature: SchnorrSignature) {
        self.transfer = transfer
        self.signature = signature
        entryBytes = [Self.entryKind] + transfer.payload + signature.bytes
        leafHash = Merkle.leafHash(entryBytes)
    }

    /// A transfer read from its entry bytes, which are its canonical encoding.
    init(transfer: Transfer, signature: SchnorrSignature, entryBytes: [UInt8]) {
        self.transfer = transfer
        self.signature = signature
        self.entryBytes = entryBytes
        leafHash = Merkle.leafHash(entryBytes)
        assert(entryBytes == [Self.entryKind] + transfer.payload + signature.bytes, "canonical entry bytes")
    }

    public var signatureValid: Bool { transfer.from.verify(signature: signature, hash: transfer.message) }

    /// Identity is the transfer and its signature; the rest is derived from them.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.transfer == rhs.transfer && lhs.signature == rhs.signature
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(transfer.message)
        hasher.combine(signature)
    }
}
