public import Crypto

/// SHA-256 and BIP-340 tagged hashes, through swift-crypto.
public enum Hashing {
    /// SHA-256 of `data`.
    public static func sha256(_ data: some Sequence<UInt8>) -> Hash32 {
        var hasher = SHA256()
        Array(data).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hash32(digest: hasher.finalize())
    }

    /// The tagged hash of two hashes, `TaggedHash(tag, a || b)`, without a heap array: what every
    /// inner node of a Merkle structure costs.
    public static func tagged(_ tag: TaggedHashTag, _ a: Hash32, _ b: Hash32) -> Hash32 {
        var hasher = tag.prefixedHasher
        a.withBytes { hasher.update(bufferPointer: $0) }
        b.withBytes { hasher.update(bufferPointer: $0) }
        return Hash32(digest: hasher.finalize())
    }

    /// BIP-340 tagged hash: `SHA256(SHA256(tag) || SHA256(tag) || data)`.
    public static func tagged(_ tag: TaggedHashTag, _ data: some Sequence<UInt8>) -> Hash32 {
        var hasher = tag.prefixedHasher
        Array(data).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hash32(digest: hasher.finalize())
    }
}

/// A BIP-340 tag whose `SHA256(tag) || SHA256(tag)` prefix is hashed once and reused.
///
/// Every canonical message of the registry is a tagged hash, so the prefix state is kept as a
/// value (swift-crypto's `SHA256` is a value type: copying it copies the running state).
public struct TaggedHashTag: Sendable {
    public let name: String
    let prefixedHasher: SHA256

    public init(_ name: String) {
        self.name = name
        let tagHash = SHA256.hash(data: Array(name.utf8))
        var hasher = SHA256()
        hasher.update(data: Array(tagHash))
        hasher.update(data: Array(tagHash))
        prefixedHasher = hasher
    }
}

extension Hash32 {
    init(digest: SHA256Digest) {
        self = digest.withUnsafeBytes { Hash32(buffer: $0) }
    }
}

/// An incremental tagged hash, for digests over more bytes than are worth gathering in one array.
public struct TaggedHasher {
    private var hasher: SHA256

    public init(_ tag: TaggedHashTag) { hasher = tag.prefixedHasher }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    public func finalize() -> Hash32 { Hash32(digest: hasher.finalize()) }
}

/// An incremental plain SHA-256, for streams (the exported log's trailer checksum).
public struct SHA256Hasher {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        if let done = bytes.withContiguousStorageIfAvailable({ buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }) {
            return done
        }
        Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    public func finalize() -> Hash32 { Hash32(digest: hasher.finalize()) }
}
