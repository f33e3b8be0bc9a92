import CSecp256k1

/// A secp256k1 public key for ECDSA (33-byte compressed or 65-byte uncompressed SEC1 encoding).
///
/// Plimsoll's own signatures are BIP-340; ECDSA is here for interop with existing holder
/// wallets and is proven on the Wycheproof vectors.
public struct ECDSAPublicKey: Sendable {
    fileprivate let parsed: secp256k1_pubkey

    /// - Throws: `CryptoError.badPublicKey` for a bad length, prefix or a point off the curve.
    public init(sec1 bytes: some Collection<UInt8>) throws(CryptoError) {
        let raw = Array(bytes)
        guard raw.count == 33 || raw.count == 65 else {
            throw CryptoError(.badPublicKey, "a SEC1 public key is 33 or 65 bytes, got \(raw.count)")
        }
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.raw, &key, raw, raw.count) == 1 else {
            throw CryptoError(.badPublicKey, "not a valid secp256k1 public key")
        }
        parsed = key
    }

    /// Verifies an ECDSA signature over a 32-byte digest.
    ///
    /// Low-S rule: only signatures with s <= n/2 verify. A high-S signature is the malleated twin
    /// of a valid one; accepting both would give one authorisation two encodings (BIP-146).
    /// Callers that must accept high-S (the generic Wycheproof files) normalize first, explicitly.
    public func verify(_ signature: ECDSASignature, digest: Hash32) -> Bool {
        var key = parsed
        var sig = signature.parsed
        return digest.withBytes { msg in
            secp256k1_ecdsa_verify(
                Secp256k1Context.shared.raw, &sig, msg.bindMemory(to: UInt8.self).baseAddress!, &key
            ) == 1
        }
    }
}

/// An ECDSA signature (r, s), parsed from strict DER or 64-byte compact form.
public struct ECDSASignature: Sendable {
    fileprivate let parsed: secp256k1_ecdsa_signature

    fileprivate init(parsed: secp256k1_ecdsa_signature) {
        self.parsed = parsed
    }

    /// Parses a strict DER signature (no BER length forms, no padding, no trailing bytes).
    /// - Throws: `CryptoError.badSignatureEncoding`.
    public init(der bytes: some Collection<UInt8>) throws(CryptoError) {
        let raw = Array(bytes)
        var sig = secp256k1_ecdsa_signature()
        guard raw.count <= 73, secp256k1_ecdsa_signature_parse_der(Secp256k1Context.shared.raw, &sig, raw, raw.count) == 1
        else {
            throw CryptoError(.badSignatureEncoding, "not a strict DER ECDSA signature")
        }
        parsed = sig
    }

    /// Parses a 64-byte `r || s` signature (IEEE P1363). r and s must be below the group order.
    /// - Throws: `CryptoError.badSignatureEncoding`.
    public init(compact bytes: some Collection<UInt8>) throws(CryptoError) {
        let raw = Array(bytes)
        guard raw.count == 64 else {
            throw CryptoError(.badSignatureEncoding, "a compact ECDSA signature is 64 bytes, got \(raw.count)")
        }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(Secp256k1Context.shared.raw, &sig, raw) == 1 else {
            throw CryptoError(.badSignatureEncoding, "r or s is not below the group order")
        }
        parsed = sig
    }

    /// True when s <= n/2, the only form `ECDSAPublicKey.verify` accepts.
    public var isLowS: Bool {
        var input = parsed
        return secp256k1_ecdsa_signature_normalize(Secp256k1Context.shared.raw, nil, &input) == 0
    }

    /// The low-S twin of this signature (itself when already low).
    public func normalized() -> ECDSASignature {
        var input = parsed
        var output = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(Secp256k1Context.shared.raw, &output, &input)
        return ECDSASignature(parsed: output)
    }

    public var der: [UInt8] {
        var out = [UInt8](repeating: 0, count: 72)
        var length = out.count
        var sig = parsed
        precondition(secp256k1_ecdsa_signature_serialize_der(Secp256k1Context.shared.raw, &out, &length, &sig) == 1)
        return Array(out[0..<length])
    }

    public var compact: [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var sig = parsed
        precondition(secp256k1_ecdsa_signature_serialize_compact(Secp256k1Context.shared.raw, &out, &sig) == 1)
        return out
    }
}

extension SigningKey {
    /// ECDSA signature of a 32-byte digest with an RFC 6979 deterministic nonce (libsecp256k1's
    /// default nonce function), always low-S.
    public func ecdsaSign(digest: Hash32) -> ECDSASignature {
        var sig = secp256k1_ecdsa_signature()
        let secret = secretBytes
        digest.withBytes { msg in
            precondition(
                secp256k1_ecdsa_sign(
                    Secp256k1Context.shared.raw, &sig, msg.bindMemory(to: UInt8.self).baseAddress!, secret, nil, nil
                ) == 1
            )
        }
        return ECDSASignature(parsed: sig)
    }

    /// The SEC1 compressed public key (33 bytes) matching this secret, for ECDSA.
    public var ecdsaPublicKey: ECDSAPublicKey {
        var key = secp256k1_pubkey()
        precondition(secp256k1_ec_pubkey_create(Secp256k1Context.shared.raw, &key, secretBytes) == 1)
        var out = [UInt8](repeating: 0, count: 33)
        var length = 33
        precondition(
            secp256k1_ec_pubkey_serialize(
                Secp256k1Context.shared.raw, &out, &length, &key, UInt32(SECP256K1_EC_COMPRESSED)
            ) == 1
        )
        return try! ECDSAPublicKey(sec1: out)  // A key we just serialized always parses.
    }
}
