public import Foundation
import PlimsollCore
import Yams

/// The screening rules, as data (a YAML file; `examples/rules.yaml` documents every field).
public struct ScreeningRules: Sendable, Codable, Equatable {
    public struct NameMatch: Sendable, Codable, Equatable {
        /// A name scoring at least this against a listed name blocks.
        public var blockScore: Double
        /// At least this (and below `blockScore`) holds for a registrar's review.
        public var reviewScore: Double
    }

    public struct Ownership: Sendable, Codable, Equatable {
        /// Listed owners together holding at least this share, directly or indirectly, block
        /// (the OFAC 50 percent rule).
        public var blockPercent: Double
        /// A listed owner below `blockPercent` holds for review.
        public var reviewListedMinority: Bool
    }

    /// Designation by control (the EU and UK rules), apart from ownership: votes and control
    /// conferred by "control", "voting" and shareholding links.
    public struct Control: Sendable, Codable, Equatable {
        /// Listed parties, and parties they control, holding at least this share of a party's
        /// votes or control together block it. Control passes up a chain: a party is controlled
        /// when its controllers hold at least this share.
        public var blockPercent: Double
        /// A listed controller below `blockPercent`, through a control or voting link, holds the
        /// party for review.
        public var reviewListedMinority: Bool
    }

    /// Opacity: an organization must resolve to natural persons.
    public struct Opacity: Sendable, Codable, Equatable {
        /// An organization of which at least this share resolves to no natural person (owners
        /// undeclared, a closed cycle of companies, beyond the look-through's bounds) is held for
        /// review: an owner of that size could hide there.
        public var reviewUnresolvedPercent: Double
        /// Organizations carrying an identifier of one of these schemes resolve by themselves (a
        /// company listed on a stock exchange, a state or state body).
        public var exemptIdentifierSchemes: [String]
    }

    public struct Vessels: Sendable, Codable, Equatable {
        public var blockListedIMO: Bool
        /// Block a vessel whose owner, manager / ISM company, operator or charterer is blocked.
        public var blockListedRoles: Bool
        public var reviewFlagChangeDays: Int
        public var reviewNameChangeDays: Int
        /// Review a vessel whose registered owner declares no natural-person beneficial owner.
        public var reviewNoNaturalPersonOwner: Bool
        /// Review a vessel whose name or a former name matches a listed vessel with another IMO
        /// number (version 2; a version-1 file gets true).
        public var reviewListedVesselName: Bool
        /// Flag hopping: review a vessel that changed flag or name more than `flagHoppingChanges`
        /// times within `flagHoppingMonths` months (30 days each) (version 2; a version-1 file
        /// gets 2 within 12).
        public var flagHoppingChanges: Int
        public var flagHoppingMonths: Int

        public init(
            blockListedIMO: Bool, blockListedRoles: Bool, reviewFlagChangeDays: Int, reviewNameChangeDays: Int,
            reviewNoNaturalPersonOwner: Bool, reviewListedVesselName: Bool, flagHoppingChanges: Int = 2,
            flagHoppingMonths: Int = 12
        ) {
            self.flagHoppingChanges = flagHoppingChanges
            self.flagHoppingMonths = flagHoppingMonths
            self.blockListedIMO = blockListedIMO
            self.blockListedRoles = blockListedRoles
            self.reviewFlagChangeDays = reviewFlagChangeDays
            self.reviewNameChangeDays = reviewNameChangeDays
            self.reviewNoNaturalPersonOwner = reviewNoNaturalPersonOwner
            self.reviewListedVesselName = reviewListedVesselName
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            blockListedIMO = try c.decode(Bool.self, forKey: .blockListedIMO)
            blockListedRoles = try c.decode(Bool.self, forKey: .blockListedRoles)
            reviewFlagChangeDays = try c.decode(Int.self, forKey: .reviewFlagChangeDays)
            reviewNameChangeDays = try c.decode(Int.self, forKey: .reviewNameChangeDays)
            reviewNoNaturalPersonOwner = try c.decode(Bool.self, forKey: .reviewNoNaturalPersonOwner)
            reviewListedVesselName = try c.decodeIfPresent(Bool.self, forKey: .reviewListedVesselName) ?? true
            flagHoppingChanges = try c.decodeIfPresent(Int.self, forKey: .flagHoppingChanges) ?? 2
            flagHoppingMonths = try c.decodeIfPresent(Int.self, forKey: .flagHoppingMonths) ?? 12
        }
    }

    public var version: Int
    public var nameMatch: NameMatch
    public var ownership: Ownership
    public var vessels: Vessels
    public var control: Control
    public var opacity: Opacity
    /// Parties in these countries (ISO alpha-2) are blocked.
    public var excludedCountries: [String]

    public static let `default` = ScreeningRules(
        version: 2, nameMatch: NameMatch(blockScore: 0.93, reviewScore: 0.86),
        ownership: Ownership(blockPercent: 50, reviewListedMinority: true),
        vessels: Vessels(
            blockListedIMO: true, blockListedRoles: true, reviewFlagChangeDays: 365, reviewNameChangeDays: 365,
            reviewNoNaturalPersonOwner: true, reviewListedVesselName: true),
        control: Control(blockPercent: 50, reviewListedMinority: true),
        opacity: Opacity(reviewUnresolvedPercent: 25, exemptIdentifierSchemes: ["stock-exchange-listing", "state"]),
        excludedCountries: ["KP"]
    )

    /// The rules version this build writes; it reads version 1 too, with the defaults of the
    /// sections version 2 added (`control`, `opacity`).
    public static let versionCurrent = 2

