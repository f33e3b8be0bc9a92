public import PlimsollCrypto

/// What the registry knows about a party beyond its registration.
public struct PartyRecord: Hashable, Sendable, Codable {
    public var party: Party
    public var screening: ScreeningStatus
    public var screeningEvidence: String
    public var frozen: Bool
    /// Assets for which the party alone is frozen, sorted.
    public var frozenAssets: [AssetID]
    /// Keys bound to the party, sorted.
    public var keys: [KeyRef]
    /// Amended particulars, oldest first, the latest `Limits.partyHistoryMax` (the log keeps all).
    public var history: [ParticularsChange] = []

    /// One amended field: what it was and what it became, at the block's time.
    public struct ParticularsChange: Hashable, Sendable, Codable {
        public let atMs: TimestampMs
        /// "name", "aliases", "country", "born", "identifiers" or "kyc".
        public let field: String
        public let from: String
        public let to: String

        public init(atMs: TimestampMs, field: String, from: String, to: String) {
            self.atMs = atMs
            self.field = field
            self.from = from
            self.to = to
        }
    }

    public init(party: Party) {
        self.party = party
        screening = .clear
        screeningEvidence = ""
        frozen = false
        frozenAssets = []
        keys = []
    }

    /// Records stored before party amendments existed have no history.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        party = try c.decode(Party.self, forKey: .party)
        screening = try c.decode(ScreeningStatus.self, forKey: .screening)
        screeningEvidence = try c.decode(String.self, forKey: .screeningEvidence)
        frozen = try c.decode(Bool.self, forKey: .frozen)
        frozenAssets = try c.decode([AssetID].self, forKey: .frozenAssets)
        keys = try c.decode([KeyRef].self, forKey: .keys)
        history = try c.decodeIfPresent([ParticularsChange].self, forKey: .history) ?? []
    }

    public func isFrozen(for asset: AssetID) -> Bool { frozen || frozenAssets.contains(asset) }
}

/// A bound key: its party, its last settled nonce and its freezes.
public struct KeyRecord: Hashable, Sendable, Codable {
    public let key: KeyRef
    public let party: PartyID
    /// 0 for a key that never sent (DESIGN.md: Nonces).
    public var lastNonce: UInt64
    public var frozen: Bool
    public var frozenAssets: [AssetID]
    /// Units of an asset that may not be sent, per asset, sorted by asset.
    public var frozenUnits: [FrozenUnits]

    public struct FrozenUnits: Hashable, Sendable, Codable {
        public let asset: AssetID
        public var units: UInt64

        public init(asset: AssetID, units: UInt64) {
            self.asset = asset
            self.units = units
        }
    }

    public init(key: KeyRef, party: PartyID) {
        self.key = key
        self.party = party
        lastNonce = 0
        frozen = false
        frozenAssets = []
        frozenUnits = []
    }

    public func isFrozen(for asset: AssetID) -> Bool { frozen || frozenAssets.contains(asset) }

    public func frozenUnits(of asset: AssetID) -> UInt64 {
        frozenUnits.first { $0.asset == asset }?.units ?? 0
    }

    mutating func setFrozenUnits(_ units: UInt64, of asset: AssetID) {
        frozenUnits.removeAll { $0.asset == asset }
        if units > 0 {
            frozenUnits.append(FrozenUnits(asset: asset, units: units))
            frozenUnits.sort { $0.asset < $1.asset }
        }
    }
}

/// A vessel with the units not yet issued to any key.
public struct VesselRecord: Hashable, Sendable, Codable {
    public var vessel: Vessel
    public var unissued: UInt64
    /// The recorded screening decision (`0x11` entries); `review` and `block` hold transfers.
    public var screening: ScreeningStatus = .clear
    public var screeningEvidence: String = ""
    /// Mortgages in force, by number (= priority), and the next number to give.
    public var mortgages: [Mortgage] = []
    public var nextMortgageNumber: UInt64 = 1
    /// The bareboat charter in force, if any.
    public var charter: BareboatCharter?
    /// The ISM company when another than the manager, and the classification society (`0x1a`).
    public var ismCompany: PartyID?
    public var classSociety: String?

    public init(vessel: Vessel, unissued: UInt64) {
        self.vessel = vessel
        self.unissued = unissued
    }

