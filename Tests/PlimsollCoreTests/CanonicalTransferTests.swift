import PlimsollCore
import PlimsollCrypto
import Testing

/// The canonical transfer of DESIGN.md, with every expected byte written out by hand.
struct CanonicalTransferTests {
    static let from = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"  // secret key 1
    static let to = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5"  // secret key 2

    static func transfer() throws -> Transfer {
        Transfer(
            chainID: try Hash32(bytes: [UInt8](repeating: 0x11, count: 32)),
            asset: try AssetID("IMO9176187"),
            from: try XOnlyPublicKey(hex: from), to: try XOnlyPublicKey(hex: to),
            amount: 3, nonce: 7, expiresAt: 1_767_225_600
        )
    }

    @Test func payloadBytesByHand() throws {
        let expected: [UInt8] =
            [UInt8](repeating: 0x11, count: 32)  // chain_id
            + [0x0a]  // len("IMO9176187") = 10
            + [0x49, 0x4d, 0x4f, 0x39, 0x31, 0x37, 0x36, 0x31, 0x38, 0x37]  // "IMO9176187"
            + [
                0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07,
                0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98,
            ]  // from
            + [
                0xc6, 0x04, 0x7f, 0x94, 0x41, 0xed, 0x7d, 0x6d, 0x30, 0x45, 0x40, 0x6e, 0x95, 0xc0, 0x7c, 0xd8,
                0x5c, 0x77, 0x8e, 0x4b, 0x8c, 0xef, 0x3c, 0xa7, 0xab, 0xac, 0x09, 0xb9, 0x5c, 0x70, 0x9e, 0xe5,
            ]  // to
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]  // amount 3
            + [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07]  // nonce 7
            + [0x00, 0x00, 0x00, 0x00, 0x69, 0x55, 0xb9, 0x00]  // expires_at 1767225600
        let transfer = try Self.transfer()
        #expect(transfer.payload == expected)
        #expect(transfer.payload.count == 131)
    }

    /// TaggedHash("plimsoll/transfer/v1", payload), computed independently with Python's hashlib.
    @Test func messageAndIDMatchAnIndependentHash() throws {
        let transfer = try Self.transfer()
        #expect(transfer.id == "a7082a6af50dfcfa15984aff51196598b06f98a991e5abbcf15b2ffaec6a5fa0")
        let tagHash = Hashing.sha256(Array("plimsoll/transfer/v1".utf8)).bytes
        #expect(transfer.message == Hashing.sha256(tagHash + tagHash + transfer.payload))
    }

    @Test func signedEntryBytesAndSignature() throws {
        let key = try SigningKey(hex: String(repeating: "0", count: 63) + "1")
        let signed = try Self.transfer().signed(by: key)
        #expect(signed.signatureValid)
        #expect(signed.entryBytes == [0x10] + (try Self.transfer()).payload + signed.signature.bytes)
        #expect(signed.entryBytes.count == 1 + 131 + 64)
        let otherChain = Transfer(
            chainID: .zero, asset: signed.transfer.asset, from: signed.transfer.from, to: signed.transfer.to,
            amount: 3, nonce: 7, expiresAt: 1_767_225_600
        )
        #expect(
            !SignedTransfer(transfer: otherChain, signature: signed.signature).signatureValid,
            "signature commits to chain_id")
    }

    @Test(arguments: [
        ("IMO9176187", true), ("IMO9176188", false), ("9176187", false), ("IMO917618", false),
        ("IMO91761870", false), ("imo9176187", false), ("IMO9074729", true), ("IMO8514290", false),
        ("IMO91761a7", false),
    ])
    func imoCheckDigit(text: String, valid: Bool) {
        #expect(((try? AssetID(text)) != nil) == valid, "\(text)")
    }

    @Test func genesisRoundTripsAndNamesTheChain() throws {
        let key = try SigningKey(hex: String(repeating: "0", count: 63) + "5")
        let genesis = try Genesis(
            name: "Panama Test Registry", registrarKey: key.publicKey, createdAtMs: 1_700_000_000_000)
        let decoded = try Genesis(canonicalBytes: genesis.canonicalBytes)
        #expect(decoded == genesis)
        #expect(decoded.chainID == genesis.chainID)
        #expect(throws: CoreError.self) { _ = try Genesis(canonicalBytes: genesis.canonicalBytes + [0]) }
        #expect(throws: CoreError.self) { _ = try Genesis(canonicalBytes: Array(genesis.canonicalBytes.dropLast())) }
        #expect(throws: CoreError.self) { _ = try Genesis(name: "", registrarKey: key.publicKey, createdAtMs: 0) }
    }
}
