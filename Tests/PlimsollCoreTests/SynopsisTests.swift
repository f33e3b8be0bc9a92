import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// The continuous synopsis record: each value with the span it held, built from the log.
struct SynopsisTests {
    @Test func everyValueHasItsSpan() throws {
        var rng = SplitMix64(seed: 3)
        let key = SigningKey.generate(using: &rng).publicKey
        var amend = VesselAmendment(asset: IMOs.a)
        amend.name = "Sea Lantern"
        amend.flag = try Country("KM")
        amend.manager = .set(PartyID(3))
        var clearManager = VesselAmendment(asset: IMOs.a)
        clearManager.manager = .clear
        clearManager.charterer = .set(PartyID(4))
        let actions: [(Height, RegistrarAction)] = [
            (
                1,
                .registerVessel(
                    VesselRegistration(
                        asset: IMOs.a, name: "Nordic Aurora", flag: try Country("NO"), type: "tanker", grossTonnage: 1,
                        roles: Vessel.Roles(owner: PartyID(1)), units: 64))
            ),
            (2, .amendVessel(amend)),
            (
                3,
                .registerMortgage(
                    MortgageRegistration(
                        asset: IMOs.a, key: key, units: 8, mortgagee: PartyID(5), amount: "100", currency: "USD"))
            ),
            (4, .transferMortgage(IMOs.a, number: 1, to: PartyID(6))),
            (5, .freeze(.vessel(IMOs.a), reason: "court order")),
            (6, .amendVessel(clearManager)),
            (7, .dischargeMortgage(IMOs.a, number: 1)),
            (8, .unfreeze(.vessel(IMOs.a), reason: "lifted")),
            (8, .amendVesselCompanies(IMOs.a, ismCompany: .set(PartyID(7)), classSociety: "DNV")),
            (9, .amendVesselCompanies(IMOs.a, ismCompany: .clear, classSociety: "")),
            (9, .deregisterVessel(IMOs.a, reason: "scrapped")),
            (9, .amendVessel(VesselAmendment(asset: IMOs.b))),
        ]
        let synopsis = Synopsis(
            asset: IMOs.a, events: actions.map { .init(height: $0.0, timeMs: $0.0 * 1000, action: $0.1) },
            name: { "party \($0)" })
        #expect(synopsis.names.map(\.value) == ["Nordic Aurora", "Sea Lantern"])
        #expect(synopsis.names[0].toHeight == 2 && synopsis.names[0].toMs == 2000 && synopsis.names[1].toHeight == nil)
        #expect(synopsis.flags.map(\.value) == ["NO", "KM"])
        #expect(synopsis.owners.map(\.value) == ["party 1"] && synopsis.owners[0].toHeight == nil)
        #expect(synopsis.managers.map(\.value) == ["party 3"] && synopsis.managers[0].toHeight == 6)
        #expect(synopsis.charterers.map(\.value) == ["party 4"] && synopsis.charterers[0].fromHeight == 6)
        #expect(synopsis.mortgages.count == 2)
        #expect(synopsis.mortgages[0].value.hasPrefix("mortgage 1: 8 units") && synopsis.mortgages[0].toHeight == 4)
        #expect(
            synopsis.mortgages[1].value == "mortgage 1: transferred to party 6" && synopsis.mortgages[1].toHeight == 7)
        #expect(synopsis.status.map(\.value) == ["active", "frozen", "active", "deregistered"])
        #expect(synopsis.operators.isEmpty)
        #expect(synopsis.ismCompanies.map(\.value) == ["party 7"] && synopsis.ismCompanies[0].toHeight == 9)
        #expect(synopsis.classSocieties.map(\.value) == ["DNV"] && synopsis.classSocieties[0].toHeight == 9)
    }
}
