import CSecp256k1

/// The one libsecp256k1 context of the process.
///
/// `@unchecked Sendable`: libsecp256k1 documents a context as safe to use from many threads at
/// once for signing and verification once created and randomized; nothing mutates it afterwards.
/// Swift 6 rejects the C global `secp256k1_context_static`, so we own a context instead.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let raw: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            preconditionFailure("secp256k1_context_create failed")
        }
        // Randomization blinds signing against side channels; it does not affect results.
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for index in seed.indices { seed[index] = UInt8.random(in: .min ... .max, using: &rng) }
        precondition(secp256k1_context_randomize(context, seed) == 1)
        raw = context
    }
}
