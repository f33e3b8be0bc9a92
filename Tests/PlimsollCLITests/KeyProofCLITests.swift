import Foundation
import Testing

/// `plimsoll proof key` prints a proof of a key's record that `plimsoll verify-proof` checks
/// offline, freezes included; a proof edited to hide the freeze is refused.
struct KeyProofCLITests {
    @Test func aPrintedKeyProofVerifiesAndOneHidingAFreezeDoesNot() throws {
        let (f, key) = try CLI.registryWithOneHolder(named: "Key Proofs")
        try f.run("freeze", "--key", key, "--asset", "IMO9176187", "--units", "10", "--reason", "court order")
        let printed = try f.run("proof", "key", "--key", key)
        let file = f.url.appendingPathComponent("key.json")
        try Data(printed.stdout.utf8).write(to: file)
        let verified = try CLI.run("verify-proof", file.path)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(
            verified.stdout.hasPrefix(
                "ok: key \(key) is bound to party 1, last nonce 0, frozen for 10 units of IMO9176187"),
            "\(verified.stdout)")

        // The freeze taken out of the fields alone: the fields no longer say what the record holds.
        var edited = try #require(try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? [String: Any])
        edited["frozen_units"] = []
        try JSONSerialization.data(withJSONObject: edited).write(to: file)
        let refusedFields = try CLI.run("verify-proof", file.path)
        #expect(
            refusedFields.status != 0 && refusedFields.stderr.contains("not a key proof"), "\(refusedFields.stderr)")

        // The record without the freeze: it no longer reaches the signed state digest.
        let record = try #require(edited["record"] as? String)
        let units = String(repeating: "0", count: 14) + "0a"
        // Drop the one frozen-units item (count, vessel text, units) and write an empty list.
        let withoutFreeze = String(record.dropLast(4 + 4 + 20 + units.count)) + "0000"
        #expect(record.hasSuffix("0001000a494d4f39313736313837" + units), "\(record)")
        edited["record"] = withoutFreeze
        try JSONSerialization.data(withJSONObject: edited).write(to: file)
        let refused = try CLI.run("verify-proof", file.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("key proof fails"), "\(refused.stderr)")

        // A key no party bound proves absent.
        let stranger = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"  // The generator's x.
        let absent = try f.run("proof", "key", "--key", stranger)
        try Data(absent.stdout.utf8).write(to: file)
        let checked = try CLI.run("verify-proof", file.path)
        #expect(checked.status == 0 && checked.stdout.hasPrefix("ok: no party has bound key \(stranger)"), "\(checked)")
    }
}
