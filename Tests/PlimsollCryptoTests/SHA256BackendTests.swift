import Crypto
import PlimsollCrypto
import PlimsollTesting
import Testing

/// The SHA-256 behind every hash of the registry (the system libcrypto, `SHA256State`) against the
/// FIPS 180-2 examples and, on seeded random messages, against swift-crypto's independent one.
///
/// A forked state must never leak into its parent: a tagged hash starts from a copy of the tag's
/// prefix state, and a second hash from the same tag must give what it gives alone.
struct SHA256BackendTests {
    /// swift-crypto's SHA-256, the oracle.
    static func oracle(_ bytes: [UInt8]) -> Hash32 {
        try! Hash32(bytes: Array(SHA256.hash(data: bytes)))
    }

    static func oracleTagged(_ tag: String, _ bytes: [UInt8]) -> Hash32 {
        let tagHash = Array(SHA256.hash(data: Array(tag.utf8)))
        return oracle(tagHash + tagHash + bytes)
    }

    @Test func fipsExamples() throws {
        let cases: [(String, String)] = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ]
        for (message, digest) in cases {
            #expect(Hashing.sha256(Array(message.utf8)).hex == digest, "\(message)")
        }
        // One million "a", fed in uneven pieces through the streaming hasher.
        var hasher = SHA256Hasher()
        let piece = [UInt8](repeating: 0x61, count: 997)
        var left = 1_000_000
        while left > 0 {
            let count = min(left, piece.count)
            hasher.update(piece[..<count])
            left -= count
        }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: SplitMix64.seeds([3, 0x5EED]))
    func agreesWithSwiftCryptoOnRandomMessages(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let tag = TaggedHashTag("plimsoll/test/sha256-backend")
        for trial in 0..<600 {
            let message = rng.bytes(Int(rng.next() % 300))
            let lazy = message.lazy.map { $0 }  // not contiguous: takes the copying path
            let at = "seed \(seed), trial \(trial), \(message.count) bytes"
            #expect(Hashing.sha256(message) == Self.oracle(message), "\(at)")
            #expect(Hashing.sha256(lazy) == Self.oracle(message), "\(at)")
            #expect(Hashing.sha256(message[...]) == Self.oracle(message), "\(at)")
            #expect(Hashing.tagged(tag, message) == Self.oracleTagged(tag.name, message), "\(at)")
            #expect(Hashing.tagged(tag, lazy) == Self.oracleTagged(tag.name, message), "\(at)")
            #expect(Merkle.leafHash(message) == Self.oracle([0x00] + message), "\(at)")
            #expect(Merkle.leafHash(lazy) == Self.oracle([0x00] + message), "\(at)")

            let split = message.isEmpty ? 0 : Int(rng.next() % UInt64(message.count + 1))
            var streamed = SHA256Hasher()
            streamed.update(message[..<split])
            let partial = streamed.finalize()
            streamed.update(lazy.dropFirst(split))
            #expect(partial == Self.oracle(Array(message[..<split])), "\(at): finalize leaves the state as it was")
            #expect(streamed.finalize() == Self.oracle(message), "\(at), split at \(split)")

            var tagged = TaggedHasher(tag)
            tagged.update(Array(message[..<split]))
            tagged.update(Array(message[split...]))
            #expect(tagged.finalize() == Self.oracleTagged(tag.name, message), "\(at), split at \(split)")

            let a = Hashing.sha256(rng.bytes(8))
            let b = Hashing.sha256(rng.bytes(8))
            #expect(Hashing.tagged(tag, a, b) == Self.oracleTagged(tag.name, a.bytes + b.bytes), "\(at)")
            #expect(Merkle.nodeHash(a, b) == Self.oracle([0x01] + a.bytes + b.bytes), "\(at)")
        }
    }

    @Test func aForkedStateLeavesItsPrefixAsItWas() async {
        let tag = TaggedHashTag("plimsoll/test/fork")
        let first = Hashing.tagged(tag, [1, 2, 3])
        _ = Hashing.tagged(tag, [UInt8](repeating: 9, count: 200))
        var long = TaggedHasher(tag)
        long.update([UInt8](repeating: 7, count: 1000))
        _ = long.finalize()
        #expect(Hashing.tagged(tag, [1, 2, 3]) == first)
        #expect(first == Self.oracleTagged(tag.name, [1, 2, 3]))
        // The shared prefixes (a tag's, the Merkle leaf's and node's), used by both cores at once
        // for long enough to overlap, fork per hash: every task's chain ends where the oracle's does.
        @Sendable func chain(_ start: UInt8, oracle: Bool) -> Hash32 {
            var hash = Hashing.sha256([start])
            for _ in 0..<2_000 {
                if oracle {
                    let tagged = Self.oracleTagged(tag.name, hash.bytes)
                    let leaf = Self.oracle([0x00] + tagged.bytes)
                    hash = Self.oracle([0x01] + leaf.bytes + tagged.bytes)
                } else {
                    let tagged = Hashing.tagged(tag, hash.bytes)
                    hash = Merkle.nodeHash(Merkle.leafHash(tagged.bytes), tagged)
                }
            }
            return hash
        }
        let expected = (0..<8).map { chain(UInt8($0), oracle: true) }
        let results = await withTaskGroup(of: (Int, Hash32).self) { group in
            for index in 0..<8 { group.addTask { (index, chain(UInt8(index), oracle: false)) } }
            var results = [Hash32](repeating: .zero, count: 8)
            for await (index, hash) in group { results[index] = hash }
            return results
        }
        #expect(results == expected)
    }
}
