/// SHA-256 and BIP-340 tagged hashes, through the system libcrypto (`SHA256State`).
public enum Hashing {
    /// SHA-256 of `data`.
    public static func sha256(_ data: some Sequence<UInt8>) -> Hash32 {
        if let hash = data.withContiguousStorageIfAvailable({ SHA256State.oneShot(UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(data).withUnsafeBytes { SHA256State.oneShot($0) }
    }

    /// The tagged hash of two hashes, `TaggedHash(tag, a || b)`, without a heap array: what every
    /// inner node of a Merkle structure costs.
    public static func tagged(_ tag: TaggedHashTag, _ a: Hash32, _ b: Hash32) -> Hash32 {
        tag.prefixed.finalize(a, b)
    }

    /// BIP-340 tagged hash: `SHA256(SHA256(tag) || SHA256(tag) || data)`.
    public static func tagged(_ tag: TaggedHashTag, _ data: some Sequence<UInt8>) -> Hash32 {
        var state = tag.prefixed
        state.absorb(data)
        return state.finalize()
    }
}

/// A BIP-340 tag whose `SHA256(tag) || SHA256(tag)` prefix is hashed once and reused.
///
/// Every canonical message of the registry is a tagged hash, so the prefix state is kept as a
/// value; each hash copies it (112 bytes, no allocation) and goes on from there.
public struct TaggedHashTag: Sendable {
    public let name: String
    let prefixed: SHA256State

    public init(_ name: String) {
        self.name = name
        let tagHash = Hashing.sha256(Array(name.utf8))
        var state = SHA256State()
        state.update(tagHash)
        state.update(tagHash)
        prefixed = state
    }
}

/// An incremental tagged hash, for digests over more bytes than are worth gathering in one array.
/// Public data only: its state is not wiped (`SHA256State`).
public struct TaggedHasher {
    private var state: SHA256State

    public init(_ tag: TaggedHashTag) { state = tag.prefixed }

    public mutating func update(_ bytes: [UInt8]) {
        state.update(bytes)
    }

    public func finalize() -> Hash32 { state.finalize() }
}

/// An incremental plain SHA-256, for streams (the exported log's trailer checksum). Public data
/// only: its state is not wiped (`SHA256State`).
public struct SHA256Hasher {
    private var state = SHA256State()

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        state.absorb(bytes)
    }

    public func finalize() -> Hash32 { state.finalize() }
}
