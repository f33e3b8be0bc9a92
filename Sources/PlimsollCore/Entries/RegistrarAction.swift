public import PlimsollCrypto

/// Everything the registrar can put in the log (DESIGN.md: Entries), one case per entry kind.
public enum RegistrarAction: Hashable, Sendable {
    case registerParty(PartyRegistration)
    case bindKey(KeyRef, to: PartyID)
    case declareOwnership(OwnershipDeclaration)
    case endOwnership(LinkID)
    case registerVessel(VesselRegistration)
    case amendVessel(VesselAmendment)
    case issue(AssetID, to: KeyRef, units: UInt64)
    case freeze(FreezeTarget, reason: String)
    case unfreeze(FreezeTarget, reason: String)
    /// A forced transfer as earlier versions wrote it (`0x0a`): applied as then when a log is
    /// replayed, refused at intake (`Settlement.submitRegistrar`); new ones are `forcedTransferOrder`.
    case forcedTransfer(AssetID, from: KeyRef, to: KeyRef, units: UInt64, order: String)
    /// A forced transfer under a court or authority order (`0x0f`): a non-blank order reference,
    /// never a deregistered vessel, and a receiver blocked by screening or frozen only with a
    /// `licence` (the licence or order clause that explicitly allows it, logged as its own field).
    case forcedTransferOrder(AssetID, from: KeyRef, to: KeyRef, units: UInt64, order: String, licence: String?)
    case deregisterVessel(AssetID, reason: String)
    case setRules(ComplianceRules)
    case recordScreening(PartyID, ScreeningStatus, evidence: String)
    case adoptList(ListAdoption)
    /// A vessel's screening decision: `review` holds its transfers until the registrar decides.
    case recordVesselScreening(AssetID, ScreeningStatus, evidence: String)
    /// New particulars of a party (name, aliases, country, date, identifiers) and a renewed KYC
    /// claim; the previous values stay in the party's history.
    case amendParty(PartyAmendment)
    /// Mortgages over units: register (numbered per vessel, ranked by that number), move to
    /// another mortgagee, discharge, and the mortgagee's signed consent to release units.
    case registerMortgage(MortgageRegistration)
    case transferMortgage(AssetID, number: UInt64, to: PartyID)
    case dischargeMortgage(AssetID, number: UInt64)
    case consentToRelease(MortgageConsent)
    /// Reopens a vessel closed on the register (deregistered): its IMO number is never
    /// registered again as a new vessel, it comes back as the same record, history included.
    case reopenVessel(AssetID, reason: String)
    /// A bareboat charter registered (the charterer becomes the vessel's charterer), and ended.
    case registerBareboatCharter(BareboatCharter)
    case endBareboatCharter(AssetID)
    /// The vessel's ISM company (when another than its manager) and its classification society,
    /// as logged changes of particulars (nil leaves a field as it is; an empty society clears it).
    case amendVesselCompanies(AssetID, ismCompany: VesselAmendment.RoleChange?, classSociety: String?)
    /// The registrar's key replaced: registrar entries after this one are signed by the new key.
    case rotateRegistrarKey(KeyRotation)
    /// The sequencer's key replaced: this block's header and every later one are signed by the
    /// new key.
    case rotateSequencerKey(KeyRotation)

    /// The entry kind byte in the log.
    public var kind: UInt8 {
        switch self {
        case .registerParty: 0x01
        case .bindKey: 0x02
        case .declareOwnership: 0x03
        case .endOwnership: 0x04
        case .registerVessel: 0x05
        case .amendVessel: 0x06
        case .issue: 0x07
        case .freeze: 0x08
        case .unfreeze: 0x09
        case .forcedTransfer: 0x0a
        case .deregisterVessel: 0x0b
        case .setRules: 0x0c
        case .recordScreening: 0x0d
        case .adoptList: 0x0e
        case .forcedTransferOrder: 0x0f
        case .recordVesselScreening: 0x11
        case .amendParty: 0x12
        case .registerMortgage: 0x13
        case .transferMortgage: 0x14
        case .dischargeMortgage: 0x15
        case .consentToRelease: 0x16
        case .reopenVessel: 0x17
        case .registerBareboatCharter: 0x18
        case .endBareboatCharter: 0x19
        case .amendVesselCompanies: 0x1a
        case .rotateRegistrarKey: 0x1b
        case .rotateSequencerKey: 0x1c
        }
    }

    /// A short name for logs and the CLI.
    public var name: String {
        switch self {
        case .registerParty: "party"
        case .bindKey: "key-bind"
        case .declareOwnership: "own-declare"
        case .endOwnership: "own-end"
        case .registerVessel: "vessel-register"
        case .amendVessel: "vessel-amend"
        case .issue: "issue"
        case .freeze: "freeze"
        case .unfreeze: "unfreeze"
        case .forcedTransfer: "force-transfer"
        case .deregisterVessel: "deregister"
        case .setRules: "rules"
        case .recordScreening: "screening"
        case .adoptList: "list-adopted"
        case .forcedTransferOrder: "force-transfer-order"
        case .recordVesselScreening: "vessel-screening"
        case .amendParty: "party-amend"
        case .registerMortgage: "mortgage-register"
        case .transferMortgage: "mortgage-transfer"
        case .dischargeMortgage: "mortgage-discharge"
        case .consentToRelease: "mortgage-consent"
        case .reopenVessel: "vessel-reopen"
        case .registerBareboatCharter: "charter-register"
        case .endBareboatCharter: "charter-end"
        case .amendVesselCompanies: "vessel-companies"
        case .rotateRegistrarKey: "registrar-key-rotated"
        case .rotateSequencerKey: "sequencer-key-rotated"
        }
    }

