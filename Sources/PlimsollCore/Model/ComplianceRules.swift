/// The compliance rules a registry sets for every transfer (DESIGN.md: rejection codes
/// `COUNTRY_BLOCKED`, `HOLDER_LIMIT`, `MIN_HOLDING`, `KYC_EXPIRED`).
public struct ComplianceRules: Hashable, Sendable, Codable {
    /// Most distinct keys holding units of one vessel; DESIGN.md default 64.
    public var maxHoldersPerVessel: UInt32
    public var excludedCountries: [Country]
    /// A non-zero holding must be at least this many units (0 = no minimum).
    public var minimumHolding: UInt64
    /// Sender and receiver parties must hold a KYC claim not expired at settlement time.
    public var kycRequired: Bool

    public static let `default` = ComplianceRules(
        maxHoldersPerVessel: 64, excludedCountries: [], minimumHolding: 0, kycRequired: true)

    public init(maxHoldersPerVessel: UInt32, excludedCountries: [Country], minimumHolding: UInt64, kycRequired: Bool) {
        self.maxHoldersPerVessel = maxHoldersPerVessel
        self.excludedCountries = excludedCountries.sorted()
        self.minimumHolding = minimumHolding
        self.kycRequired = kycRequired
    }
}
