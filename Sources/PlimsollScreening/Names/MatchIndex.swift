import Foundation

/// A name match with the evidence of why it matched.
public struct NameMatch: Sendable, Codable, Equatable {
    public let entityID: String
    public let source: String
    public let kind: ListEntity.Kind
    public let listedName: String
    /// The listed name form (primary or alias) that matched best.
    public let matchedForm: String
    public let score: Double
    /// Human-readable evidence: the normalised forms and how their tokens paired.
    public let evidence: String
    public let programmes: [String]

    public init(
        entityID: String, source: String, kind: ListEntity.Kind, listedName: String, matchedForm: String, score: Double,
        evidence: String, programmes: [String]
    ) {
        self.entityID = entityID
        self.source = source
        self.kind = kind
        self.listedName = listedName
        self.matchedForm = matchedForm
        self.score = score
        self.evidence = evidence
        self.programmes = programmes
    }
}

/// The screening index over every adopted list: names blocked by token prefix so a query
/// compares against a few hundred candidates, never the whole list, and IMO numbers by value.
public struct MatchIndex: Sendable {
    struct Form: Sendable {
        let entity: Int
        let text: String
        let tokens: [[Unicode.Scalar]]
        let joined: [Unicode.Scalar]
    }

    public let entities: [ListEntity]
    private var forms: [Form] = []
    private var byBlock: [String: [Int]] = [:]
    private var byIMO: [String: [Int]] = [:]
    private var byID: [String: Int] = [:]
    /// Two tokens pair only this similar or more ("bulk" and "blu" do not; "muhammad" and
    /// "mohammed" do).
    static let tokenPairMin = 0.86

    /// Ceiling of a score when listed tokens stay unmatched: below the default block score.
    static let partialNameScoreMax = 0.92

    /// Ceiling, below the default review score, of a partial match that is weak: no token equal
    /// to a listed one ("Maria Alvarez" against "BARRERA MARIN, Alvaro": maria~marin,
    /// alvarez~alvaro), or at most half of the listed tokens covered with one pairing only
    /// similar ("Maria Alvarez" against "URDINOLA ALVAREZ, Hector Mario"). "Mario Alvarez" (both
    /// equal) is still held for review against the latter.
    static let weakPartialScoreMax = 0.84

    /// Candidates scored per query at most (blocking keeps it far below this).
    public static let candidatesMax = 400

    public init(entities: [ListEntity]) {
        self.entities = entities
        for (index, entity) in entities.enumerated() {
            byID[entity.id] = index
            for imo in entity.imoNumbers { byIMO[imo, default: []].append(index) }
            for name in Set(entity.names) {
                let tokens = NameNormalizer.tokens(name)
                guard !tokens.isEmpty else { continue }
                let form = Form(
                    entity: index, text: name, tokens: tokens.map { Array($0.unicodeScalars) },
                    joined: Array(tokens.joined().unicodeScalars)
                )
                let formIndex = forms.count
                forms.append(form)
                for key in Set(Self.blockKeys(tokens)) { byBlock[key, default: []].append(formIndex) }
            }
        }
    }

    /// Blocking keys: the first three letters of each token and of the run-together name.
    static func blockKeys(_ tokens: [String]) -> [String] {
        (tokens + [tokens.joined()]).map { String($0.prefix(3)) }
    }

    public var formCount: Int { forms.count }

    /// Listed entities whose names score at least `threshold` against `name`, best first.
    public func match(name: String, kind: ListEntity.Kind? = nil, threshold: Double) -> [NameMatch] {
        let tokens = NameNormalizer.tokens(name)
        guard !tokens.isEmpty else { return [] }
        let query = tokens.map { Array($0.unicodeScalars) }
        let joined = Array(tokens.joined().unicodeScalars)
        // A form is a candidate when it shares two blocking keys with the query (one for a
        // one-token query): "kim jong un" and "jong-un kim" share three, a name that merely
        // starts like one listed token shares one and is never scored.
        let keys = Set(Self.blockKeys(tokens))
        let required = min(2, keys.count)
        var hits: [Int: Int] = [:]
        for key in keys {
            for form in byBlock[key] ?? [] { hits[form, default: 0] += 1 }
        }
        // The forms sharing the most keys first, at most `candidatesMax` of them.
        let candidates = hits.filter { $0.value >= required }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(Self.candidatesMax).map(\.key)
        var best: [Int: NameMatch] = [:]
        for formIndex in candidates {
            let form = forms[formIndex]
            let entity = entities[form.entity]
            if let kind, !Self.compatible(kind, entity.kind) { continue }
            let (score, pairs) = Self.score(query, joined, form)
            guard score >= threshold else { continue }
            if let existing = best[form.entity], existing.score >= score { continue }
            best[form.entity] = NameMatch(
                entityID: entity.id, source: entity.source, kind: entity.kind, listedName: entity.primaryName,
                matchedForm: form.text,
                score: (score * 1000).rounded() / 1000,
                evidence:
                    "\"\(tokens.joined(separator: " "))\" ~ \"\(form.tokens.map { String(String.UnicodeScalarView($0)) }.joined(separator: " "))\": \(pairs)",
                programmes: entity.programmes
            )
        }
        return best.values.sorted { ($0.score, $1.entityID) > ($1.score, $0.entityID) }
    }

