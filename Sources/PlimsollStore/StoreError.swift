/// Why the store refused to open or to write.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case exists = "STORE_EXISTS"
        case missing = "STORE_MISSING"
        case corrupt = "STORE_CORRUPT"
        case io = "STORE_IO"
        /// A number from outside is above what SQLite stores (`Limits.storedIntegerMax`).
        case outOfRange = "STORE_RANGE"
        /// Another process holds the registry's one-writer lock.
        case locked = "STORE_LOCKED"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
