/// What a registrar knows about a party besides its names: compared with what a list knows
/// about a listed entity, to tell two people of one name apart.
public struct MatchSubject: Sendable, Equatable {
    /// Date of birth or incorporation, "YYYY-MM-DD" (or "YYYY").
    public var born: String?
    /// Nationality (persons) or country of incorporation (organizations), ISO 3166 alpha-2.
    public var country: String?
    /// Document and registration numbers, any spacing.
    public var identifiers: [String]

    public init(born: String? = nil, country: String? = nil, identifiers: [String] = []) {
        self.born = born
        self.country = country
        self.identifiers = identifiers
    }

    public var isEmpty: Bool { born == nil && country == nil && identifiers.isEmpty }
}

/// One comparison of a party's particular with a listed entity's, recorded in the evidence.
public struct IdentifierCheck: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case agrees, disagrees
    }

    /// "born", "country" or "identifier".
    public let field: String
    public let party: String
    public let listed: [String]
    public let outcome: Outcome
    /// What the comparison added to or took from the name score.
    public let adjustment: Double

    public init(field: String, party: String, listed: [String], outcome: Outcome, adjustment: Double) {
        self.field = field
        self.party = party
        self.listed = listed
        self.outcome = outcome
        self.adjustment = adjustment
    }
}

/// Raises or lowers a name score by the identifiers both sides give (issue 14, item 3).
///
/// - An equal document or registration number: +0.05, agrees.
/// - Date of birth: the listed day itself +0.04; a listed year (or range, "circa" two years
///   either side) holding it +0.02; every listed date more than two years away -0.05 and
///   disagrees.
/// - Country (nationality, address, place of birth on the list): one of them +0.02; none of them
///   -0.02 (people move: never a disagreement on its own).
///
/// A match whose identifiers disagree is a match on the name alone against someone the list
/// describes otherwise: its score is held below `disagreeScoreMax`, so it is reviewed, never
/// blocked on the default rules; the screener also never blocks it.
public enum IdentifierComparison {
    public static let disagreeScoreMax = 0.9

    public static func compare(_ subject: MatchSubject, _ entity: ListEntity) -> [IdentifierCheck] {
        var checks: [IdentifierCheck] = []
        let listedIdentifiers = Set(entity.identifiers)
        for value in subject.identifiers {
            let key = ListEntity.identifierKey(value)
            if key.count >= 4, listedIdentifiers.contains(key) {
                checks.append(
                    IdentifierCheck(
                        field: "identifier", party: value, listed: [key], outcome: .agrees, adjustment: 0.05)
                )
            }
        }
        if let born = subject.born, let year = Int(born.prefix(4)) {
            let dates = entity.dates.compactMap(ListedDate.init)
            if !dates.isEmpty {
                if born.count == 10, dates.contains(where: { $0.day == born }) {
                    checks.append(
                        IdentifierCheck(
                            field: "born", party: born, listed: entity.dates, outcome: .agrees, adjustment: 0.04))
                } else if dates.contains(where: { $0.years.contains(year) }) {
                    checks.append(
                        IdentifierCheck(
                            field: "born", party: born, listed: entity.dates, outcome: .agrees, adjustment: 0.02))
                } else if dates.allSatisfy({ year < $0.years.lowerBound - 2 || year > $0.years.upperBound + 2 }) {
                    checks.append(
                        IdentifierCheck(
                            field: "born", party: born, listed: entity.dates, outcome: .disagrees, adjustment: -0.05))
                }
            }
        }
        if let country = subject.country {
            let codes = Set(entity.countries.compactMap(CountryNames.code))
            if !codes.isEmpty {
                let agrees = codes.contains(country.uppercased())
                checks.append(
                    IdentifierCheck(
                        field: "country", party: country.uppercased(), listed: codes.sorted(),
                        outcome: agrees ? .agrees : .disagrees, adjustment: agrees ? 0.02 : -0.02))
            }
        }
        return checks
    }

    /// The name score with the checks applied, within 0...1.
    public static func adjusted(_ score: Double, _ checks: [IdentifierCheck]) -> Double {
        var adjusted = score + checks.reduce(0) { $0 + $1.adjustment }
        if disagrees(checks) { adjusted = min(adjusted, disagreeScoreMax) }
        return min(1, max(0, adjusted))
    }

    /// True when a date of birth disagrees and no document number agrees.
    public static func disagrees(_ checks: [IdentifierCheck]) -> Bool {
        checks.contains { $0.field == "born" && $0.outcome == .disagrees }
            && !checks.contains { $0.field == "identifier" && $0.outcome == .agrees }
    }
}
