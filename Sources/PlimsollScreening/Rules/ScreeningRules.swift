public import Foundation
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

    public struct Vessels: Sendable, Codable, Equatable {
        public var blockListedIMO: Bool
        /// Block a vessel whose owner, manager / ISM company, operator or charterer is blocked.
        public var blockListedRoles: Bool
        public var reviewFlagChangeDays: Int
        public var reviewNameChangeDays: Int
        /// Review a vessel whose registered owner declares no natural-person beneficial owner.
        public var reviewNoNaturalPersonOwner: Bool
    }

    public var version: Int
    public var nameMatch: NameMatch
    public var ownership: Ownership
    public var vessels: Vessels
    /// Parties in these countries (ISO alpha-2) are blocked.
    public var excludedCountries: [String]

    public static let `default` = ScreeningRules(
        version: 1, nameMatch: NameMatch(blockScore: 0.93, reviewScore: 0.86),
        ownership: Ownership(blockPercent: 50, reviewListedMinority: true),
        vessels: Vessels(
            blockListedIMO: true, blockListedRoles: true, reviewFlagChangeDays: 365, reviewNameChangeDays: 365,
            reviewNoNaturalPersonOwner: true),
        excludedCountries: ["KP"]
    )

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
        guard rules.version == 1 else { throw Invalid(description: "unknown rules version \(rules.version)") }
        guard (0...1).contains(rules.nameMatch.reviewScore), rules.nameMatch.reviewScore <= rules.nameMatch.blockScore,
            rules.nameMatch.blockScore <= 1
        else {
            throw Invalid(description: "name scores must satisfy 0 <= review_score <= block_score <= 1")
        }
        guard (0...100).contains(rules.ownership.blockPercent) else {
            throw Invalid(description: "block_percent must be 0...100")
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
        case version, ownership, vessels
        case nameMatch = "name_match"
        case excludedCountries = "excluded_countries"
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
    }
}
