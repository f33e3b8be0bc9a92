import PlimsollCore

/// What a submitter is told about a refused transfer: the stable code and a neutral sentence.
///
/// The core's message is for the audit and for regulators: for `FROZEN`, `SANCTIONS_HIT`,
/// `SCREENING_REVIEW`, `KYC_EXPIRED` and `COUNTRY_BLOCKED` it names parties, ownership paths,
/// shares and list entries, which a submitter (anyone holding a signed transfer) must never
/// read. Every code therefore has a fixed public detail written here, and the message never
/// leaves the server on a transfer route; the evidence stays behind the regulator routes.
enum PublicRejection {
    static func detail(_ code: ReasonCode) -> String {
        switch code {
        case .badSignature: "the signature does not verify for this registry's chain_id"
        case .unknownAsset: "no vessel is registered under this asset id"
        case .unknownKey: "a key of this transfer is not bound to a registered party"
        case .expired: "the transfer expired before it could settle"
        case .expiryTooFar: "expires_at is further ahead than the registry's maximum validity"
        case .nonceReused: "the nonce is not above the sender's last settled nonce"
        case .assetNotActive: "the vessel is not active on the register"
        case .frozen: "a vessel, party or key of this transfer is frozen"
        case .kycExpired: "a party of this transfer has no valid KYC claim"
        case .sanctionsHit: "screening blocks a party or the vessel of this transfer"
        case .screeningReview: "a party or the vessel of this transfer is held for screening review"
        case .countryBlocked: "a party of this transfer is in a country the registry excludes"
        case .insufficientUnits: "the sender does not hold enough free units"
        case .holderLimit: "the vessel would exceed its holder limit"
        case .minHolding: "a holding would fall below the vessel's minimum"
        case .mortgaged: "the units are mortgaged and the mortgagee has not consented to this transfer"
        case .unknownMortgage,
            .malformed, .duplicate, .badIMO, .unknownParty, .unknownLink, .badShare, .badCountry,
            .badRegistrarSignature, .sequenceReused, .keyAlreadyBound, .notFrozen, .alreadyFrozen, .alreadyEnded:
            "the entry was refused"
        }
    }
}
