/// An error with a stable reason code for machines and a message for people (STYLE.md: Errors):
/// the one shape every layer's error takes, so callers, logs and the HTTP problem documents read
/// them alike. A code is part of the public API: never renamed, never reused.
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    associatedtype Code: RawRepresentable & Sendable where Code.RawValue == String
    var code: Code { get }
    var message: String { get }
}

extension CodedError {
    /// `CODE: message`, as every command line, log line and test prints it.
    public var description: String { "\(code.rawValue): \(message)" }
}
