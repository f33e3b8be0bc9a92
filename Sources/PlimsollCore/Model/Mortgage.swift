public import PlimsollCrypto

/// A registered mortgage over units of a vessel held by one key (UK Merchant Shipping
/// (Registration of Ships) Regulations: mortgages of a ship or of shares in it, ranked by the
/// order in which they were registered). The mortgaged units cannot leave the key without the
/// mortgagee's signed consent; a forced sale under an order releases them.
public struct Mortgage: Hashable, Sendable, Codable {
    /// Per vessel, from 1, in registration order: the priority (1 ranks first).
    public let number: UInt64
    /// The mortgagor's key whose units the mortgage covers.
    public let key: KeyRef
    public var units: UInt64
    public var mortgagee: PartyID
    /// The secured amount and its currency, as registered ("12000000.00", "USD").
    public let amount: String
    public let currency: String
    public let registeredAtMs: TimestampMs
    /// Units the mortgagee consented to release to one receiving key (`0x16`), used by the
    /// next transfers from the mortgagor's key to it.
    public var consent: Consent?
    /// Consents recorded so far: the next one must carry this plus one, so none is used twice.
    public var consents: UInt64 = 0

    public struct Consent: Hashable, Sendable, Codable {
        public let to: KeyRef
        public var units: UInt64
    }
}

/// The fields of a new mortgage; the registry numbers it.
public struct MortgageRegistration: Hashable, Sendable, Codable {
    public var asset: AssetID
    public var key: KeyRef
    public var units: UInt64
    public var mortgagee: PartyID
    public var amount: String
    public var currency: String

    public init(asset: AssetID, key: KeyRef, units: UInt64, mortgagee: PartyID, amount: String, currency: String) {
        self.asset = asset
        self.key = key
        self.units = units
        self.mortgagee = mortgagee
        self.amount = amount
        self.currency = currency
    }
}

/// A mortgagee's consent to release mortgaged units to a receiving key, signed by a key bound
/// to the mortgagee (BIP-340 over `message`), so that the log proves the mortgagee agreed.
public struct MortgageConsent: Hashable, Sendable {
    public var asset: AssetID
    public var number: UInt64
    /// 1 for the mortgage's first consent, then 2, ...: a signed consent is used once.
    public var sequence: UInt64
    public var to: KeyRef
    public var units: UInt64
    public var mortgageeKey: KeyRef
    public var signature: SchnorrSignature

    public static let tag = TaggedHashTag("plimsoll/mortgage-consent/v1")

    /// `tagged_hash("plimsoll/mortgage-consent/v1", chain_id || asset || u64 number || key
    /// mortgagor || party mortgagee || u64 sequence || key to || u64 units)`: what the mortgagee
    /// signs, bound to this mortgage, this mortgagee and this one use.
    public static func message(
        chainID: Hash32, asset: AssetID, number: UInt64, mortgagor: KeyRef, mortgagee: PartyID, sequence: UInt64,
        to: KeyRef, units: UInt64
    ) -> Hash32 {
        var w = ByteWriter(capacity: 160)
        w.raw(chainID.bytes)
        w.asset(asset)
        w.u64(number)
        w.key(mortgagor)
        w.party(mortgagee)
        w.u64(sequence)
        w.key(to)
        w.u64(units)
        return Hashing.tagged(tag, w.bytes)
    }

    public init(
        asset: AssetID, number: UInt64, sequence: UInt64, to: KeyRef, units: UInt64, mortgageeKey: KeyRef,
        signature: SchnorrSignature
    ) {
        self.asset = asset
        self.number = number
        self.sequence = sequence
        self.to = to
        self.units = units
        self.mortgageeKey = mortgageeKey
        self.signature = signature
    }
}

/// A bareboat charter registered against a vessel: the charterer takes the ship without crew
/// for a period, often under another flag (dual registration: the underlying register keeps
/// title and mortgages, the bareboat register the flag). The charterer is screened like an owner.
public struct BareboatCharter: Hashable, Sendable, Codable {
    public var asset: AssetID
    public var charterer: PartyID
    public var fromMs: TimestampMs
    public var toMs: TimestampMs
    /// The flag of the register that keeps title (this one), and the bareboat register's flag.
    public var underlyingFlag: Country
    public var bareboatFlag: Country

    public init(
        asset: AssetID, charterer: PartyID, fromMs: TimestampMs, toMs: TimestampMs, underlyingFlag: Country,
        bareboatFlag: Country
    ) {
        self.asset = asset
        self.charterer = charterer
        self.fromMs = fromMs
        self.toMs = toMs
        self.underlyingFlag = underlyingFlag
        self.bareboatFlag = bareboatFlag
    }
}

extension Array where Element == Mortgage {
    /// Units of `key` under these mortgages.
    public func units(of key: KeyRef) -> UInt64 { filter { $0.key == key }.reduce(0) { $0 + $1.units } }
}
