import PlimsollCrypto
import Testing

/// bitcoinjs-lib's RFC 6979 fixtures: deterministic low-S ECDSA signatures reproduce byte for byte.
struct RFC6979Tests {
    struct File: Decodable {
        let valid: Valid
        let invalid: Invalid
    }

    struct Valid: Decodable {
        let ecdsa: [Signing]
        let rfc6979: [Nonce]
    }

    struct Signing: Decodable {
        let d: String
        let message: String
        let signature: String
    }

    struct Nonce: Decodable {
        let d: String
        let message: String
    }

    struct Invalid: Decodable {
        let verify: [Bad]
    }

    struct Bad: Decodable {
        let description: String
        let d: String
        let message: String
        let signature: String?
        let signatureRaw: Raw?
    }

    struct Raw: Decodable {
        let r: String
        let s: String
    }

    static func key(_ hex: String) throws -> SigningKey {
        try SigningKey(hex: String(repeating: "0", count: 64 - hex.count) + hex)
    }

    @Test func validSignaturesReproduce() throws {
        let file = try VectorFiles.json(File.self, "rfc6979/bitcoinjs_ecdsa.json")
        #expect(file.valid.ecdsa.count == 7)
        for row in file.valid.ecdsa {
            let key = try Self.key(row.d)
            let digest = Hashing.sha256(Array(row.message.utf8))
            let signature = key.ecdsaSign(digest: digest)
            #expect(Hex.encode(signature.der) == row.signature, "d=\(row.d) \(row.message)")
            #expect(signature.isLowS)
            #expect(key.ecdsaPublicKey.verify(signature, digest: digest))
        }
        // The rfc6979 table gives nonces only; libsecp256k1 exposes the signature, which must verify.
        #expect(file.valid.rfc6979.count == 10)
        for row in file.valid.rfc6979 {
            let key = try Self.key(row.d)
            let digest = Hashing.sha256(Array(row.message.utf8))
            let first = key.ecdsaSign(digest: digest)
            #expect(first.der == key.ecdsaSign(digest: digest).der, "deterministic for d=\(row.d)")
            #expect(key.ecdsaPublicKey.verify(first, digest: digest))
        }
    }

    /// All 8 invalid signatures are refused; negative r or s are written as the DER two's
    /// complement integers they denote, so no row is skipped.
    @Test func invalidSignaturesAreRefused() throws {
        let file = try VectorFiles.json(File.self, "rfc6979/bitcoinjs_ecdsa.json")
        #expect(file.invalid.verify.count == 8)
        var refused = 0
        for row in file.invalid.verify {
            let publicKey = try Self.key(row.d).ecdsaPublicKey
            let digest = Hashing.sha256(Array(row.message.utf8))
            let der: [UInt8]
            if let hex = row.signature {
                der = try Hex.decode(hex)
            } else {
                let raw = try #require(row.signatureRaw)
                let r = try derInteger(raw.r), s = try derInteger(raw.s)
                der = [0x30, UInt8(r.count + s.count)] + r + s
            }
            let signature = try? ECDSASignature(der: der)
            let accepted = signature.map { publicKey.verify($0, digest: digest) } ?? false
            #expect(!accepted, "\(row.description)")
            if !accepted { refused += 1 }
        }
        #expect(refused == 8)
    }

    /// A DER INTEGER for a signed hex value: minimal two's complement.
    func derInteger(_ text: String) throws -> [UInt8] {
        let negative = text.hasPrefix("-")
        let magnitude = try Hex.decode(negative ? String(text.dropFirst()) : text)
        var bytes = [UInt8](repeating: 0, count: 1) + magnitude
        if negative {
            bytes = bytes.map { ~$0 }
            var index = bytes.count - 1
            while true {
                let (sum, overflow) = bytes[index].addingReportingOverflow(1)
                bytes[index] = sum
                if !overflow || index == 0 { break }
                index -= 1
            }
        }
        while bytes.count > 1, (bytes[0] == 0x00 && bytes[1] < 0x80) || (bytes[0] == 0xff && bytes[1] >= 0x80) {
            bytes.removeFirst()
        }
        return [0x02, UInt8(bytes.count)] + bytes
    }
}
