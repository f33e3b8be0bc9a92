/// A natural person or an organization known to the registry (DESIGN.md: Party).
public struct Party: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case person, organization
    }

    /// A KYC claim: who vouched for the party, and until when.
    public struct KYCClaim: Hashable, Sendable, Codable {
        public let issuer: String
        public let expiresAtMs: TimestampMs
        public init(issuer: String, expiresAtMs: TimestampMs) {
            self.issuer = issuer
            self.expiresAtMs = expiresAtMs
        }
    }

    /// An identifier such as an IMO company number or a national registry number.
    public struct Identifier: Hashable, Sendable, Codable {
        public let scheme: String
        public let value: String
        public init(scheme: String, value: String) {
            self.scheme = scheme
            self.value = value
        }
    }

    public let id: PartyID
    public let kind: Kind
    public var name: String
    public var aliases: [String]
    public var country: Country
    /// Birth or incorporation date, "YYYY-MM-DD", when known.
    public var born: String?
    public var identifiers: [Identifier]
    public var kycClaims: [KYCClaim]

    public init(
        id: PartyID, kind: Kind, name: String, aliases: [String] = [], country: Country, born: String? = nil,
        identifiers: [Identifier] = [], kycClaims: [KYCClaim] = []
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.country = country
        self.born = born
        self.identifiers = identifiers
        self.kycClaims = kycClaims
    }

    /// True when some claim has not expired at `time`.
    public func kycValid(at time: TimestampMs) -> Bool {
        kycClaims.contains { $0.expiresAtMs >= time }
    }
}
