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
    /// The party's date of birth, country and numbers against the listed entity's, when the
    /// query gave any (absent otherwise).
    public var checks: [IdentifierCheck]?

    /// True when the identifiers say this is someone else of the same name: never a block.
    public var identifiersDisagree: Bool { IdentifierComparison.disagrees(checks ?? []) }

    public init(
        entityID: String, source: String, kind: ListEntity.Kind, listedName: String, matchedForm: String, score: Double,
        evidence: String, programmes: [String], checks: [IdentifierCheck]? = nil
    ) {
        self.entityID = entityID
        self.source = source
        self.kind = kind
        self.listedName = listedName
        self.matchedForm = matchedForm
        self.score = score
        self.evidence = evidence
        self.programmes = programmes
        self.checks = checks
    }
}

/// The screening index over every adopted list.
///
/// Candidates come from the tokens a query shares with listed names, found through a sound key
/// (`PhoneticKey`) and its one-deletion neighbourhood, so one slip or respelling per token is
/// still found; a listed name's rank among candidates is the rarity of what it shares (inverse
/// document frequency), so a common part ("muhammad", "abd") cannot crowd out the right entry.
/// IMO numbers are found by value, in any common form, also when sent as a name.
public struct MatchIndex: Sendable {
    struct Form: Sendable {
        let entity: Int
        let kind: ListEntity.Kind
        let text: String
        let tokens: [[Unicode.Scalar]]
        let sounds: [[Unicode.Scalar]]
        let joined: [Unicode.Scalar]
        let joinedSound: [Unicode.Scalar]
        /// Each token's rarity (as `vocabularyWeight`), set once the whole index is read.
        var weights: [Double] = []
    }

    public let entities: [ListEntity]
    private var forms: [Form] = []
    /// Distinct listed tokens, their sound keys and the forms using them.
    private var vocabulary: [[Unicode.Scalar]] = []
    private var vocabularySounds: [[Unicode.Scalar]] = []
    private var vocabularyForms: [[Int32]] = []
    private var vocabularyWeight: [Double] = []
    private var byKey: [String: [Int32]] = [:]
    /// Names of several tokens by the sound key of their run-together form ("NAM SAN 8" and
    /// "NAMSAN 8", "DENG Zhonghua" and "Teng Chung-hua" meet here).
    private var byJoinedSound: [[Unicode.Scalar]: [Int32]] = [:]
    private var byIMO: [String: [Int]] = [:]
    /// The rarity below which a token is common (used by `commonFormsMin` forms or more).
    private var commonWeight = 0.0
    private var byID: [String: Int] = [:]
    /// Two tokens pair only this similar or more ("bulk" and "blu" do not; "muhammad" and
    /// "mohammed" do).
    static let tokenPairMin = 0.86

    /// A listed token is followed to its names only this similar or more to a query token.
    static let candidateTokenMin = 0.80

    /// Ceiling of a score when listed tokens stay unmatched: below the default block score.
    static let partialNameScoreMax = 0.92

    /// Ceiling, below the default review score, of a partial match that is weak: no token equal
    /// to a listed one ("Maria Alvarez" against "BARRERA MARIN, Alvaro": maria~marin,
    /// alvarez~alvaro), or at most half of the listed tokens covered with one pairing only
    /// similar ("Maria Alvarez" against "URDINOLA ALVAREZ, Hector Mario"). "Mario Alvarez" (both
    /// equal) is still held for review against the latter.
    static let weakPartialScoreMax = 0.84

    /// Candidates scored per query at most, best-sharing first: a bound on work, never reached
    /// by one common part since candidates are ranked by the rarity of what they share.
    public static let candidatesMax = 250

    /// A token used by this many listed forms or more is common ("muhammad", "ali", "kim").
    static let commonFormsMin = 40

    /// What a partial name costs when every part it shares with the listed name is common
    /// ("Karim Habib" against "KAREEM, Aras Habib"): such pairs are everyone's names.
    static let commonPartialCost = 0.03

    /// What a name can score above the share of the query's letters it pairs: identifier
    /// agreements (+0.11 at most) and pairings the sound-key lookup did not see.
    static let boundSlack = 0.15

    /// The weight of a run-together name shared with the query, when ranking candidates.
    static let joinedWeight = 3.0

