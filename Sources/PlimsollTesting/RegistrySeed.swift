public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement

/// The one way tests, benchmarks and load generators seed a registry through settlement: an
/// organization that owns the vessels, holders (a person and a bound key each), vessels, and the
/// units issued to the holders.
///
/// Each step is one ordered batch (`submitAll`), and every outcome must be a receipt, or seeding
/// throws naming the first that was not. Party ids are not assumed: a batch applies in order, so
/// its parties take the registry's next ids in turn, and each id is checked against the name the
/// state holds for it before anything refers to it.
public struct RegistrySeed: Sendable {
    public struct Holder: Sendable {
        public let name: String
        public let party: PartyID
        public let key: SigningKey
    }

    public struct Issue: Sendable {
        public let vessel: AssetID
        /// Index into `holders`.
        public let holder: Int
        public let units: UInt64

        public init(vessel: AssetID, holder: Int, units: UInt64) {
            self.vessel = vessel
            self.holder = holder
            self.units = units
        }
    }

    public let owner: PartyID
    public let holders: [Holder]
    public let vessels: [AssetID]

    public struct NotSettled: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - holders: each holder's name and key (the caller makes the keys, from its own seed).
    ///   - vessels: assets with their total units, all owned by the seed's owner.
    ///   - issues: units issued from a vessel to a holder, in order.
    ///   - rules: compliance rules set first, when given.
    public static func seed(
        _ settlement: Settlement, owner ownerName: String = "Owner", holders: [(name: String, key: SigningKey)],
        vessels: [(asset: AssetID, units: UInt64)], issues: [Issue], rules: ComplianceRules? = nil,
        kycUntilMs: TimestampMs
    ) async throws -> RegistrySeed {
        let kyc = [Party.KYCClaim(issuer: "registrar", expiresAtMs: kycUntilMs)]
        if let rules { try await settle(settlement, [.setRules(rules)], "rules") }
        let names = [ownerName] + holders.map(\.name)
        let first = await settlement.state.counters.nextPartyID
        var registrations: [RegistrarAction] = []
        for (index, name) in names.enumerated() {
            let kind: Party.Kind = index == 0 ? .organization : .person
            registrations.append(
                .registerParty(PartyRegistration(kind: kind, name: name, country: try Country("NO"), kycClaims: kyc)))
        }
        try await settle(settlement, registrations, "party registrations")
        let state = await settlement.state
        let ids = names.indices.map { PartyID(first + UInt64($0)) }
        for (id, name) in zip(ids, names) where state.parties[id]?.party.name != name {
            throw NotSettled(description: "party \(id) is not \(name): the registry gave ids out of order")
        }
        let seeded = zip(holders, ids.dropFirst()).map { Holder(name: $0.name, party: $1, key: $0.key) }
        try await settle(settlement, seeded.map { .bindKey($0.key.publicKey, to: $0.party) }, "key bindings")
        try await settle(
            settlement,
            vessels.enumerated().map { index, vessel in
                .registerVessel(
                    VesselRegistration(
                        asset: vessel.asset, name: "Seed \(index + 1)", flag: try Country("PA"), type: "tanker",
                        grossTonnage: 1, roles: .init(owner: ids[0]), units: vessel.units))
            }, "vessel registrations")
        try await settle(
            settlement, issues.map { .issue($0.vessel, to: seeded[$0.holder].key.publicKey, units: $0.units) }, "issues"
        )
        return RegistrySeed(owner: ids[0], holders: seeded, vessels: vessels.map(\.asset))
    }

    /// Signs each action with the next registrar sequence and settles them as one ordered batch
    /// (split at the intake bound); every outcome must be a receipt.
    public static func settle(_ settlement: Settlement, _ actions: [RegistrarAction], _ what: String) async throws {
        let chunk = 50_000
        for start in stride(from: 0, to: actions.count, by: chunk) {
            let outcomes = try await settlement.submitRegistrarAll(
                Array(actions[start..<min(actions.count, start + chunk)]))
            try requireSettled(outcomes, what)
        }
    }

    /// Throws, naming the first, unless every outcome is a receipt.
    public static func requireSettled(_ outcomes: [Outcome], _ what: String) throws {
        if let bad = outcomes.first(where: { if case .settled = $0 { false } else { true } }) {
            throw NotSettled(description: "seeding \(what): \(bad)")
        }
    }
}
