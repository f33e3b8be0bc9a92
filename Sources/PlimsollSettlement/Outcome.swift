public import PlimsollCore
public import PlimsollCrypto

/// Where a settled entry sits: DESIGN.md's receipt `{"id","status","height","leaf_index","log_size"}`.
public struct Receipt: Hashable, Sendable, Codable {
    public let id: Hash32
    public let height: Height
    public let leafIndex: UInt64
    public let logSize: UInt64

    public init(id: Hash32, height: Height, leafIndex: UInt64, logSize: UInt64) {
        self.id = id
        self.height = height
        self.leafIndex = leafIndex
        self.logSize = logSize
    }
}

/// What became of one submitted entry.
public enum Outcome: Equatable, Sendable {
    case settled(Receipt)
    case rejected(id: Hash32, Rejection)
    /// The block could not be made durable; nothing of it was kept, the entry may be resubmitted.
    /// Final once the probe write that follows a failed commit succeeds; when that fails too (or
    /// the store cannot settle it with a probe), `open`: the block may still be found after a
    /// crash, and the message ends with `openOutcome`. Resubmitting is safe either way: an entry
    /// settles once.
    case failed(id: Hash32, message: String, open: Bool = false)

    /// How the message of a failed entry whose block may yet be found after a crash ends.
    public static let openOutcome = "whether the block landed is open until a write succeeds"

    /// A failed entry whose block's fate is not known yet.
    public var isOpen: Bool {
        if case .failed(_, _, let open) = self { open } else { false }
    }

    public var id: Hash32 {
        switch self {
        case .settled(let receipt): receipt.id
        case .rejected(let id, _), .failed(let id, _, _): id
        }
    }
}

extension Outcome {
    /// The refusals among a re-screen's outcomes, one line each ("CODE: message"): a freeze that
    /// another command made meanwhile (`ALREADY_FROZEN`) is no refusal.
    public static func rescreenRefusals(_ outcomes: [Outcome]) -> [String] {
        outcomes.compactMap { outcome in
            guard case .rejected(_, let rejection) = outcome, rejection.code != .alreadyFrozen else { return nil }
            return "\(rejection.code.rawValue): \(rejection.message)"
        }
    }
}

/// A full intake queue: the caller should retry later (HTTP 503 with Retry-After).
public struct IntakeFull: Error, Sendable, CustomStringConvertible {
    public let retryAfterSeconds: Int
    /// Why nothing could be taken now, when it is not a full queue (a node whose database does
    /// not answer: nothing was handed over).
    public let reason: String?

    public init(retryAfterSeconds: Int, reason: String? = nil) {
        self.retryAfterSeconds = retryAfterSeconds
        self.reason = reason
    }

    public var description: String { "\(reason ?? "intake queue is full"); retry after \(retryAfterSeconds) s" }
}
