import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// Bareboat charters: the charterer, screened like an owner, becomes the vessel's charterer for
/// the period, under another flag; the synopsis and the state commitment carry it.
struct BareboatCharterTests {
    @Test func aCharterIsRegisteredCheckedAndEnded() throws {
        var f = LedgerFixture(seed: 81)
        let owner = f.party("Owner Co", country: "PA", kind: .organization)
        let charterer = f.party("Charter Lines Ltd", country: "LR", kind: .organization)
        f.vessel(IMOs.a, owner: owner)
        let day: UInt64 = 86_400_000
        func charter(
            to party: PartyID = charterer, bareboat: String = "LR", underlying: String = "PA", days: UInt64 = 365
        )
            throws -> RegistrarAction
        {
            .registerBareboatCharter(
                BareboatCharter(
                    asset: IMOs.a, charterer: party, fromMs: f.timeMs, toMs: f.timeMs + days * day,
                    underlyingFlag: try Country(underlying), bareboatFlag: try Country(bareboat)))
        }
        for (action, code, comment) in [
            (try charter(bareboat: "PA"), ReasonCode.malformed, "the same flag twice"),
            (try charter(underlying: "NO"), .malformed, "an underlying flag other than the vessel's"),
            (try charter(days: 0), .malformed, "an empty period"),
            (try charter(to: PartyID(99)), .unknownParty, "an unknown charterer"),
        ] {
            do {
                try f.apply(action)
                Issue.record("accepted: \(comment)")
            } catch {
                #expect(error.code == code, "\(comment)")
                #expect(f.state == f.stateBeforeLastApply)
            }
        }
        let before = StateCommitment(state: f.state).root
        try f.apply(try charter())
        #expect(f.state.vessels[IMOs.a]?.vessel.roles.charterer == charterer)
        #expect(f.state.vessels[IMOs.a]?.charter?.bareboatFlag.code == "LR")
        #expect(StateCommitment(state: f.state).root != before, "the commitment carries the charter")
        let second = try charter()
        do {
            try f.apply(second)
            Issue.record("a second charter")
        } catch { #expect(error.code == .duplicate) }
        var amend = VesselAmendment(asset: IMOs.a)
        amend.charterer = .clear
        do {
            try f.apply(.amendVessel(amend))
            Issue.record("the charterer role changed under a registered charter")
        } catch { #expect(error.code == .malformed) }
        let entry = f.registrarEntry(try charter())
        #expect(entry.bytes[0] == 0x18)
        #expect(try Entry(bytes: entry.bytes) == entry)
        try f.apply(.endBareboatCharter(IMOs.a))
        #expect(f.state.vessels[IMOs.a]?.charter == nil && f.state.vessels[IMOs.a]?.vessel.roles.charterer == nil)
        // A blocked charterer is refused, like a blocked mortgagee.
        try f.apply(.recordScreening(charterer, .block, evidence: "listed"))
        let blocked = try charter()
        do {
            try f.apply(blocked)
            Issue.record("a blocked charterer")
        } catch { #expect(error.code == .sanctionsHit) }
    }
}
