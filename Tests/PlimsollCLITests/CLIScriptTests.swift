import Foundation
import Testing

/// The command line for scripts: with `--json` every answer and every error is JSON with a
/// stable code, IMO numbers are read in their common forms, screening results are in the JSON,
/// and binding a key to a party that cannot trade says so.
struct CLIScriptTests {
    typealias Registry = CLIEdgeTests.Registry

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    static func error(_ result: CLI.Result) throws -> (code: String, message: String) {
        #expect(result.status != 0)
        let body = try #require(try json(result.stdout)["error"] as? [String: Any], "\(result.stdout)")
        return (body["code"] as? String ?? "", body["message"] as? String ?? "")
    }

    @Test func refusalsAndErrorsAreJSONWithTheirCode() throws {
        let r = try Registry()
        let refused = try r.run(["issue", "--vessel", "IMO9176187", "--to", r.key, "--units", "65", "--json"])
        let refusal = try Self.error(refused)
        #expect(refusal.code == "INSUFFICIENT_UNITS", "\(refusal)")
        let usage = try Self.error(try r.run(["party", "add", "--kind", "person", "--json"]))
        #expect(usage.code == "USAGE", "\(usage)")
        let unknown = try Self.error(try r.run(["key", "bind", "--key", r.key, "--party", "99", "--json"]))
        #expect(unknown.code == "UNKNOWN_PARTY", "\(unknown)")
        // Without --json the same refusal stays one line of text on stderr.
        let text = try r.run(["issue", "--vessel", "IMO9176187", "--to", r.key, "--units", "65"])
        #expect(text.status != 0 && text.stdout.isEmpty && text.stderr.contains("INSUFFICIENT_UNITS"))
    }

