import Foundation
import PlimsollCrypto

#if canImport(Glibc)
import Glibc
#endif

/// Secret key files: 64 lowercase hex digits and a newline, created 0600 and never overwritten.
enum KeyFile {
    static func write(_ key: SigningKey, to url: URL) throws(CLIError) {
        let text = Hex.encode(key.secretBytes) + "\n"
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CLIError("cannot create key file \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw CLIError("cannot write key file \(url.path)") }
    }

    /// Reads a secret key, refusing, as ssh does, a file that others may read or write.
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
        do { return try SigningKey(hex: text) } catch {
            throw CLIError("key file \(url.path) does not hold a secret key (\(error.code.rawValue))")
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
}
