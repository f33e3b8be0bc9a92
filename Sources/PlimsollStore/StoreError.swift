public import PlimsollCrypto

/// Why the store refused to open or to write.
public struct StoreError: CodedError, Equatable {
    public enum Code: String, Sendable, Equatable {
        case exists = "STORE_EXISTS"
        case missing = "STORE_MISSING"
        case corrupt = "STORE_CORRUPT"
        case io = "STORE_IO"
        /// A number from outside is above what SQLite stores (`Limits.storedIntegerMax`).
        case outOfRange = "STORE_RANGE"
        /// Another process holds the registry's one-writer lock (on PostgreSQL: another node is
        /// the registry's sequencer).
        case locked = "STORE_LOCKED"
        /// A node that does not (or no longer) hold the sequencer lease tried to write a block.
        case fenced = "STORE_FENCED"
        /// The registrar key file given is not this registry's registrar key (the store is fine).
        case keyMismatch = "REGISTRAR_KEY_MISMATCH"
    }

    public let code: Code
    public let message: String
    /// The table a damage was found in, when one is named (`plimsoll check` groups by it).
    public let table: String?

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
        table = nil
    }

    /// A damage found in one table; the message starts with `table NAME: `.
    public init(_ code: Code, table: String, _ message: String) {
        self.code = code
        self.message = "table \(table): \(message)"
        self.table = table
    }

}
