internal import CLibCrypto

/// A running SHA-256 whose whole state is a value (the system libcrypto's `SHA256_CTX`, 112 bytes).
///
/// Copying it forks the hash, which is what a tagged hash or a Merkle node wants: absorb the common
/// prefix once, then copy per message. swift-crypto's `SHA256` keeps its state in a class, so each
/// such copy allocated and freed one; at two to three dozen hashes per settled transfer that was a
/// measurable share of apply and of `plimsoll verify` (Docs/benchmarks.md).
///
/// A state held here is not wiped when it goes out of scope, so it takes public data only
/// (canonical entries, headers, hashes). A one-shot hash of one buffer (`oneShot`, behind
/// `Hashing.sha256`, which hashes API tokens) keeps its state on the C side of the call and wipes it.
struct SHA256State: Sendable {
    private var context = SHA256_CTX()

    init() {
        plimsoll_sha256_init(&context)
    }

    /// SHA-256 of one buffer in one call.
    static func oneShot(_ buffer: UnsafeRawBufferPointer) -> Hash32 {
        digest { plimsoll_sha256_oneshot(buffer.baseAddress, buffer.count, $0) }
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        plimsoll_sha256_update(&context, buffer.baseAddress, buffer.count)
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ hash: Hash32) {
        hash.withBytes { update($0) }
    }

    /// Absorbs a sequence without copying it when it is contiguous already (an array, a slice).
    mutating func absorb(_ data: some Sequence<UInt8>) {
        let done: Void? = data.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil { update(Array(data)) }
    }

    /// The digest of what was absorbed; the state itself can go on absorbing.
    func finalize() -> Hash32 {
        withUnsafePointer(to: context) { context in Self.digest { plimsoll_sha256_final(context, $0) } }
    }

    /// The digest of what was absorbed followed by `a` and `b`, in one call: a tagged hash or a
    /// Merkle node without a copy of the state on the Swift side.
    func finalize(_ a: Hash32, _ b: Hash32) -> Hash32 {
        withUnsafePointer(to: context) { context in
            a.withBytes { a in
                b.withBytes { b in Self.digest { plimsoll_sha256_two(context, a.baseAddress, b.baseAddress, $0) } }
            }
        }
    }

    /// Runs `write` on a 32-byte buffer and reads it as a hash.
    private static func digest(_ write: (UnsafeMutableRawPointer) -> Void) -> Hash32 {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &words) { out in
            write(out.baseAddress!)
            return Hash32(buffer: UnsafeRawBufferPointer(out))
        }
    }
}