    @Test func imoNumbersInTheirCommonFormsAndTheCheckDigitNamed() throws {
        let r = try Registry()
        let registered = try r.run([
            "vessel", "register", "--imo", "IMO 9512226", "--name", "Form Star", "--flag", "NO", "--owner", "1",
        ])
        #expect(registered.status == 0, "\(registered.stderr)")
        for (index, form) in ["imo9512226", "IMO-9512226", "IMO No. 9512226", "IMO number 9512226"].enumerated() {
            let result = try r.run(["vessel", "amend", "--imo", form, "--name", "Form \(index)"])
            #expect(result.status == 0, "\(form): \(result.stderr)")
        }
        let bad = try r.run(["vessel", "register", "--imo", "9512227", "--name", "Bad", "--flag", "NO", "--owner", "1"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("BAD_IMO") && bad.stderr.contains("check digit"), "\(bad.stderr)")
        let badJSON = try Self.error(
            try r.run([
                "vessel", "register", "--imo", "IMO 9512227", "--name", "Bad", "--flag", "NO", "--owner", "1", "--json",
            ]))
        #expect(badJSON.code == "BAD_IMO" && badJSON.message.contains("check digit"), "\(badJSON)")
        let short = try r.run(["cap-table", "--vessel", "IMO 951222"])
        #expect(short.stderr.contains("BAD_IMO") && short.stderr.contains("7 digits"), "\(short.stderr)")
    }

    @Test func screeningResultsAreInTheJSON() throws {
        let r = try Registry()
        #expect(try r.run(["lists", "load", ScreeningCLITests.lists + "/ofac_sdn_sample"]).status == 0)
        let opaque = try Self.json(
            try r.run([
                "party", "add", "--kind", "organization", "--name", "Nobody Behind Ltd", "--country", "PA", "--json",
            ])
            .stdout)
        #expect(opaque["screening_status"] as? String == "review")
        let recorded = try #require((opaque["screening"] as? [String: Any])?["recorded"] as? [String])
        #expect(recorded.contains { $0.contains("opaque_ownership") }, "\(recorded)")
        #expect(opaque["party"] as? Int != nil && opaque["receipt"] != nil)
        let person = try Self.json(
            try r.run(["party", "add", "--kind", "person", "--name", "Ingrid Solberg", "--country", "NO", "--json"])
                .stdout)
        let personID = try #require(person["party"] as? Int)
        let organizationID = try #require(opaque["party"] as? Int)
        let declared = try Self.json(
            try r.run([
                "own", "declare", "--owner", "\(personID)", "--owned", "\(organizationID)", "--share-bps", "10000",
                "--evidence", String(repeating: "ab", count: 32), "--json",
            ]).stdout)
        #expect(declared["screening_status"] as? String == "clear", "\(declared)")
        let vessel = try Self.json(
            try r.run([
                "vessel", "register", "--imo", "9512226", "--name", "Script Star", "--flag", "NO", "--owner",
                "\(organizationID)", "--json",
            ]).stdout)
        #expect(vessel["screening_status"] as? String == "clear" && vessel["height"] as? Int != nil, "\(vessel)")
    }

    @Test func bindingAKeyToAFrozenPartySaysSo() throws {
        let r = try Registry()
        #expect(try r.run(["freeze", "--party", "1", "--reason", "court order"]).status == 0)
        let made = try r.run([
            "key", "new", "--out", r.folder.appendingPathComponent("frozen.key").path, "--bind", "1", "--json",
        ])
        #expect(made.status == 0)
        #expect(made.stderr.contains("warning: party 1 is frozen"), "\(made.stderr)")
        #expect((try Self.json(made.stdout)["warning"] as? String)?.contains("frozen") == true)
        let clean = try r.run([
            "key", "new", "--out", r.folder.appendingPathComponent("other.key").path, "--json",
        ])
        #expect(!clean.stderr.contains("warning"))
    }

    @Test func partiesAreAmendedAndRenewedWithHistoryAndVesselsShowTheirs() throws {
        let r = try Registry()
        let amended = try Self.json(
            try r.run(["party", "amend", "--party", "1", "--name", "Owner Holding AS", "--country", "DK", "--json"])
                .stdout)
        #expect(amended["height"] as? Int != nil, "\(amended)")
        #expect(try r.run(["party", "kyc-renew", "--party", "1", "--days", "30"]).status == 0)
        let history = try Self.json(try r.run(["history", "--party", "1", "--json"]).stdout)
        let changes = try #require(history["changes"] as? [[String: Any]])
        #expect(changes.map { $0["field"] as? String } == ["name", "country", "kyc"])
        #expect(
            changes.first?["from"] as? String == "Owner AS" && changes.first?["to"] as? String == "Owner Holding AS")
        let text = try r.run(["history", "--party", "1"])
        #expect(text.stdout.contains("name: Owner AS → Owner Holding AS"), "\(text.stdout)")
        #expect(text.stdout.contains("party 1 amended: name Owner Holding AS, country DK"), "\(text.stdout)")
        #expect(try r.run(["party", "amend", "--party", "1"]).status != 0, "an amendment needs a field")
        let colon = try r.run(["party", "amend", "--party", "1", "--identifier", ":"])
        #expect(colon.status != 0 && colon.stderr.contains("SCHEME:VALUE"), "\(colon.stderr)")
        #expect(
            try r.run(["vessel", "amend", "--imo", "9176187", "--flag", "PA", "--name", "Edge Star II"]).status == 0)
        let vessel = try r.run(["history", "--vessel", "IMO9176187"])
        #expect(vessel.stdout.contains("flag: NO → PA") && vessel.stdout.contains("name: Edge Star → Edge Star II"))
        #expect(vessel.stdout.contains("amended: name Edge Star II, flag PA"), "\(vessel.stdout)")
    }

    @Test func anAmendedNameIsScreenedAgain() throws {
        let r = try Registry()
        #expect(try r.run(["lists", "load", ScreeningCLITests.lists + "/ofac_sdn_sample"]).status == 0)
        let person = try Self.json(
            try r.run(["party", "add", "--kind", "person", "--name", "Ingrid Solberg", "--country", "NO", "--json"])
                .stdout)
        let id = try #require(person["party"] as? Int)
        #expect(person["screening_status"] as? String == "clear")
        let sample = try String(
            contentsOfFile: ScreeningCLITests.lists + "/ofac_sdn_sample/sdn.csv", encoding: .utf8)
        // The first individual of the sample, renamed to: the re-screen after the amendment blocks.
        let line = try #require(sample.split(separator: "\n").first { $0.contains("\"individual\"") })
        let listed = String(line.split(separator: "\"")[1])
        let amended = try Self.json(
            try r.run(["party", "amend", "--party", "\(id)", "--name", listed, "--json"]).stdout)
        #expect(amended["screening_status"] as? String == "block", "\(listed): \(amended)")
    }

    /// Issue 19: mortgages from the command line, the consent signed with the mortgagee's key file.
    @Test func aMortgageIsRegisteredConsentedAndDischarged() throws {
        let r = try Registry()
        #expect(try r.run(["issue", "--vessel", "IMO9176187", "--to", r.key, "--units", "10"]).status == 0)
        #expect(
            try r.run(["party", "add", "--kind", "person", "--name", "Banker Example", "--country", "NO"]).status == 0)
        let bankKeyFile = r.folder.appendingPathComponent("bank.key").path
        let bankKey = String(try r.run(["key", "new", "--out", bankKeyFile, "--bind", "2"]).stdout.prefix(64))
        let registered = try Self.json(
            try r.run([
                "mortgage", "register", "--vessel", "IMO 9176187", "--key", r.key, "--units", "10", "--mortgagee", "2",
                "--amount", "1000000.00", "--currency", "usd", "--json",
            ]).stdout)
        #expect(registered["mortgage"] as? Int == 1, "\(registered)")
        let ownerKeyFile = r.folder.appendingPathComponent("owner.key").path
        let sale = ["transfer", "--key", ownerKeyFile, "--to", bankKey, "--vessel", "IMO9176187", "--amount", "2"]
        let refused = try Self.error(try r.run(sale + ["--json"]))
        #expect(refused.code == "MORTGAGED", "\(refused)")
        #expect(
            try r.run([
                "mortgage", "consent", "--vessel", "IMO9176187", "--number", "1", "--to", bankKey, "--units", "2",
                "--mortgagee-key", bankKeyFile,
            ]).status == 0)
        #expect(try r.run(sale).status == 0, "with the consent, the sale settles")
        let listed = try r.run(["mortgage", "list", "--vessel", "IMO9176187"])
        #expect(listed.stdout.contains("1  8 units"), "\(listed.stdout)")
        // The lender's proof: the registration entry and the mortgagor's holding, checked offline.
        let proof = try r.run(["proof", "mortgage", "--vessel", "IMO9176187", "--number", "1"])
        #expect(proof.status == 0, "\(proof.stderr)")
        let proofFile = r.folder.appendingPathComponent("mortgage-proof.json")
        try Data(proof.stdout.utf8).write(to: proofFile)
        let checked = try CLI.run("verify-proof", proofFile.path)
        #expect(
            checked.status == 0 && checked.stdout.contains("registers a mortgage of 10 units of IMO9176187"),
            "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains("the key holds 8 units"), "\(checked.stdout)")
        var document = try Self.json(proof.stdout)
        var holding = try #require(document["holding"] as? [String: Any])
        holding["units"] = 10
        document["holding"] = holding
        try JSONSerialization.data(withJSONObject: document).write(to: proofFile)
        #expect(try CLI.run("verify-proof", proofFile.path).status != 0, "a tampered holding is refused")
        #expect(try r.run(["mortgage", "discharge", "--vessel", "IMO9176187", "--number", "1"]).status == 0)
        #expect(try r.run(["vessel", "amend", "--imo", "9176187", "--flag", "PA"]).status == 0)
        #expect(
            try r.run(["vessel", "amend", "--imo", "9176187", "--ism-company", "2", "--class-society", "DNV"]).status
                == 0)
        #expect(
            try r.run(["party", "add", "--kind", "person", "--name", "Charter Person", "--country", "LR"]).status == 0)
        let chartered = try r.run([
            "vessel", "charter", "--imo", "9176187", "--charterer", "3", "--from", "2027-01-01", "--to", "2027-12-31",
            "--bareboat-flag", "LR",
        ])
        #expect(chartered.status == 0, "\(chartered.stderr)")
        #expect(try r.run(["vessel", "charter-end", "--imo", "9176187"]).status == 0)
        let synopsis = try Self.json(try r.run(["synopsis", "--vessel", "IMO9176187", "--json"]).stdout)
        let flags = try #require(synopsis["flags"] as? [[String: Any]])
        #expect(flags.map { $0["value"] as? String } == ["NO", "PA"])
        #expect(flags.first?["to_height"] as? Int == flags.last?["from_height"] as? Int)
        let charterers = try #require(synopsis["charterers"] as? [[String: Any]])
        #expect(
            charterers.count == 1 && (charterers[0]["value"] as? String)?.contains("bareboat, flag PA → LR") == true)
        #expect(charterers[0]["to_height"] as? Int != nil, "the charter ended")
        #expect((synopsis["class_societies"] as? [[String: Any]])?.first?["value"] as? String == "DNV")
        #expect(
            ((synopsis["ism_companies"] as? [[String: Any]])?.first?["value"] as? String)?.hasPrefix("party 2") == true)
        let mortgages = try #require(synopsis["mortgages"] as? [[String: Any]])
        #expect(mortgages.count == 1 && mortgages[0]["to_height"] as? Int != nil, "registered, then discharged")
        let text = try r.run(["synopsis", "--vessel", "IMO9176187"])
        #expect(text.stdout.contains("registered owner:") && text.stdout.contains("party 1 Owner AS"), "\(text.stdout)")
        let gone = try Self.error(
            try r.run(["mortgage", "discharge", "--vessel", "IMO9176187", "--number", "1", "--json"]))
        #expect(gone.code == "UNKNOWN_MORTGAGE")
    }
}
