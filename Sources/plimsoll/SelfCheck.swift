import PlimsollCore
import PlimsollCrypto

/// Known-answer checks the demo prints, so a broken libsecp256k1 or hash shows at once.
enum SelfCheck {
    struct Check {
        let name: String
        let passed: Bool
    }

    static func run(chainID: Hash32) -> [Check] {
        var checks: [Check] = []
        // BIP-340 test vector row 0: secret key 3, message of 32 zero bytes, zero aux_rand.
        let bip340Key = try! SigningKey(hex: String(repeating: "0", count: 63) + "3")
        let bip340Sig = bip340Key.sign(hash: .zero, auxRand: .zero)
        checks.append(
            Check(
                name: "BIP-340 vector 0 signature reproduces",
                passed: bip340Sig.hex
                    == "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0"
            )
        )
        // RFC 6962 reference tree of transparency-dev: 8 leaves, known root.
        let leaves: [[UInt8]] = [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            Array(0x50...0x57), Array(0x60...0x6f),
        ]
        var tree = MerkleTree()
        for leaf in leaves { tree.append(leaf: leaf) }
        checks.append(
            Check(
                name: "RFC 6962 8-leaf root reproduces",
                passed: tree.root.hex == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
        )
        // A canonical transfer signed and verified under this registry's chain_id.
        var rng = SystemRandomNumberGenerator()
        let sender = SigningKey.generate(using: &rng)
        let receiver = SigningKey.generate(using: &rng)
        let transfer = Transfer(
            chainID: chainID, asset: try! AssetID("IMO9176187"), from: sender.publicKey, to: receiver.publicKey,
            amount: 3, nonce: 1, expiresAt: 4_102_444_800
        )
        let signed = transfer.signed(by: sender)
        checks.append(Check(name: "signed transfer \(transfer.id.prefix(16))… verifies", passed: signed.signatureValid))
        var forged = signed.signature.bytes
        forged[0] ^= 0x01
        let tampered = SignedTransfer(transfer: transfer, signature: try! SchnorrSignature(bytes: forged))
        checks.append(Check(name: "a signature with one flipped bit is refused", passed: !tampered.signatureValid))
        return checks
    }
}
