import Foundation
import Testing

/// `plimsoll proof holding` prints a proof that `plimsoll verify-proof` checks offline; a proof
/// edited to claim other units is refused.
struct HoldingProofCLITests {
    @Test func aPrintedHoldingProofVerifiesAndAnEditedOneDoesNot() throws {
        let (f, key) = try CLI.registryWithOneHolder(named: "Holding Proofs")
        let printed = try f.run("proof", "holding", "--key", key, "--vessel", "IMO9176187")
        let file = f.url.appendingPathComponent("holding.json")
        try Data(printed.stdout.utf8).write(to: file)
        let registrar = try #require(
            (try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])?["registrar_key"]
                as? String)
        let verified = try CLI.run("verify-proof", file.path, "--registrar-key", registrar)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("ok: key \(key) holds 64 units of IMO9176187"), "\(verified.stdout)")

        var edited = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        edited["units"] = 63
        edited.removeValue(forKey: "record")
        try JSONSerialization.data(withJSONObject: edited).write(to: file)
        let refused = try CLI.run("verify-proof", file.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("holding proof fails"), "\(refused.stderr)")
    }
}
