import PlimsollCrypto
import Testing

/// Malformed bytes from outside get typed errors, never a trap.
struct BadInputTests {
    @Test(arguments: [
        ("abc", CryptoError.Code.badHex),
        ("zz", .badHex),
        ("0g", .badHex),
        ("é0", .badHex),
    ])
    func malformedHex(text: String, code: CryptoError.Code) {
        expectCode(code) { _ = try Hex.decode(text) }
    }

    @Test func hexIsCaseInsensitiveAndWrittenLowercase() throws {
        #expect(try Hex.decode("ABcd09") == [0xab, 0xcd, 0x09])
        #expect(Hex.encode([0xab, 0xcd, 0x09]) == "abcd09")
    }

    @Test func wrongLengthKeysAndSignatures() {
        expectCode(.badLength) { _ = try XOnlyPublicKey(bytes: [UInt8](repeating: 1, count: 31)) }
        expectCode(.badLength) { _ = try XOnlyPublicKey(hex: String(repeating: "a", count: 66)) }
        expectCode(.badLength) { _ = try SchnorrSignature(bytes: [UInt8](repeating: 1, count: 63)) }
        expectCode(.badLength) { _ = try SigningKey(secret: [UInt8](repeating: 1, count: 33)) }
        expectCode(.badLength) { _ = try Hash32(bytes: [UInt8](repeating: 0, count: 31)) }
    }

    @Test func invalidKeyValues() throws {
        // x = p is not a field element; the zero secret and the group order are not secret keys.
        expectCode(.badPublicKey) {
            _ = try XOnlyPublicKey(hex: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f")
        }
        expectCode(.badSecretKey) { _ = try SigningKey(secret: [UInt8](repeating: 0, count: 32)) }
        expectCode(.badSecretKey) {
            _ = try SigningKey(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        }
    }

    @Test func outOfRangeProofIndicesAreTypedErrors() throws {
        let tree = MerkleTree(leafHashes: (0..<5).map { Merkle.leafHash([UInt8($0)]) })
        expectMerkle(.indexOutOfRange) { _ = try tree.inclusionProof(leafIndex: 5, treeSize: 5) }
        expectMerkle(.sizeOutOfRange) { _ = try tree.inclusionProof(leafIndex: 0, treeSize: 6) }
        expectMerkle(.sizeOutOfRange) { _ = try tree.consistencyProof(from: 0, to: 3) }
        expectMerkle(.sizeOutOfRange) { _ = try tree.consistencyProof(from: 4, to: 3) }
        expectMerkle(.sizeOutOfRange) { _ = try tree.root(at: 6) }
        expectMerkle(.indexOutOfRange) { _ = try tree.leafHash(at: .max) }
        expectMerkle(.indexOutOfRange) {
            try Merkle.verifyInclusion(leafIndex: .max, treeSize: 5, leafHash: .zero, proof: [], root: tree.root)
        }
        expectMerkle(.badHashLength) {
            try Merkle.verifyInclusion(leafIndex: 0, treeSize: 5, leafHash: [1, 2], proof: [], root: tree.root.bytes)
        }
    }

    func expectCode(
        _ code: CryptoError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
        } catch {
            #expect((error as? CryptoError)?.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    func expectMerkle(
        _ code: MerkleProofError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
        } catch {
            #expect((error as? MerkleProofError)?.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }
}