    public init(entities: [ListEntity]) {
        self.entities = entities
        var vocabularyIndex: [[Unicode.Scalar]: Int32] = [:]
        func intern(_ token: [Unicode.Scalar], form: Int) {
            let id: Int32
            if let known = vocabularyIndex[token] {
                id = known
            } else {
                id = Int32(vocabulary.count)
                vocabularyIndex[token] = id
                vocabulary.append(token)
                let sound = PhoneticKey.of(token)
                vocabularySounds.append(sound)
                vocabularyForms.append([])
                for key in Self.keys(sound) { byKey[key, default: []].append(id) }
            }
            if vocabularyForms[Int(id)].last != Int32(form) { vocabularyForms[Int(id)].append(Int32(form)) }
        }
        for (index, entity) in entities.enumerated() {
            byID[entity.id] = index
            for imo in entity.imoNumbers { byIMO[imo, default: []].append(index) }
            for name in Set(entity.names).sorted() {
                let tokens = NameNormalizer.tokens(name, kind: entity.kind)
                guard !tokens.isEmpty else { continue }
                let scalars = tokens.map { Array($0.unicodeScalars) }
                let form = Form(
                    entity: index, kind: entity.kind, text: name, tokens: scalars, sounds: scalars.map(PhoneticKey.of),
                    joined: Array(tokens.joined().unicodeScalars),
                    joinedSound: PhoneticKey.of(Array(tokens.joined().unicodeScalars)))
                let formIndex = forms.count
                forms.append(form)
                for token in scalars { intern(token, form: formIndex) }
                if scalars.count > 1 { byJoinedSound[form.joinedSound, default: []].append(Int32(formIndex)) }
            }
        }
        let total = Double(max(1, forms.count))
        vocabularyWeight = vocabularyForms.map { log(1 + total / Double($0.count)) }
        commonWeight = log(1 + total / Double(Self.commonFormsMin))
        for index in forms.indices {
            forms[index].weights = forms[index].tokens.map { vocabularyWeight[Int(vocabularyIndex[$0]!)] }
        }
    }

    /// Lookup keys of a sound key: itself when short, else its first five letters and every
    /// way of deleting one of them (a slip or respelling in the first letters still meets).
    static func keys(_ sound: [Unicode.Scalar]) -> [String] {
        guard sound.count > 3 else { return ["=" + String(String.UnicodeScalarView(sound))] }
        let head = Array(sound.prefix(5))
        var keys = [String(String.UnicodeScalarView(head))]
        for skip in head.indices {
            var shorter = head
            shorter.remove(at: skip)
            keys.append(String(String.UnicodeScalarView(shorter)))
        }
        return keys
    }

    public var formCount: Int { forms.count }

    /// Listed entities whose names score at least `threshold` against `name`, best first. A
    /// name that is an IMO number in any common form ("IMO No. 8412467") finds the entities
    /// listing that number, at score 1.
    ///
    /// With a `subject`, each candidate's score is raised or lowered by its date of birth,
    /// country and numbers against the listed entity's (`IdentifierComparison`), and the
    /// comparisons are kept in the match.
    ///
    /// A `cache` keeps the listed tokens found for each query token across calls: re-screening a
    /// whole registry meets the same given names and surnames again and again.
    public func match(
        name: String, kind: ListEntity.Kind? = nil, threshold: Double, subject: MatchSubject? = nil,
        cache: MatchCache? = nil
    ) -> [NameMatch] {
        var best: [Int: NameMatch] = [:]
        for match in imoMatches(name) {
            // An IMO company number (a manager's) is listed on an organization: kept for any kind.
            guard kind == nil || Self.compatible(kind!, match.kind) || match.kind == .organization,
                let index = byID[match.entityID]
            else { continue }
            best[index] = match
        }
        let tokens = NameNormalizer.tokens(name, kind: kind)
        guard !tokens.isEmpty else { return Self.sorted(best) }
        let query = tokens.map { Array($0.unicodeScalars) }
        let sounds = query.map(PhoneticKey.of)
        let joined = Array(tokens.joined().unicodeScalars)
        for formIndex in candidates(query, sounds, joined, kind: kind, threshold: threshold, cache: cache) {
            let form = forms[formIndex]
            let entity = entities[form.entity]
            var score = Self.score(query, sounds, joined, form, explain: false, commonWeight: commonWeight).score
            var checks: [IdentifierCheck]?
            if let subject, !subject.isEmpty {
                let compared = IdentifierComparison.compare(subject, entity)
                score = IdentifierComparison.adjusted(score, compared)
                checks = compared
            }
            guard score >= threshold else { continue }
            if let existing = best[form.entity], existing.score >= score { continue }
            let pairs = Self.score(query, sounds, joined, form, explain: true, commonWeight: commonWeight).how
            best[form.entity] = NameMatch(
                entityID: entity.id, source: entity.source, kind: entity.kind, listedName: entity.primaryName,
                matchedForm: form.text,
                score: (score * 1000).rounded() / 1000,
                evidence:
                    "\"\(tokens.joined(separator: " "))\" ~ \"\(form.tokens.map { String(String.UnicodeScalarView($0)) }.joined(separator: " "))\": \(pairs)",
                programmes: entity.programmes, checks: checks
            )
        }
        return Self.sorted(best)
    }

    static func sorted(_ best: [Int: NameMatch]) -> [NameMatch] {
        best.values.sorted { ($0.score, $1.entityID) > ($1.score, $0.entityID) }
    }

