public import PlimsollScreening

/// One query of the screening evaluation set: a name (or IMO text) a registrar might type, and
/// whether it refers to a listed entity.
///
/// Positives name the listed entity they were made from (`target`) and the listed form they
/// started from (`base`); negatives have neither.
public struct EvalQuery: Sendable, Codable, Equatable {
    public let id: Int
    /// The variant family: korean, arabic, cyrillic, chinese, titles, typos, abbreviations,
    /// vessels, imo, order, identifiers (positives); near_miss, ordinary, alias_other_dob
    /// (negatives).
    public let category: String
    public let positive: Bool
    public let kind: ListEntity.Kind
    public let name: String
    /// The party's date of birth (`YYYY-MM-DD`) when the query carries one.
    public let born: String?
    public let target: String?
    public let base: String?

    public init(
        id: Int, category: String, positive: Bool, kind: ListEntity.Kind, name: String, born: String? = nil,
        target: String? = nil, base: String? = nil
    ) {
        self.id = id
        self.category = category
        self.positive = positive
        self.kind = kind
        self.name = name
        self.born = born
        self.target = target
        self.base = base
    }
}
