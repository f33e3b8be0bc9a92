import PlimsollCrypto
import Testing

/// BIP-340 `test-vectors.csv`: all 19 rows, sign where a secret key is given, verify every row.
struct BIP340VectorTests {
    struct Row {
        let index: Int
        let secretKey: String
        let publicKey: String
        let auxRand: String
        let message: String
        let signature: String
        let expected: Bool
        let comment: String
    }

    static func rows() throws -> [Row] {
        let text = String(decoding: try VectorFiles.data("bip340/test-vectors.csv"), as: UTF8.self)
        // CRLF: "\r\n" is one Character, so split on any newline (vectors README).
        let lines = text.split(whereSeparator: \.isNewline).dropFirst()
        return lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Row(
                index: Int(fields[0])!, secretKey: fields[1], publicKey: fields[2], auxRand: fields[3],
                message: fields[4], signature: fields[5], expected: fields[6] == "TRUE",
                comment: fields.count > 7 ? fields[7...].joined(separator: ",") : ""
            )
        }
    }

    @Test func allRowsVerifyAsExpected() throws {
        let rows = try Self.rows()
        #expect(rows.count == 19)
        var verified = 0
        for row in rows {
            let message = try Hex.decode(row.message)
            let signature = try Hex.decode(row.signature)
            // Rows 5 and 14 hold keys that are not on the curve: verification is FALSE, not an error.
            let result: Bool
            if let key = try? XOnlyPublicKey(hex: row.publicKey) {
                result = key.verify(signature: signature, message: message)
            } else {
                result = false
            }
            #expect(result == row.expected, "row \(row.index): \(row.comment)")
            verified += 1
        }
        #expect(verified == 19)
        #expect(rows.filter(\.expected).count == 9)
    }

    @Test func rowsWithSecretKeysSignByteForByte() throws {
        let signing = try Self.rows().filter { !$0.secretKey.isEmpty }
        #expect(signing.count == 8)
        for row in signing {
            let key = try SigningKey(hex: row.secretKey)
            #expect(key.publicKey.hex == row.publicKey.lowercased(), "row \(row.index)")
            let message = try Hex.decode(row.message)
            let aux = try Hex.decode(row.auxRand, count: 32)
            let signature = key.sign(message: message, auxRand: aux)
            #expect(signature.hex == row.signature.lowercased(), "row \(row.index): \(row.comment)")
            if message.count == 32 {
                let viaHash = key.sign(hash: try Hash32(bytes: message), auxRand: try Hash32(bytes: aux))
                #expect(viaHash == signature, "row \(row.index): sign32 and sign_custom agree")
            }
        }
    }
}
