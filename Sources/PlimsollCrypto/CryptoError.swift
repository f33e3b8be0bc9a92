/// Why bytes from outside were refused by the crypto layer.
///
/// Operating errors, never traps: malformed hex, keys, signatures and proof indices come from
/// untrusted input (CLI arguments, HTTP bodies, exported logs) and must get a clear answer.
public struct CryptoError: CodedError, Equatable {
    /// Stable machine-readable reason; part of the public API, never renamed.
    public enum Code: String, Sendable, Equatable {
        case badHex = "BAD_HEX"
        case badLength = "BAD_LENGTH"
        case badPublicKey = "BAD_PUBLIC_KEY"
        case badSecretKey = "BAD_SECRET_KEY"
        case badProofIndex = "BAD_PROOF_INDEX"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
