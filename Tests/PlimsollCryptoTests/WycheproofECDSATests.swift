import PlimsollCrypto
import Testing

/// Every Wycheproof secp256k1 ECDSA (SHA-256) case.
///
/// Treatment: `valid` must verify and `invalid` must be refused (a parse failure counts as
/// refused). `acceptable` would pass either way; these three files hold none, and the test
/// asserts that. Plimsoll enforces low-S: in the two generic files, 72 `valid` cases each are
/// high-S; the test asserts that plain verification refuses them and that they verify once
/// explicitly normalized. The `bitcoin` file already encodes the low-S rule.
struct WycheproofECDSATests {
    struct File: Decodable {
        let numberOfTests: Int
        let testGroups: [Group]
    }

    struct Group: Decodable {
        let publicKey: PublicKey
        let tests: [Case]
    }

    struct PublicKey: Decodable {
        let uncompressed: String
    }

    struct Case: Decodable {
        let tcId: Int
        let comment: String
        let msg: String
        let sig: String
        let result: String
    }

    struct Tally {
        var total = 0, valid = 0, invalid = 0, acceptable = 0, highS = 0
    }

    enum Encoding { case der, p1363 }

    static func run(_ path: String, _ encoding: Encoding, enforceRawLowS: Bool) throws -> Tally {
        let file = try VectorFiles.json(File.self, path)
        var tally = Tally()
        for group in file.testGroups {
            let key = try ECDSAPublicKey(sec1: try Hex.decode(group.publicKey.uncompressed))
            for test in group.tests {
                tally.total += 1
                let digest = Hashing.sha256(try Hex.decode(test.msg))
                let raw = try Hex.decode(test.sig)
                let signature: ECDSASignature? =
                    switch encoding {
                    case .der: try? ECDSASignature(der: raw)
                    case .p1363: try? ECDSASignature(compact: raw)
                    }
                let plain = signature.map { key.verify($0, digest: digest) } ?? false
                let normalized = signature.map { key.verify($0.normalized(), digest: digest) } ?? false
                switch test.result {
                case "valid":
                    tally.valid += 1
                    if enforceRawLowS {
                        #expect(plain, "\(path) tcId \(test.tcId): \(test.comment)")
                    } else if let signature, !signature.isLowS {
                        tally.highS += 1
                        #expect(!plain, "\(path) tcId \(test.tcId): high-S must be refused as sent")
                        #expect(normalized, "\(path) tcId \(test.tcId): high-S verifies once normalized")
                    } else {
                        #expect(plain, "\(path) tcId \(test.tcId): \(test.comment)")
                    }
                case "invalid":
                    tally.invalid += 1
                    #expect(!plain, "\(path) tcId \(test.tcId): \(test.comment)")
                    if !enforceRawLowS { #expect(!normalized, "\(path) tcId \(test.tcId): \(test.comment)") }
                default:
                    tally.acceptable += 1
                }
            }
        }
        #expect(tally.total == file.numberOfTests, "\(path): every case ran")
        return tally
    }

    @Test func bitcoinFileLowSEnforced() throws {
        let tally = try Self.run("wycheproof/ecdsa_secp256k1_sha256_bitcoin_test.json", .der, enforceRawLowS: true)
        #expect((tally.total, tally.valid, tally.invalid, tally.acceptable) == (463, 162, 301, 0))
    }

    @Test func derFileHighSOnlyAfterNormalize() throws {
        let tally = try Self.run("wycheproof/ecdsa_secp256k1_sha256_test.json", .der, enforceRawLowS: false)
        #expect((tally.total, tally.valid, tally.invalid, tally.acceptable) == (476, 168, 308, 0))
        #expect(tally.highS == 72)
    }

    @Test func p1363FileHighSOnlyAfterNormalize() throws {
        let tally = try Self.run("wycheproof/ecdsa_secp256k1_sha256_p1363_test.json", .p1363, enforceRawLowS: false)
        #expect((tally.total, tally.valid, tally.invalid, tally.acceptable) == (252, 167, 85, 0))
        #expect(tally.highS == 72)
    }
}
