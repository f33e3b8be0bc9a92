import PlimsollCrypto

/// A vessel's continuous synopsis record (after IMO's Continuous Synopsis Record, SOLAS XI-1/5):
/// every name, flag, registered owner, manager (ISM company), operator, bareboat charterer,
/// mortgage and register status, each with the heights and block times when it held. Built from
/// the vessel's registrar entries in log order; pure, so the CLI and the HTTP route agree.
public struct Synopsis: Sendable, Encodable, Equatable {
    /// One value and the span it held: from a block to the block that changed it (open = now).
    public struct Period: Sendable, Encodable, Equatable {
        public let value: String
        public let fromHeight: Height
        public let fromMs: TimestampMs
        public var toHeight: Height?
        public var toMs: TimestampMs?

        enum CodingKeys: String, CodingKey {
            case value
            case fromHeight = "from_height"
            case fromMs = "from_ms"
            case toHeight = "to_height"
            case toMs = "to_ms"
        }
    }

    /// One registrar entry about the vessel, with where and when it settled.
    public struct Event: Sendable {
        public let height: Height
        public let timeMs: TimestampMs
        public let action: RegistrarAction

        public init(height: Height, timeMs: TimestampMs, action: RegistrarAction) {
            self.height = height
            self.timeMs = timeMs
            self.action = action
        }
    }

    public let asset: String
    public private(set) var names: [Period] = []
    public private(set) var flags: [Period] = []
    public private(set) var owners: [Period] = []
    public private(set) var managers: [Period] = []
    /// The ISM company when declared apart from the manager (else the manager is it).
    public private(set) var ismCompanies: [Period] = []
    public private(set) var classSocieties: [Period] = []
    public private(set) var operators: [Period] = []
    public private(set) var charterers: [Period] = []
    public private(set) var mortgages: [Period] = []
    public private(set) var status: [Period] = []

    enum CodingKeys: String, CodingKey {
        case asset, names, flags, owners, managers, operators, charterers, mortgages, status
        case ismCompanies = "ism_companies"
        case classSocieties = "class_societies"
    }

    /// - Parameter name: a party's name for the record ("party 3 Jui Zong Ship Management").
    public init(asset: AssetID, events: [Event], name: (PartyID) -> String) {
        self.asset = asset.text
        var registeredMortgages: UInt64 = 0  // mortgages are numbered per vessel in registration order
        for event in events {
            let at = (event.height, event.timeMs)
            switch event.action {
            case .registerVessel(let v) where v.asset == asset:
                Self.change(&names, to: v.name, at)
                Self.change(&flags, to: v.flag.code, at)
                Self.change(&owners, to: name(v.roles.owner), at)
                Self.change(&managers, to: v.roles.manager.map(name), at)
                Self.change(&operators, to: v.roles.operator.map(name), at)
                Self.change(&charterers, to: v.roles.charterer.map(name), at)
                Self.change(&status, to: "active", at)
            case .amendVessel(let a) where a.asset == asset:
                if let value = a.name { Self.change(&names, to: value, at) }
                if let flag = a.flag { Self.change(&flags, to: flag.code, at) }
                if let owner = a.owner { Self.change(&owners, to: name(owner), at) }
                for (role, change) in [
                    (\Synopsis.managers, a.manager), (\.operators, a.operator), (\.charterers, a.charterer),
                ] {
                    guard let change else { continue }
                    let value: String? =
                        switch change {
                        case .set(let party): name(party)
                        case .clear: nil
                        }
                    Self.change(&self[keyPath: role], to: value, at)
                }
            case .freeze(.vessel(let frozen), _) where frozen == asset: Self.change(&status, to: "frozen", at)
            case .unfreeze(.vessel(let frozen), _) where frozen == asset: Self.change(&status, to: "active", at)
            case .deregisterVessel(let closed, _) where closed == asset: Self.change(&status, to: "deregistered", at)
            case .reopenVessel(let reopened, _) where reopened == asset: Self.change(&status, to: "active", at)
            case .registerBareboatCharter(let c) where c.asset == asset:
                Self.change(
                    &charterers, to: "\(name(c.charterer)) (bareboat, flag \(c.underlyingFlag) → \(c.bareboatFlag))", at
                )
            case .endBareboatCharter(let chartered) where chartered == asset: Self.change(&charterers, to: nil, at)
            case .amendVesselCompanies(let amended, let ism, let society) where amended == asset:
                switch ism {
                case .set(let party): Self.change(&ismCompanies, to: name(party), at)
                case .clear: Self.change(&ismCompanies, to: nil, at)
                case nil: break
                }
                if let society { Self.change(&classSocieties, to: society.isEmpty ? nil : society, at) }
            case .registerMortgage(let m) where m.asset == asset:
                registeredMortgages += 1
                let number = registeredMortgages
                let text =
                    "mortgage \(number): \(m.units) units of \(m.key.hex.prefix(16))… to \(name(m.mortgagee)), \(m.amount) \(m.currency)"
                mortgages.append(Period(value: text, fromHeight: at.0, fromMs: at.1))
            case .transferMortgage(let mortgaged, let number, let to) where mortgaged == asset:
                Self.close(&mortgages, prefix: "mortgage \(number):", at)
                let text = "mortgage \(number): transferred to \(name(to))"
                mortgages.append(Period(value: text, fromHeight: at.0, fromMs: at.1))
            case .dischargeMortgage(let mortgaged, let number) where mortgaged == asset:
                Self.close(&mortgages, prefix: "mortgage \(number):", at)
            default: continue
            }
        }
    }

    /// Closes the open period of `periods` and opens one for `value` (nil: none from now on);
    /// an unchanged value changes nothing.
    private static func change(_ periods: inout [Period], to value: String?, _ at: (Height, TimestampMs)) {
        if let last = periods.last, last.toHeight == nil {
            guard last.value != value else { return }
            periods[periods.count - 1].toHeight = at.0
            periods[periods.count - 1].toMs = at.1
        }
        if let value { periods.append(Period(value: value, fromHeight: at.0, fromMs: at.1)) }
    }

    private static func close(_ periods: inout [Period], prefix: String, _ at: (Height, TimestampMs)) {
        for index in periods.indices where periods[index].toHeight == nil && periods[index].value.hasPrefix(prefix) {
            periods[index].toHeight = at.0
            periods[index].toMs = at.1
        }
    }
}