    /// The listed entity with this id ("ofac:9702"), if adopted.
    public func entity(_ id: String) -> ListEntity? { byID[id].map { entities[$0] } }

    /// Listed entities carrying this IMO number (vessel or company), in any common form.
    public func match(imo: String) -> [ListEntity] {
        guard let digits = IMOText.normalize(imo) else { return [] }
        return (byIMO[digits] ?? []).map { entities[$0] }
    }

    static func compatible(_ query: ListEntity.Kind, _ listed: ListEntity.Kind) -> Bool {
        switch query {
        case .person: listed == .person
        case .organization: listed == .organization
        case .vessel, .aircraft: listed == query
        }
    }

    /// Token-order-free similarity: each query token pairs with its best listed token
    /// (Jaro-Winkler), weighted by length, and unpaired tokens of either side count against it.
    /// When the token counts differ (run-together or hyphenated parts: "Kim Jongun" against
    /// "Kim Jong Un"), the run-together forms are compared too.
    static func score(_ query: [[Unicode.Scalar]], _ joined: [Unicode.Scalar], _ form: Form) -> (Double, String) {
        var used = Set<Int>()
        var exactPairs = 0
        var total = 0.0
        var weight = 0.0
        var pairs: [String] = []
        for token in query.sorted(by: { $0.count > $1.count }) {
            var bestScore = 0.0
            var bestIndex = -1
            for (index, listed) in form.tokens.enumerated() where !used.contains(index) {
                let s = JaroWinkler.similarity(token, listed)
                if s > bestScore {
                    bestScore = s
                    bestIndex = index
                }
            }
            let w = Double(token.count)
            weight += w
            if bestIndex >= 0 && bestScore >= Self.tokenPairMin {
                used.insert(bestIndex)
                if token == form.tokens[bestIndex] { exactPairs += 1 }
                total += w * bestScore
                pairs.append(
                    "\(String(String.UnicodeScalarView(token)))=\(String(String.UnicodeScalarView(form.tokens[bestIndex]))) \(String(format: "%.2f", bestScore))"
                )
            } else {
                pairs.append("\(String(String.UnicodeScalarView(token)))=∅")
            }
        }
        let listedWeight = form.tokens.reduce(0.0) { $0 + Double($1.count) }
        let unmatchedListed = form.tokens.enumerated().filter { !used.contains($0.offset) }.reduce(0.0) {
            $0 + Double($1.element.count)
        }
        var score: Double
        if query.count >= 2 {
            // Every query token found, but the listed name has more (a patronymic, a middle
            // name): a strong hint, held for review rather than blocked.
            let coverage = listedWeight > 0 ? 1 - unmatchedListed / listedWeight : 0
            score = (weight > 0 ? total / weight : 0) * (0.85 + 0.15 * coverage)
            if unmatchedListed > 0 { score = min(score, Self.partialNameScoreMax) }
            let inexactPair = exactPairs < used.count
            if unmatchedListed > 0, exactPairs == 0 || (inexactPair && used.count * 2 <= form.tokens.count) {
                score = min(score, Self.weakPartialScoreMax)
            }
        } else {
            score = weight + unmatchedListed > 0 ? total / (weight + unmatchedListed) : 0
        }
        var how = "tokens " + pairs.joined(separator: ", ")
        if query.count != form.tokens.count, abs(joined.count - form.joined.count) <= 1 {
            let together = JaroWinkler.similarity(joined, form.joined)
            if together > score {
                score = together
                how =
                    "run-together \(String(String.UnicodeScalarView(joined)))=\(String(String.UnicodeScalarView(form.joined))) \(String(format: "%.2f", together))"
            }
        }
        return (score, how)
    }
}
