import Foundation
import PlimsollCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Secret key files: 64 lowercase hex digits and a newline, or the key sealed under a passphrase
/// (`SealedSecret`: scrypt and AES-GCM); created 0600 and never overwritten.
enum KeyFile {
    /// The environment variable that holds the passphrase of sealed key files (so `serve` can
    /// start unattended from a protected environment file, and no passphrase sits in argv).
    static let passphraseVariable = "PLIMSOLL_KEY_PASSPHRASE"

    static func passphrase(for url: URL) throws(CLIError) -> String {
        guard let value = ProcessInfo.processInfo.environment[passphraseVariable], !value.isEmpty else {
            throw CLIError("key file \(url.path) is sealed under a passphrase: set \(passphraseVariable)")
        }
        return value
    }

    /// Writes `key` to a new file; sealed under the passphrase in `PLIMSOLL_KEY_PASSPHRASE` when
    /// `sealed`.
    static func write(_ key: SigningKey, to url: URL, sealed: Bool = false) throws(CLIError) {
        var text = Hex.encode(key.secretBytes) + "\n"
        if sealed {
            let passphrase = try passphrase(for: url)
            do { text = try SealedSecret.seal(key.secretBytes, passphrase: passphrase) + "\n" } catch {
                throw CLIError("cannot seal key file \(url.path): \(error)")
            }
        }
        try createPrivate(Array(text.utf8), at: url)
    }

    /// A new 0600 file holding `bytes`, synced; never overwrites.
    private static func createPrivate(_ bytes: [UInt8], at url: URL) throws(CLIError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CLIError("cannot create key file \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw CLIError("cannot write key file \(url.path)") }
    }

    /// Reads a secret key, refusing, as ssh does, a file that others may read or write; a sealed
    /// file is opened with the passphrase in `PLIMSOLL_KEY_PASSPHRASE`.
    static func read(_ url: URL) throws(CLIError) -> SigningKey {
        var info = stat()
        guard stat(url.path, &info) == 0 else { throw CLIError("cannot read key file \(url.path)") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw CLIError(
                "key file \(url.path) is accessible by others (mode \(String(mode, radix: 8))); a secret key must be private: chmod 600 \(url.path)"
            )
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CLIError("cannot read key file \(url.path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if SealedSecret.isSealed(text) {
            let passphrase = try passphrase(for: url)
            let secret: [UInt8]
            do { secret = try SealedSecret.open(text, passphrase: passphrase) } catch {
                throw CLIError("cannot open key file \(url.path): \(error)", code: "BAD_PASSPHRASE")
            }
            do { return try SigningKey(secret: secret) } catch {
                throw CLIError("key file \(url.path) does not hold a secret key (\(error.code.rawValue))")
            }
        }
        do { return try SigningKey(hex: text) } catch {
            throw CLIError("key file \(url.path) does not hold a secret key (\(error.code.rawValue))")
        }
    }

    /// Copies a key file as it is (plain or sealed) to a new 0600 file: never overwrites.
    static func copy(_ source: URL, to target: URL) throws(CLIError) {
        _ = try read(source)  // Refuses a file others can read, or one that holds no key.
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw CLIError("cannot read key file \(source.path)")
        }
        try createPrivate(Array(data), at: target)
    }

    /// Seals a plain key file in place: the sealed copy is written beside it (0600) and renamed
    /// over it, so the file is whole at every moment.
    static func seal(_ url: URL) throws(CLIError) {
        let key = try read(url)
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        guard !SealedSecret.isSealed(text) else { throw CLIError("key file \(url.path) is already sealed") }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).sealing")
        try? FileManager.default.removeItem(at: temporary)
        try write(key, to: temporary, sealed: true)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError("cannot replace key file \(url.path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A CLI failure: printed as one line on stderr with a non-zero exit (STYLE.md: Errors).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    /// The stable reason code, when the error carries one (a refusal's code, BAD_IMO, ...).
    let code: String?
    init(_ description: String, code: String? = nil) {
        self.description = description
        self.code = code
    }

    /// The code of "another process holds the registry's writer lock".
    static let lockedCode = "LOCKED"
    var isLocked: Bool { code == Self.lockedCode }
}
