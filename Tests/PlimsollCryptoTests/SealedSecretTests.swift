import PlimsollCrypto
import Testing

/// Secret keys sealed under a passphrase (issue 16, item 3): they open only with the right
/// passphrase, and no byte of the line (parameters, salt, nonce, sealed bytes) can change unnoticed.
struct SealedSecretTests {
    static let secret: [UInt8] = Array(1...32)

    @Test func opensWithTheRightPassphraseOnly() throws {
        let sealed = try SealedSecret.seal(Self.secret, passphrase: "correct horse battery")
        #expect(SealedSecret.isSealed(sealed))
        #expect(!sealed.contains(Hex.encode(Self.secret)))
        #expect(try SealedSecret.open(sealed, passphrase: "correct horse battery") == Self.secret)
        #expect(throws: SealedSecret.Failure.wrongPassphraseOrDamaged) {
            try SealedSecret.open(sealed, passphrase: "correct horse batterz")
        }
        // A fresh salt and nonce every time: two seals of one secret differ.
        #expect(try SealedSecret.seal(Self.secret, passphrase: "correct horse battery") != sealed)
    }

    @Test func everyFieldIsBoundIntoTheSeal() throws {
        let sealed = try SealedSecret.seal(Self.secret, passphrase: "correct horse battery")
        var fields = sealed.split(separator: ":").map(String.init)
        // prefix "plimsoll-key-v1", "scrypt", logN, r, p, salt, nonce, sealed
        #expect(fields.count == 8)
        for index in [5, 6, 7] {
            var changed = fields
            let field = Array(changed[index])
            changed[index] = String(field.dropLast()) + (field.last == "0" ? "1" : "0")
            #expect(throws: SealedSecret.Failure.wrongPassphraseOrDamaged) {
                try SealedSecret.open(changed.joined(separator: ":"), passphrase: "correct horse battery")
            }
        }
        fields[2] = "14"
        #expect(throws: SealedSecret.Failure.wrongPassphraseOrDamaged) {
            try SealedSecret.open(fields.joined(separator: ":"), passphrase: "correct horse battery")
        }
        fields[2] = "40"
        #expect(throws: SealedSecret.Failure.badParameters) {
            try SealedSecret.open(fields.joined(separator: ":"), passphrase: "correct horse battery")
        }
    }

    @Test func shortPassphrasesAndPlainTextAreRefused() {
        #expect(throws: SealedSecret.Failure.shortPassphrase) {
            try SealedSecret.seal(Self.secret, passphrase: "short")
        }
        #expect(throws: SealedSecret.Failure.notSealed) {
            try SealedSecret.open(Hex.encode(Self.secret), passphrase: "correct horse battery")
        }
    }
}
