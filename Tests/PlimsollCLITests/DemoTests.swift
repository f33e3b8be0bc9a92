import Foundation
import Testing

/// `plimsoll demo` is the README's main job: it must tell the whole story and check each step.
@Suite(.tags(.slow), .timeLimit(.minutes(10)))
struct DemoTests {
    @Test func demoTellsTheSanctionsEvasionScenario() throws {
        let result = try CLI.run("demo")
        #expect(result.status == 0, "demo failed: \(result.stderr)")
        let out = result.stdout
        let expected = [
            // The investor behind two shells is refused, with the path to the UN-listed person.
            "rejected FROZEN: receiver party 5 is frozen, blocked by screening: ownership_50_percent",
            "evidence path: Kestrel Maritime Holdings Ltd (5) ← owned by Harbour Light Trading Ltd (6) ← owned by Blue Anchor Ventures Inc. (7) ← owned by Han Yu Ro (8)",
            "un:KPi.005 \"HAN YU-RO\"",
            // The clean buyer settles and the cap table changes.
            "Oceanic → Fjord 16 units, nonce 1 (the refused offer consumed nothing): settled",
            "party 1  48 units  Oceanic Bulk Carriers S.A.",
            "party 9  16 units  Fjord Shipping Invest AS",
            // The list update names the manager and freezes the vessel.
            "screening recorded party 3 block: name_match: ofac:26931 \"JUI ZONG SHIP MANAGEMENT CO LTD\"",
            "screening froze vessel IMO9176187",
            "Oceanic → Fjord 4 units without the bank's consent: MORTGAGED",
            "mortgage 1 discharged: the loan is repaid",
            "Oceanic → Fjord 4 more units: FROZEN (IMO9176187 is frozen)",
            // The regulator's view and the offline verification.
            " 75.00%  party 2 Elena Marquez",
            " 25.00%  party 10 Ingrid Solberg",
            "equals the signed header's: true",
            "cap table recomputed from the file equals the registry's: true",
            "a copy with one bit flipped in the middle is refused: verification failed",
            "(BIP-340 by the sequencer key over the block hash: valid)",
        ]
        for line in expected {
            #expect(out.contains(line), "missing from the demo: \(line)")
        }
        #expect(!out.contains("FAIL"))
    }

    @Test func demoWithoutItsListsSaysWhatIsMissing() throws {
        let empty = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try CLI.run("demo", "--data", empty.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("the demo needs the lists carried in data/sanctions"), "\(result.stderr)")
    }
}
