import Synchronization

/// Parsed x-only keys by their bytes, for readers that meet the same holders again and again.
///
/// `secp256k1_xonly_pubkey_parse` computes a square root on the curve (a few microseconds), and a
/// transfer names two keys, so parsing them cost about a quarter of what verifying the transfer's
/// signature costs. A log replay, a mirror or a server sees a small set of keys over and over;
/// with this cache each key is parsed once. Bounded: when full it starts again empty, so keys
/// that never repeat (or an attacker's) cost at most what they cost without it. Shared between
/// threads behind a lock held only for the lookup and the insert, never for the parse.
public final class XOnlyKeyCache: Sendable {
    /// One cache for a process's readers of requests and logs (at most 65,536 keys, about 9 MiB).
    public static let shared = XOnlyKeyCache()

    public let capacity: Int
    private let keys = Mutex<[Hash32: XOnlyPublicKey]>([:])

    public init(capacity: Int = 1 << 16) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { keys.withLock { $0.count } }

    /// The key of these 32 bytes, parsed at most once while it stays in the cache.
    /// - Throws: what `XOnlyPublicKey(bytes:)` throws; a refused key is not remembered.
    public func key(_ bytes: [UInt8]) throws(CryptoError) -> XOnlyPublicKey {
        // A wrong length is refused where keys are parsed, with its message.
        guard bytes.count == 32 else { return try XOnlyPublicKey(bytes: bytes) }
        let hash = Hash32(exactly: bytes)
        if let known = keys.withLock({ $0[hash] }) { return known }
        let key = try XOnlyPublicKey(bytes: bytes)
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll(keepingCapacity: true) }
            keys[hash] = key
        }
        return key
    }

    /// The key of 64 hex digits of either case.
    /// - Throws: `CryptoError` for bad hex or a bad key.
    public func key(hex: some StringProtocol) throws(CryptoError) -> XOnlyPublicKey {
        try key(try Hex.decode(hex, count: 32))
    }
}
