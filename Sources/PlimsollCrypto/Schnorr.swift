import CSecp256k1

/// A BIP-340 x-only public key: 32 bytes, a point on secp256k1 with even y.
///
/// Holders are identified by these keys (DESIGN.md: Key). Construction checks that the bytes are
/// a valid x coordinate, so a value of this type is always usable for verification.
public struct XOnlyPublicKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let hash: Hash32
    fileprivate let parsed: secp256k1_xonly_pubkey

    /// - Throws: `CryptoError.badLength` or `.badPublicKey` (x not on the curve, or x >= p).
    public init(bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == 32 else {
            throw CryptoError(.badLength, "an x-only public key is 32 bytes, got \(bytes.count)")
        }
        let raw = Array(bytes)
        var key = secp256k1_xonly_pubkey()
        guard secp256k1_xonly_pubkey_parse(Secp256k1Context.shared.raw, &key, raw) == 1 else {
            throw CryptoError(.badPublicKey, "not a valid x-only public key")
        }
        hash = Hash32(exactly: raw)
        parsed = key
    }

    /// Parses 64 hex digits of either case.
    public init(hex: some StringProtocol) throws(CryptoError) {
        try self.init(bytes: try Hex.decode(hex, count: 32))
    }

    fileprivate init(parsed: secp256k1_xonly_pubkey) {
        var out = [UInt8](repeating: 0, count: 32)
        var copy = parsed
        precondition(secp256k1_xonly_pubkey_serialize(Secp256k1Context.shared.raw, &out, &copy) == 1)
        hash = Hash32(exactly: out)
        self.parsed = parsed
    }

    public var bytes: [UInt8] { hash.bytes }
    public var hex: String { hash.hex }
    public var description: String { hex }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.hash == rhs.hash }
    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.hash < rhs.hash }

    /// Verifies a BIP-340 signature over a message of any length.
    ///
    /// A signature of the wrong length is simply not valid: verification answers false, as the
    /// BIP-340 vectors require, rather than throwing.
    public func verify(signature: some Collection<UInt8>, message: some Collection<UInt8>) -> Bool {
        guard signature.count == 64 else { return false }
        let sig = Array(signature)
        let msg = Array(message)
        var key = parsed
        return msg.withUnsafeBufferPointer { msgBuffer in
            secp256k1_schnorrsig_verify(Secp256k1Context.shared.raw, sig, msgBuffer.baseAddress, msg.count, &key) == 1
        }
    }

    /// Verifies a BIP-340 signature over a 32-byte hash (the registry's canonical messages).
    public func verify(signature: SchnorrSignature, hash message: Hash32) -> Bool {
        var key = parsed
        return signature.bytes.withUnsafeBufferPointer { sig in
            message.withBytes { msg in
                secp256k1_schnorrsig_verify(
                    Secp256k1Context.shared.raw, sig.baseAddress!, msg.bindMemory(to: UInt8.self).baseAddress, 32, &key
                ) == 1
            }
        }
    }
}

/// A 64-byte BIP-340 signature (R.x || s). Its validity is only known against a key and message.
public struct SchnorrSignature: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// - Throws: `CryptoError.badLength` unless exactly 64 bytes.
    public init(bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == 64 else {
            throw CryptoError(.badLength, "a Schnorr signature is 64 bytes, got \(bytes.count)")
        }
        self.bytes = Array(bytes)
    }

    /// Parses 128 hex digits of either case.
    public init(hex: some StringProtocol) throws(CryptoError) {
        try self.init(bytes: try Hex.decode(hex, count: 64))
    }

    /// Wraps bytes a reader has already cut to 64.
    /// - Precondition: `checkedBytes.count == 64`.
    public init(checkedBytes: [UInt8]) {
        precondition(checkedBytes.count == 64)
        bytes = checkedBytes
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// A secp256k1 secret key with its BIP-340 keypair.
///
/// `description` never prints the secret (STYLE.md: no description prints keys).
public struct SigningKey: Sendable, CustomStringConvertible {
    private let secret: [UInt8]
    private let keypair: secp256k1_keypair
    public let publicKey: XOnlyPublicKey

    /// - Throws: `CryptoError.badLength`, or `.badSecretKey` for zero or a value >= the group order.
    public init(secret bytes: some Collection<UInt8>) throws(CryptoError) {
        guard bytes.count == 32 else {
            throw CryptoError(.badLength, "a secret key is 32 bytes, got \(bytes.count)")
        }
        let raw = Array(bytes)
        let context = Secp256k1Context.shared.raw
        var pair = secp256k1_keypair()
        guard secp256k1_keypair_create(context, &pair, raw) == 1 else {
            throw CryptoError(.badSecretKey, "secret key is zero or not below the group order")
        }
        var xonly = secp256k1_xonly_pubkey()
        var parity: Int32 = 0
        precondition(secp256k1_keypair_xonly_pub(context, &xonly, &parity, &pair) == 1)
        secret = raw
        keypair = pair
        publicKey = XOnlyPublicKey(parsed: xonly)
    }

    /// Parses 64 hex digits of either case.
    public init(hex: some StringProtocol) throws(CryptoError) {
        try self.init(secret: try Hex.decode(hex, count: 32))
    }

    /// A fresh key from `rng`; the core passes entropy in, so tests can be seeded.
    public static func generate(using rng: inout some RandomNumberGenerator) -> SigningKey {
        while true {
            var candidate = [UInt8](repeating: 0, count: 32)
            for index in candidate.indices { candidate[index] = UInt8.random(in: .min ... .max, using: &rng) }
            if let key = try? SigningKey(secret: candidate) { return key }
        }
    }

    /// The 32 secret bytes, for writing a 0600 key file. Handle with care.
    public var secretBytes: [UInt8] { secret }

    public var description: String { "SigningKey(\(publicKey.hex))" }

    /// BIP-340 signature of a 32-byte hash, with `auxRand` as the auxiliary randomness.
    public func sign(hash message: Hash32, auxRand: Hash32 = .zero) -> SchnorrSignature {
        var sig = [UInt8](repeating: 0, count: 64)
        var pair = keypair
        let aux = auxRand.bytes
        message.withBytes { msg in
            precondition(
                secp256k1_schnorrsig_sign32(
                    Secp256k1Context.shared.raw, &sig, msg.bindMemory(to: UInt8.self).baseAddress!, &pair, aux
                ) == 1
            )
        }
        return try! SchnorrSignature(bytes: sig)  // 64 bytes by construction.
    }

    /// BIP-340 signature of a message of any length (BIP-340 vector rows 15 to 18).
    public func sign(message: some Collection<UInt8>, auxRand: [UInt8]) -> SchnorrSignature {
        precondition(auxRand.count == 32)
        var sig = [UInt8](repeating: 0, count: 64)
        var pair = keypair
        let msg = Array(message)
        var aux = auxRand
        aux.withUnsafeMutableBytes { auxBuffer in
            var params = secp256k1_schnorrsig_extraparams()
            params.magic = (0xda, 0x6f, 0xb3, 0x8c)  // SECP256K1_SCHNORRSIG_EXTRAPARAMS_MAGIC
            params.noncefp = nil
            params.ndata = auxBuffer.baseAddress
            msg.withUnsafeBufferPointer { msgBuffer in
                precondition(
                    secp256k1_schnorrsig_sign_custom(
                        Secp256k1Context.shared.raw, &sig, msgBuffer.baseAddress, msg.count, &pair, &params
                    ) == 1
                )
            }
        }
        return try! SchnorrSignature(bytes: sig)
    }
}
