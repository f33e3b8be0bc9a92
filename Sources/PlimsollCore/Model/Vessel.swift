/// A registered vessel, the asset whose units holders own (DESIGN.md: Vessel).
public struct Vessel: Hashable, Sendable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active, frozen, deregistered
    }

    /// The parties around a vessel that screening looks at, each optional but the owner.
    public struct Roles: Hashable, Sendable, Codable {
        public var owner: PartyID
        /// Ship manager / ISM company.
        public var manager: PartyID?
        public var `operator`: PartyID?
        /// Bareboat charterer.
        public var charterer: PartyID?

        public init(owner: PartyID, manager: PartyID? = nil, operator: PartyID? = nil, charterer: PartyID? = nil) {
            self.owner = owner
            self.manager = manager
            self.operator = `operator`
            self.charterer = charterer
        }

        public var all: [PartyID] { [owner] + [manager, `operator`, charterer].compactMap { $0 } }
    }

    /// One change of name or flag, with the block time it took effect.
    public struct Change: Hashable, Sendable, Codable {
        public let atMs: TimestampMs
        public let from: String
        public let to: String
    }

    public let asset: AssetID
    public var name: String
    public var flag: Country
    public var type: String
    public var grossTonnage: UInt32
    public var roles: Roles
    public let totalUnits: UInt64
    public var status: Status
    public let registeredAtMs: TimestampMs
    public var nameHistory: [Change]
    public var flagHistory: [Change]

    public init(
        asset: AssetID, name: String, flag: Country, type: String, grossTonnage: UInt32, roles: Roles,
        totalUnits: UInt64, registeredAtMs: TimestampMs
    ) {
        self.asset = asset
        self.name = name
        self.flag = flag
        self.type = type
        self.grossTonnage = grossTonnage
        self.roles = roles
        self.totalUnits = totalUnits
        self.status = .active
        self.registeredAtMs = registeredAtMs
        self.nameHistory = []
        self.flagHistory = []
    }
}