    /// Records stored before vessel screening was recorded read as clear.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vessel = try c.decode(Vessel.self, forKey: .vessel)
        unissued = try c.decode(UInt64.self, forKey: .unissued)
        screening = try c.decodeIfPresent(ScreeningStatus.self, forKey: .screening) ?? .clear
        screeningEvidence = try c.decodeIfPresent(String.self, forKey: .screeningEvidence) ?? ""
        mortgages = try c.decodeIfPresent([Mortgage].self, forKey: .mortgages) ?? []
        nextMortgageNumber = try c.decodeIfPresent(UInt64.self, forKey: .nextMortgageNumber) ?? 1
        charter = try c.decodeIfPresent(BareboatCharter.self, forKey: .charter)
        ismCompany = try c.decodeIfPresent(PartyID.self, forKey: .ismCompany)
        classSociety = try c.decodeIfPresent(String.self, forKey: .classSociety)
    }
}

/// A (asset, key) pair: the address of one balance.
public struct BalanceKey: Hashable, Sendable, Comparable {
    public let asset: AssetID
    public let key: KeyRef

    public init(asset: AssetID, key: KeyRef) {
        self.asset = asset
        self.key = key
    }

    /// What the order compares: the IMO number, then the key's hash. Plain words, so a sort of
    /// many addresses can key on them instead of moving whole addresses (`StateChanges`).
    public var orderWords: (asset: UInt32, key: Hash32) { (asset.number, key.hash) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.orderWords < rhs.orderWords }
}

/// Registry-wide counters and settings that change through entries.
public struct RegistryCounters: Hashable, Sendable, Codable {
    public var nextPartyID: UInt64 = 1
    public var nextLinkID: UInt64 = 1
    public var registrarSequence: UInt64 = 0
    public var rules: ComplianceRules = .default
    /// The sanctions list versions in force, one per source, sorted by source.
    public var lists: [ListAdoption] = []
    /// The registrar's and the sequencer's keys once rotated (nil: still genesis's).
    public var registrarKey: XOnlyPublicKey?
    public var sequencerKey: XOnlyPublicKey?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case nextPartyID, nextLinkID, registrarSequence, rules, lists, registrarKey, sequencerKey
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nextPartyID = try c.decode(UInt64.self, forKey: .nextPartyID)
        nextLinkID = try c.decode(UInt64.self, forKey: .nextLinkID)
        registrarSequence = try c.decode(UInt64.self, forKey: .registrarSequence)
        rules = try c.decode(ComplianceRules.self, forKey: .rules)
        lists = try c.decodeIfPresent([ListAdoption].self, forKey: .lists) ?? []
        registrarKey = try c.decodeIfPresent(XOnlyPublicKey.self, forKey: .registrarKey)
        sequencerKey = try c.decodeIfPresent(XOnlyPublicKey.self, forKey: .sequencerKey)
    }
}

/// The whole state of a registry: a pure value, changed only by `Ledger.apply`.
public struct LedgerState: Hashable, Sendable {
    public let genesis: Genesis
    public let chainID: Hash32
    public internal(set) var counters = RegistryCounters()
    /// Changed only through `setParty`, `setParties` and `updateParty`, which keep `partyIndex` in step.
    public private(set) var parties: [PartyID: PartyRecord] = [:]
    public internal(set) var keys: [KeyRef: KeyRecord] = [:]
    public internal(set) var vessels: [AssetID: VesselRecord] = [:]
    /// Changed only through `setLink`, which keeps `linksByOwned` in step.
    public private(set) var links: [LinkID: OwnershipLink] = [:]
    /// Non-zero balances only, per asset.
    public internal(set) var balances: [AssetID: [KeyRef: UInt64]] = [:]
    /// Sum of `balances[asset]`, kept with every change so conservation is checked in O(1).
    var heldUnits: [AssetID: UInt64] = [:]
    /// Who holds each party's particulars and identifiers: uniqueness in O(1) (`PartyIndex`).
    private(set) var partyIndex = PartyIndex()
    /// Every link (ended ones too) by the party it owns, in creation order: a declaration reads
    /// its party's links instead of every link in the registry.
    private var linksByOwned: [PartyID: [LinkID]] = [:]

    public init(genesis: Genesis) {
        self.genesis = genesis
        chainID = genesis.chainID
    }

