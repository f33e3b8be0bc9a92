public import PlimsollCrypto

/// An input refused by the core before it could become part of state (malformed, not rejected).
public struct CoreError: CodedError, Equatable {
    /// Stable reason codes; part of the public API, never renamed or reused.
    public enum Code: String, Sendable, Equatable {
        case badIMO = "BAD_IMO"
        case malformed = "MALFORMED"
        case badName = "BAD_NAME"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