    /// A rotation of the registrar's or the sequencer's key.
    public var rotatesKey: Bool {
        switch self {
        case .rotateRegistrarKey, .rotateSequencerKey: true
        default: false
        }
    }

    /// What the sequencer key may sign as well as the registrar's: what a re-screen the server
    /// runs by itself tightens (a `review` or `block` decision, a freeze), so the registrar's key
    /// can stay offline. Nothing that loosens: no `clear` decision, no unfreeze, no units moved,
    /// no change of who owns what.
    public var sequencerMaySign: Bool {
        switch self {
        case .recordScreening(_, let status, _), .recordVesselScreening(_, let status, _): status != .clear
        case .freeze: true
        default: false
        }
    }
}

/// Changed particulars of a party; a nil field is left as it is. `kycClaim` replaces the claim of
/// the same issuer, or adds one (a renewal).
public struct PartyAmendment: Hashable, Sendable, Codable {
    public var party: PartyID
    public var name: String?
    public var aliases: [String]?
    public var country: Country?
    public var born: String?
    public var identifiers: [Party.Identifier]?
    public var kycClaim: Party.KYCClaim?

    public init(party: PartyID) { self.party = party }

    /// True when nothing would change.
    public var isEmpty: Bool {
        name == nil && aliases == nil && country == nil && born == nil && identifiers == nil && kycClaim == nil
    }
}

/// The fields of a new party; the registry assigns its id when the entry applies.
public struct PartyRegistration: Hashable, Sendable, Codable {
    public var kind: Party.Kind
    public var name: String
    public var aliases: [String]
    public var country: Country
    public var born: String?
    public var identifiers: [Party.Identifier]
    public var kycClaims: [Party.KYCClaim]

    public init(
        kind: Party.Kind, name: String, aliases: [String] = [], country: Country, born: String? = nil,
        identifiers: [Party.Identifier] = [], kycClaims: [Party.KYCClaim] = []
    ) {
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.country = country
        self.born = born
        self.identifiers = identifiers
        self.kycClaims = kycClaims
    }
}

/// A new ownership link; the registry assigns its id and its start is the block time.
public struct OwnershipDeclaration: Hashable, Sendable, Codable {
    public var owner: PartyID
    public var owned: PartyID
    public var shareBps: UInt16
    public var kind: OwnershipLink.Kind
    public var evidence: Hash32

    public init(owner: PartyID, owned: PartyID, shareBps: UInt16, kind: OwnershipLink.Kind, evidence: Hash32) {
        self.owner = owner
        self.owned = owned
        self.shareBps = shareBps
        self.kind = kind
        self.evidence = evidence
    }
}

/// A vessel to register; units are fixed here for the vessel's life.
public struct VesselRegistration: Hashable, Sendable, Codable {
    public var asset: AssetID
    public var name: String
    public var flag: Country
    public var type: String
    public var grossTonnage: UInt32
    public var roles: Vessel.Roles
    public var units: UInt64

    public init(
        asset: AssetID, name: String, flag: Country, type: String, grossTonnage: UInt32, roles: Vessel.Roles,
        units: UInt64 = 64
    ) {
        self.asset = asset
        self.name = name
        self.flag = flag
        self.type = type
        self.grossTonnage = grossTonnage
        self.roles = roles
        self.units = units
    }
}

/// Changes to a vessel; `nil` leaves a field as it is.
public struct VesselAmendment: Hashable, Sendable, Codable {
    /// A role change: keep, set to a party, or clear.
    public enum RoleChange: Hashable, Sendable, Codable {
        case set(PartyID)
        case clear
    }

    public var asset: AssetID
    public var name: String?
    public var flag: Country?
    public var type: String?
    public var grossTonnage: UInt32?
    public var owner: PartyID?
    public var manager: RoleChange?
    public var `operator`: RoleChange?
    public var charterer: RoleChange?

    public init(asset: AssetID) { self.asset = asset }
}

/// A sanctions list version adopted by the registry: every later screening decision names it.
public struct ListAdoption: Hashable, Sendable, Codable {
    /// "ofac", "un", "opensanctions": one version in force per source.
    public var source: String
    public var format: String
    /// SHA-256 of the list's content (file names and bytes).
    public var contentHash: Hash32
    public var entityCount: UInt64

    public init(source: String, format: String, contentHash: Hash32, entityCount: UInt64) {
        self.source = source
        self.format = format
        self.contentHash = contentHash
        self.entityCount = entityCount
    }
}