    /// A percentage of a rules file as an exact threshold in basis points; the check at parse
    /// time makes sure no rounding happens here.
    public static func basisPoints(_ percent: Double) -> Int { Int((percent * 100).rounded()) }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses a rules file and checks its shape and values; an error names the line.
    public static func parse(yaml: String) throws -> ScreeningRules {
        try RulesFileCheck.check(yaml)
        let rules: ScreeningRules
        do { rules = try YAMLDecoder().decode(ScreeningRules.self, from: yaml) } catch let error as DecodingError {
            throw Invalid(description: describe(error, yaml))
        } catch {
            throw Invalid(description: "rules file does not parse: \(error)")
        }
        guard (1...versionCurrent).contains(rules.version) else {
            throw Invalid(description: "unknown rules version \(rules.version)")
        }
        guard (0...1).contains(rules.nameMatch.reviewScore), rules.nameMatch.reviewScore <= rules.nameMatch.blockScore,
            rules.nameMatch.blockScore <= 1
        else {
            throw Invalid(description: "name scores must satisfy 0 <= review_score <= block_score <= 1")
        }
        for (name, percent) in [
            ("ownership.block_percent", rules.ownership.blockPercent),
            ("control.block_percent", rules.control.blockPercent),
            ("opacity.review_unresolved_percent", rules.opacity.reviewUnresolvedPercent),
        ] {
            guard (0...100).contains(percent) else { throw Invalid(description: "\(name) must be 0...100") }
            // Version 1 allowed any decimals: its percentages are rounded to basis points.
            guard rules.version == 1 || abs(percent * 100 - Double(basisPoints(percent))) < 1e-6 else {
                throw Invalid(description: "\(name) has at most two decimals (a whole number of basis points)")
            }
        }
        guard rules.opacity.exemptIdentifierSchemes.allSatisfy({ !$0.isEmpty && $0.utf8.count <= Limits.textBytesMax })
        else {
            throw Invalid(description: "opacity.exempt_identifier_schemes are non-empty identifier schemes")
        }
        guard rules.vessels.flagHoppingChanges >= 0, (1...120).contains(rules.vessels.flagHoppingMonths) else {
            throw Invalid(description: "vessels.flag_hopping_changes must be 0 or more and flag_hopping_months 1...120")
        }
        guard rules.excludedCountries.allSatisfy({ $0.count == 2 }) else {
            throw Invalid(description: "excluded countries are ISO alpha-2 codes")
        }
        return rules
    }

    /// A decoding error as a sentence with the key path and its line.
    private static func describe(_ error: DecodingError, _ yaml: String) -> String {
        let (path, what): ([any CodingKey], String) =
            switch error {
            case .typeMismatch(let type, let context):
                (
                    context.codingPath,
                    "must be a \(type == Double.self ? "number" : type == Int.self ? "whole number" : type == Bool.self ? "true or false" : "\(type)")"
                )
            case .valueNotFound(_, let context): (context.codingPath, "has no value")
            case .keyNotFound(let key, let context): (context.codingPath + [key], "is missing")
            case .dataCorrupted(let context): (context.codingPath, "is not valid: \(context.debugDescription)")
            @unknown default: ([], "does not decode")
            }
        let names = path.map(\.stringValue)
        let line = RulesFileCheck.line(of: names, in: yaml).map { "line \($0): " } ?? ""
        return "rules file \(line)\(names.joined(separator: ".")) \(what)"
    }

    enum CodingKeys: String, CodingKey {
        case version, ownership, vessels, control, opacity
        case nameMatch = "name_match"
        case excludedCountries = "excluded_countries"
    }

    public init(
        version: Int, nameMatch: NameMatch, ownership: Ownership, vessels: Vessels, control: Control,
        opacity: Opacity, excludedCountries: [String]
    ) {
        self.version = version
        self.nameMatch = nameMatch
        self.ownership = ownership
        self.vessels = vessels
        self.control = control
        self.opacity = opacity
        self.excludedCountries = excludedCountries
    }

    /// A version-1 file has no `control` or `opacity` section: it gets their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        nameMatch = try c.decode(NameMatch.self, forKey: .nameMatch)
        ownership = try c.decode(Ownership.self, forKey: .ownership)
        vessels = try c.decode(Vessels.self, forKey: .vessels)
        excludedCountries = try c.decode([String].self, forKey: .excludedCountries)
        control = try c.decodeIfPresent(Control.self, forKey: .control) ?? Self.default.control
        opacity = try c.decodeIfPresent(Opacity.self, forKey: .opacity) ?? Self.default.opacity
    }
}

extension ScreeningRules.Control {
    enum CodingKeys: String, CodingKey {
        case blockPercent = "block_percent"
        case reviewListedMinority = "review_listed_minority"
    }
}

extension ScreeningRules.Opacity {
    enum CodingKeys: String, CodingKey {
        case reviewUnresolvedPercent = "review_unresolved_percent"
        case exemptIdentifierSchemes = "exempt_identifier_schemes"
    }
}

extension ScreeningRules.NameMatch {
    enum CodingKeys: String, CodingKey {
        case blockScore = "block_score"
        case reviewScore = "review_score"
    }
}

extension ScreeningRules.Ownership {
    enum CodingKeys: String, CodingKey {
        case blockPercent = "block_percent"
        case reviewListedMinority = "review_listed_minority"
    }
}

extension ScreeningRules.Vessels {
    enum CodingKeys: String, CodingKey {
        case blockListedIMO = "block_listed_imo"
        case blockListedRoles = "block_listed_roles"
        case reviewFlagChangeDays = "review_flag_change_days"
        case reviewNameChangeDays = "review_name_change_days"
        case reviewNoNaturalPersonOwner = "review_no_natural_person_owner"
        case reviewListedVesselName = "review_listed_vessel_name"
        case flagHoppingChanges = "flag_hopping_changes"
        case flagHoppingMonths = "flag_hopping_months"
    }
}