    /// The forms sharing the rarest tokens with the query: for each query token (and the
    /// run-together query), the listed tokens within one slip of its sound key, followed to
    /// their forms and weighted by rarity times similarity.
    private func candidates(
        _ query: [[Unicode.Scalar]], _ sounds: [[Unicode.Scalar]], _ joined: [Unicode.Scalar],
        kind: ListEntity.Kind?, threshold: Double, cache: MatchCache?
    ) -> [Int] {
        struct Probe {
            var hits: [(id: Int32, gain: Double)] = []
            let letters: Double
            let joined: Bool
            var best = 0.0
        }
        let total = Double(query.reduce(0) { $0 + $1.count })
        var probes: [Probe] = []
        var seen = Set<Int32>()
        for (token, sound) in zip(query, sounds) {
            var probe = Probe(letters: Double(token.count), joined: false)
            if let known = cache?.hits(token) {
                probe.hits = known
                probe.best = known.map(\.gain).max() ?? 0
                probes.append(probe)
                continue
            }
            seen.removeAll(keepingCapacity: true)
            for key in Self.keys(sound) {
                for id in byKey[key] ?? [] where seen.insert(id).inserted {
                    let listed = vocabulary[Int(id)]
                    let listedSound = vocabularySounds[Int(id)]
                    // Lengths alone can rule a pair out, before any Jaro-Winkler.
                    guard
                        Self.similarityBound(token.count, listed.count) >= Self.candidateTokenMin
                            || Self.similarityBound(sound.count, listedSound.count) - Self.soundDiscount
                                >= Self.candidateTokenMin
                    else { continue }
                    let similarity = Self.similarity(token, sound, listed, listedSound)
                    guard similarity >= Self.candidateTokenMin else { continue }
                    let gain = similarity * vocabularyWeight[Int(id)]
                    probe.hits.append((id, gain))
                    probe.best = max(probe.best, gain)
                }
            }
            cache?.keep(token, probe.hits)
            probes.append(probe)
        }
        // The run-together query against run-together names, by equal sound key only: a name
        // unique to its form, so its rarity says nothing; it counts as one ordinary shared token.
        var joinedForms: [Int32] = []
        if let forms = byJoinedSound[PhoneticKey.of(joined)] {
            joinedForms = forms
            probes.append(Probe(letters: total, joined: true, best: Self.joinedWeight))
        }
        // The run-together probe first (it alone can cover the whole name), then the rarest. A
        // form first reached by a probe can pair at most the letters of that probe and of those
        // after it; when that cannot reach the threshold, the probe only adds to forms already
        // reached. So a common part ("muhammad", "maria") weighs in but never floods the
        // candidates, and a name sharing nothing rare with any listed one costs little.
        let order = probes.indices.sorted {
            (probes[$0].joined ? 1 : 0, probes[$0].best, -$0) > (probes[$1].joined ? 1 : 0, probes[$1].best, -$1)
        }
        var remaining = total
        var reached: [Int32: (weight: Double, letters: Double)] = [:]
        var share: [Int32: Double] = [:]
        for index in order {
            let probe = probes[index]
            let reachable = probe.joined ? 1 : remaining / max(total, 1)
            let mayAdd = reachable + Self.boundSlack >= threshold
            share.removeAll(keepingCapacity: true)
            if probe.joined {
                for form in joinedForms { share[form] = Self.joinedWeight * 0.95 }
            }
            for (id, gain) in probe.hits {
                for form in vocabularyForms[Int(id)] where mayAdd || reached[form] != nil {
                    if share[form, default: 0] < gain { share[form] = gain }
                }
            }
            for (form, gain) in share {
                reached[form, default: (0, 0)].weight += gain
                reached[form, default: (0, 0)].letters += probe.letters
            }
            if !probe.joined { remaining -= probe.letters }
        }
        var ranked: [(form: Int, weight: Double)] = []
        for (form, entry) in reached where entry.letters / max(total, 1) + Self.boundSlack >= threshold {
            guard kind == nil || Self.compatible(kind!, forms[Int(form)].kind) else { continue }
            // Among forms sharing the same parts, the one with fewer others comes first ("Abu
            // Ahmad" is an alias of many; the two-word forms before the long ones).
            let extra = Double(max(0, forms[Int(form)].tokens.count - query.count))
            ranked.append((Int(form), entry.weight - 0.5 * extra))
        }
        ranked.sort { ($0.weight, $1.form) > ($1.weight, $0.form) }
        return ranked.prefix(Self.candidatesMax).map(\.form)
    }

    /// The listed entity with this id ("ofac:9702"), if adopted.
    public func entity(_ id: String) -> ListEntity? { byID[id].map { entities[$0] } }

    /// Listed entities carrying this IMO number (vessel or company), in any common form.
    public func match(imo: String) -> [ListEntity] {
        guard let digits = IMOText.normalize(imo) else { return [] }
        return (byIMO[digits] ?? []).map { entities[$0] }
    }

    /// The same as matches at score 1, as a name query and `POST /v1/screen`'s `imo` answer them.
    public func imoMatches(_ imo: String) -> [NameMatch] {
        guard let digits = IMOText.normalize(imo) else { return [] }
        return match(imo: digits).map { entity in
            NameMatch(
                entityID: entity.id, source: entity.source, kind: entity.kind, listedName: entity.primaryName,
                matchedForm: "IMO \(digits)", score: 1, evidence: "IMO number \(digits) is listed",
                programmes: entity.programmes)
        }
    }
}
