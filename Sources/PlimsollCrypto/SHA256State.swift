internal import CLibCrypto

/// A running SHA-256 whose whole state is a value (the system libcrypto's `SHA256_CTX`, 112 bytes).
///
/// Copying it forks the hash, which is what a tagged hash or a Merkle node wants: absorb the common
/// prefix once, then copy per message. swift-crypto's `SHA256` keeps its state in a class, so each
/// such copy allocated and freed one; at two to three dozen hashes per settled transfer that was a
/// measurable share of apply and of `plimsoll verify` (Docs/benchmarks.md). A state held here is
/// not wiped when it goes out of scope: a one-shot hash (`oneShot`) keeps its state inside
/// libcrypto, which wipes it, and is what `Hashing.sha256` of a buffer uses.
struct SHA256State: @unchecked Sendable {
    // @unchecked: `SHA256_CTX` is a C struct of integers, copied by value; no pointer inside.
    private var context = SHA256_CTX()

    init() {
        plimsoll_sha256_init(&context)
    }

    /// SHA-256 of one buffer in one call.
    static func oneShot(_ buffer: UnsafeRawBufferPointer) -> Hash32 {
        var digest: Hash32.Words = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { out in
            let bytes = buffer.baseAddress ?? UnsafeRawPointer(out.baseAddress!)
            plimsoll_sha256_oneshot(bytes, buffer.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return Hash32(digestWords: digest)
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        plimsoll_sha256_update(&context, base, buffer.count)
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    mutating func update(_ hash: Hash32) {
        hash.withBytes { update($0) }
    }

    /// The digest of what was absorbed; the state itself can go on absorbing.
    func finalize() -> Hash32 {
        var digest: Hash32.Words = (0, 0, 0, 0)
        withUnsafePointer(to: context) { context in
            withUnsafeMutableBytes(of: &digest) { out in
                plimsoll_sha256_final(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return Hash32(digestWords: digest)
    }

    /// The digest of what was absorbed followed by `a` and `b`, in one call: a tagged hash or a
    /// Merkle node without a copy of the state on the Swift side.
    func finalize(_ a: Hash32, _ b: Hash32) -> Hash32 {
        var digest: Hash32.Words = (0, 0, 0, 0)
        var left = a.bigEndianWords
        var right = b.bigEndianWords
        withUnsafePointer(to: context) { context in
            withUnsafeMutableBytes(of: &digest) { out in
                plimsoll_sha256_two(
                    context, &left, &right, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return Hash32(digestWords: digest)
    }
}

extension Hash32 {
    /// 32 bytes in four words, as a digest lands in memory.
    typealias Words = (UInt64, UInt64, UInt64, UInt64)

    var bigEndianWords: Words { (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian) }

    /// Reads a digest written byte by byte into four words.
    init(digestWords words: Words) {
        self.init(
            w0: UInt64(bigEndian: words.0), w1: UInt64(bigEndian: words.1), w2: UInt64(bigEndian: words.2),
            w3: UInt64(bigEndian: words.3))
    }
}