    /// Restores a state from stored parts (the store's tables); the caller vouches for them.
    public init(
        genesis: Genesis, counters: RegistryCounters, parties: [PartyRecord], keys: [KeyRecord],
        vessels: [VesselRecord], links: [OwnershipLink], balances: [(BalanceKey, UInt64)]
    ) {
        self.init(genesis: genesis)
        self.counters = counters
        for record in parties { setParty(record) }
        for record in keys { self.keys[record.key] = record }
        for record in vessels { self.vessels[record.vessel.asset] = record }
        for link in links.sorted(by: { $0.id.raw < $1.id.raw }) { setLink(link) }
        for (address, units) in balances where units > 0 {
            self.balances[address.asset, default: [:]][address.key] = units
            heldUnits[address.asset, default: 0] += units
        }
    }

    public var rules: ComplianceRules { counters.rules }

    /// The key that signs registrar entries now: genesis's until a rotation.
    public var registrarKey: XOnlyPublicKey { counters.registrarKey ?? genesis.registrarKey }
    /// The key that signs block headers now (the header of the block that rotates it included).
    public var sequencerKey: XOnlyPublicKey { counters.sequencerKey ?? genesis.sequencerKey }

    /// The block header's `lists_digest`: SHA-256 over the sorted content hashes of the list
    /// versions in force; 32 zero bytes when none is.
    public var listsDigest: Hash32 { Self.listsDigest(counters.lists.map(\.contentHash)) }

    public static func listsDigest(_ hashes: [Hash32]) -> Hash32 {
        guard !hashes.isEmpty else { return .zero }
        return Hashing.sha256(hashes.sorted().flatMap(\.bytes))
    }

    public func balance(_ asset: AssetID, _ key: KeyRef) -> UInt64 { balances[asset]?[key] ?? 0 }

    /// Keys holding a non-zero balance of `asset`.
    public func holderCount(_ asset: AssetID) -> Int { balances[asset]?.count ?? 0 }

    /// Units of `asset` held by keys plus those not yet issued: always the vessel's total.
    public func unitsAccountedFor(_ asset: AssetID) -> UInt64 {
        (balances[asset]?.values.reduce(0, +) ?? 0) + (vessels[asset]?.unissued ?? 0)
    }

    public func party(of key: KeyRef) -> PartyRecord? { keys[key].flatMap { parties[$0.party] } }

    /// The party with this kind, name, country and date (at most one: the registry keeps them
    /// unique), found without a scan.
    public func party(kind: Party.Kind, name: String, country: Country, born: String?) -> PartyRecord? {
        partyIndex.holder(of: .init(kind: kind, name: name, country: country, born: born)).flatMap { parties[$0] }
    }

    /// The links, ended ones included, that own a part of `party`, oldest first.
    public func links(owning party: PartyID) -> [OwnershipLink] {
        (linksByOwned[party] ?? []).map { links[$0]! }
    }

    // MARK: The only mutations of parties and links, each keeping its index in step.

    /// Inserts or replaces a party's record.
    mutating func setParty(_ record: PartyRecord) {
        partyIndex.replace(parties[record.party.id]?.party, with: record.party)
        parties[record.party.id] = record
    }

    /// Inserts or replaces the records a block changed, as a whole: every old entry of the index
    /// goes before any new one comes (`PartyIndex.remove`).
    mutating func setParties(_ records: [PartyRecord]) {
        for record in records {
            if let old = parties[record.party.id]?.party { partyIndex.remove(old) }
        }
        for record in records {
            parties[record.party.id] = record
            partyIndex.insert(record.party)
        }
    }

    /// Changes a party's record in place.
    /// - Precondition: the party exists.
    mutating func updateParty(_ id: PartyID, _ change: (inout PartyRecord) -> Void) {
        let before = parties[id]!.party
        change(&parties[id]!)
        partyIndex.replace(before, with: parties[id]!.party)
    }

    /// Inserts a link or records its end.
    /// - Precondition: a link keeps its owner and owned party.
    mutating func setLink(_ link: OwnershipLink) {
        if let existing = links[link.id] {
            precondition(existing.owned == link.owned)
            precondition(existing.owner == link.owner)
        } else {
            linksByOwned[link.owned, default: []].append(link.id)
        }
        links[link.id] = link
    }
}
