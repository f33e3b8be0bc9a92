public import PlimsollCore
public import PlimsollCrypto

/// A pure ledger with a registrar and helpers to build valid (or deliberately broken) entries.
///
/// Applies entries straight to `Ledger`, with no store or settlement, so core tests are fast and
/// deterministic; time moves only when a test moves it.
public struct LedgerFixture {
    public let registrar: SigningKey
    public let genesis: Genesis
    public var ledger: Ledger
    public var sequence: UInt64 = 0
    /// Block time used for the next entry, unix ms.
    public var timeMs: TimestampMs = 1_800_000_000_000
    public var rng: SplitMix64

    public static let yearMs: UInt64 = 365 * 86_400_000

    public init(seed: UInt64 = 1, maxValiditySeconds: UInt64 = Genesis.defaultMaxValiditySeconds) {
        rng = SplitMix64(seed: seed)
        registrar = SigningKey.generate(using: &rng)
        genesis = try! Genesis(
            name: "Fixture Registry", registrarKey: registrar.publicKey, createdAtMs: 1_799_000_000_000,
            maxValiditySeconds: maxValiditySeconds
        )
        ledger = Ledger(genesis: genesis)
    }

    public var state: LedgerState { ledger.state }
    public var chainID: Hash32 { genesis.chainID }

    public mutating func registrarEntry(_ action: RegistrarAction) -> Entry {
        sequence += 1
        return .registrar(RegistrarEntry.signed(action, sequence: sequence, chainID: chainID, by: registrar))
    }

    /// Applies a registrar action signed with the next sequence number.
    public mutating func apply(_ action: RegistrarAction) throws(Rejection) {
        try apply(registrarEntry(action))
    }

    /// The state just before the most recent `apply`, so tests can check a rejection left no trace.
    public private(set) var stateBeforeLastApply: LedgerState?

    public mutating func apply(
        _ entry: Entry, signatureValid: Bool = true, receivedAtMs: TimestampMs? = nil
    ) throws(Rejection) {
        stateBeforeLastApply = ledger.state
        try ledger.apply(
            entry,
            ApplyContext(blockTimeMs: timeMs, receivedAtMs: receivedAtMs ?? timeMs, signatureValid: signatureValid))
    }

    /// Registers a party with a KYC claim valid for a year from now, and returns its id.
    @discardableResult
    public mutating func party(
        _ name: String, country: String = "NO", kind: Party.Kind = .person, kycUntilMs: TimestampMs? = nil
    ) -> PartyID {
        let claims = [Party.KYCClaim(issuer: "registrar", expiresAtMs: kycUntilMs ?? timeMs + Self.yearMs)]
        try! apply(
            .registerParty(PartyRegistration(kind: kind, name: name, country: try! Country(country), kycClaims: claims))
        )
        return PartyID(state.counters.nextPartyID - 1)
    }

    /// A new key bound to `party`.
    public mutating func key(for party: PartyID) -> SigningKey {
        let key = SigningKey.generate(using: &rng)
        try! apply(.bindKey(key.publicKey, to: party))
        return key
    }

    /// A party with one bound key.
    public mutating func holder(_ name: String, country: String = "NO") -> (party: PartyID, key: SigningKey) {
        let id = party(name, country: country)
        return (id, key(for: id))
    }

    /// Registers a vessel owned by `owner` and issues `issue` units to each key given.
    public mutating func vessel(
        _ asset: AssetID, units: UInt64 = 64, owner: PartyID, issue: [(SigningKey, UInt64)] = []
    ) {
        try! apply(
            .registerVessel(
                VesselRegistration(
                    asset: asset, name: "MV \(asset.digits)", flag: try! Country("PA"), type: "bulk carrier",
                    grossTonnage: 30_000, roles: Vessel.Roles(owner: owner), units: units
                )
            )
        )
        for (key, count) in issue { try! apply(.issue(asset, to: key.publicKey, units: count)) }
    }

    /// A signed transfer valid for an hour from the fixture's time.
    public func transfer(
        _ from: SigningKey, to: KeyRef, _ asset: AssetID, amount: UInt64, nonce: UInt64, expiresAt: UInt64? = nil
    ) -> Entry {
        .transfer(
            Transfer(
                chainID: chainID, asset: asset, from: from.publicKey, to: to, amount: amount, nonce: nonce,
                expiresAt: expiresAt ?? timeMs / 1000 + 3600
            ).signed(by: from)
        )
    }
}

/// Valid IMO numbers for tests: six digits and their check digit.
public enum IMOs {
    public static func make(_ prefix: Int) -> AssetID {
        precondition((100_000...999_999).contains(prefix))
        let digits = String(prefix).map { Int(String($0))! }
        let check = zip(digits, [7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 } % 10
        return try! AssetID(imoNumber: String(prefix) + String(check))
    }

    public static let a = try! AssetID("IMO9176187")
    public static let b = try! AssetID("IMO9074729")
}
