import Crypto
import CryptoExtras
import Foundation

/// A secret key at rest under a passphrase: scrypt (RFC 7914, swift-crypto's `KDF.Scrypt`) turns
/// the passphrase and a random salt into an AES-256-GCM key that seals the 32 secret bytes.
///
/// One line of text: `plimsoll-key-v1:scrypt:<log2 N>:<r>:<p>:<salt>:<nonce>:<sealed>` (hex),
/// the header bound into the seal as associated data, so no parameter can be changed unnoticed.
public enum SealedSecret {
    public static let prefix = "plimsoll-key-v1:"

    /// scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s here), as RFC 7914 suggests for
    /// interactive use.
    public static let logN = 15
    public static let blockSize = 8
    public static let parallelism = 1
    /// Passphrases this short are refused.
    public static let passphraseMin = 8

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case shortPassphrase, wrongPassphraseOrDamaged, notSealed, badParameters

        public var description: String {
            switch self {
            case .shortPassphrase: "a passphrase has at least \(SealedSecret.passphraseMin) characters"
            case .wrongPassphraseOrDamaged: "wrong passphrase, or the key file is damaged"
            case .notSealed: "not a sealed key (\(SealedSecret.prefix)…)"
            case .badParameters: "unsupported scrypt parameters in the sealed key"
            }
        }
    }

    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }

    /// Seals `secret` under `passphrase` with a fresh random salt and nonce.
    public static func seal(_ secret: [UInt8], passphrase: String) throws -> String {
        guard passphrase.count >= passphraseMin else { throw Failure.shortPassphrase }
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let header = "\(prefix)scrypt:\(logN):\(blockSize):\(parallelism):\(Hex.encode(salt))"
        let key = try derive(passphrase, salt: salt, logN: logN, r: blockSize, p: parallelism)
        let box = try AES.GCM.seal(secret, using: key, authenticating: Array(header.utf8))
        return "\(header):\(Hex.encode(Array(box.nonce))):\(Hex.encode(Array(box.ciphertext + box.tag)))"
    }

    /// The secret sealed in `text`.
    public static func open(_ text: String, passphrase: String) throws -> [UInt8] {
        guard isSealed(text) else { throw Failure.notSealed }
        let parts = text.dropFirst(prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 7, parts[0] == "scrypt", let logN = Int(parts[1]), let r = Int(parts[2]),
            let p = Int(parts[3]), (10...20).contains(logN), (1...16).contains(r), (1...4).contains(p),
            let salt = try? Hex.decode(parts[4]), salt.count == 16, let nonceBytes = try? Hex.decode(parts[5]),
            let sealed = try? Hex.decode(parts[6]), sealed.count > 16
        else { throw Failure.badParameters }
        let header = "\(prefix)\(parts[0...4].joined(separator: ":"))"
        let key = try derive(passphrase, salt: salt, logN: logN, r: r, p: p)
        do {
            let box = try AES.GCM.SealedBox(
                nonce: try AES.GCM.Nonce(data: nonceBytes), ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
            return Array(try AES.GCM.open(box, using: key, authenticating: Array(header.utf8)))
        } catch {
            throw Failure.wrongPassphraseOrDamaged
        }
    }

    static func derive(_ passphrase: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(
            from: Array(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: r,
            parallelism: p, maxMemory: 1 << 30)
    }
}
