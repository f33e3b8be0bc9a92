import PlimsollCrypto
import PlimsollTesting
import Testing

struct KeyCacheTests {
    /// The cache answers what parsing answers, refuses what parsing refuses (without keeping
    /// it), and never holds more keys than its capacity.
    @Test func answersAsParsingDoesAndStaysBounded() throws {
        var rng = SplitMix64(seed: 7)
        let keys = (0..<40).map { _ in SigningKey.generate(using: &rng).publicKey }
        let cache = XOnlyKeyCache(capacity: 16)
        for round in 0..<3 {
            for key in keys {
                let cached = try cache.key(key.bytes)
                #expect(cached == key)
                #expect(cached.bytes == key.bytes)
                #expect(try cache.key(hex: key.hex) == key)
                #expect(cache.count <= 16, "round \(round)")
            }
        }
        // BIP-340 vector 5's public key is not on the curve; x >= p is not a field element.
        let offCurve = try Hex.decode("EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34")
        let beyondP = [UInt8](repeating: 0xFF, count: 32)
        for bad in [offCurve, beyondP, [UInt8](repeating: 1, count: 31)] {
            #expect(throws: CryptoError.self) { try cache.key(bad) }
            #expect(throws: CryptoError.self) { try cache.key(bad) }
        }
        let fresh = XOnlyKeyCache()
        #expect(throws: CryptoError.self) { try fresh.key(offCurve) }
        #expect(fresh.count == 0, "a refused key is not remembered")
        // A key signed with verifies through the cached copy.
        let signer = SigningKey.generate(using: &rng)
        let message = Hash32(w0: 1, w1: 2, w2: 3, w3: 4)
        let signature = signer.sign(hash: message)
        #expect(try fresh.key(signer.publicKey.bytes).verify(signature: signature, hash: message))
        #expect(try fresh.key(signer.publicKey.bytes).verify(signature: signature, hash: message))
    }
}
