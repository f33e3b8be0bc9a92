public import PlimsollCrypto

/// Stable reason codes of rejected entries (DESIGN.md). Public API: never rename or reuse; append.
public enum ReasonCode: String, Sendable, Codable, CaseIterable {
    // Transfers, in the fixed order their checks run.
    case badSignature = "BAD_SIGNATURE"
    case unknownAsset = "UNKNOWN_ASSET"
    case unknownKey = "UNKNOWN_KEY"
    case expired = "EXPIRED"
    case expiryTooFar = "EXPIRY_TOO_FAR"
    case nonceReused = "NONCE_REUSED"
    case assetNotActive = "ASSET_NOT_ACTIVE"
    case frozen = "FROZEN"
    case kycExpired = "KYC_EXPIRED"
    case sanctionsHit = "SANCTIONS_HIT"
    case screeningReview = "SCREENING_REVIEW"
    case countryBlocked = "COUNTRY_BLOCKED"
    case insufficientUnits = "INSUFFICIENT_UNITS"
    case holderLimit = "HOLDER_LIMIT"
    case minHolding = "MIN_HOLDING"
    // Registrar entries.
    case malformed = "MALFORMED"
    case duplicate = "DUPLICATE"
    case badIMO = "BAD_IMO"
    case unknownParty = "UNKNOWN_PARTY"
    case unknownLink = "UNKNOWN_LINK"
    case badShare = "BAD_SHARE"
    case badCountry = "BAD_COUNTRY"
    case badRegistrarSignature = "BAD_REGISTRAR_SIGNATURE"
    case sequenceReused = "SEQUENCE_REUSED"
    case keyAlreadyBound = "KEY_ALREADY_BOUND"
    case notFrozen = "NOT_FROZEN"
    case alreadyFrozen = "ALREADY_FROZEN"
    case alreadyEnded = "ALREADY_ENDED"
    // Appended (codes are never reordered); MORTGAGED runs after INSUFFICIENT_UNITS.
    case mortgaged = "MORTGAGED"
    case unknownMortgage = "UNKNOWN_MORTGAGE"
}

/// A refused entry: a stable code for machines and a message for people (STYLE.md: Errors).
public struct Rejection: CodedError, Equatable {
    public let code: ReasonCode
    public let message: String

    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }

}
