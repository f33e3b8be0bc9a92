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
    /// Distinct listed tokens (and run-together names), their sound keys and the forms using them.
    private var vocabulary: [[Unicode.Scalar]] = []
    private var vocabularySounds: [[Unicode.Scalar]] = []
    private var vocabularyForms: [[Int32]] = []
    private var vocabularyWeight: [Double] = []
    private var byKey: [String: [Int32]] = [:]
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
                if scalars.count > 1 { intern(form.joined, form: formIndex) }
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
    public func match(
        name: String, kind: ListEntity.Kind? = nil, threshold: Double, subject: MatchSubject? = nil
    ) -> [NameMatch] {
        var best: [Int: NameMatch] = [:]
        if let imo = IMOText.normalize(name) {
            for index in byIMO[imo] ?? [] {
                let entity = entities[index]
                if let kind, !Self.compatible(kind, entity.kind), entity.kind != .organization { continue }
                best[index] = NameMatch(
                    entityID: entity.id, source: entity.source, kind: entity.kind, listedName: entity.primaryName,
                    matchedForm: "IMO \(imo)", score: 1, evidence: "IMO number \(imo) is listed",
                    programmes: entity.programmes)
            }
        }
        let tokens = NameNormalizer.tokens(name, kind: kind)
        guard !tokens.isEmpty else { return Self.sorted(best) }
        let query = tokens.map { Array($0.unicodeScalars) }
        let sounds = query.map(PhoneticKey.of)
        let joined = Array(tokens.joined().unicodeScalars)
        for formIndex in candidates(query, sounds, joined, kind: kind) {
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
        kind: ListEntity.Kind?
    ) -> [Int] {
        // Dense per-form sums: dictionaries cost more than the work when a common token
        // reaches thousands of forms.
        var weight = [Double](repeating: 0, count: forms.count)
        var share = [Double](repeating: 0, count: forms.count)
        var touched: [Int32] = []
        var shared: [Int32] = []
        var probes = zip(query, sounds).map { (token: $0, sound: $1, joined: false) }
        if query.count > 1 { probes.append((joined, PhoneticKey.of(joined), true)) }
        var seen = [Int32](repeating: -1, count: vocabulary.count)
        for (probe, (token, sound, isJoined)) in probes.enumerated() {
            shared.removeAll(keepingCapacity: true)
            for key in Self.keys(sound) {
                for id in byKey[key] ?? [] where seen[Int(id)] != Int32(probe) {
                    seen[Int(id)] = Int32(probe)
                    let listed = vocabulary[Int(id)]
                    let listedSound = vocabularySounds[Int(id)]
                    // Lengths alone can rule a pair out, before any Jaro-Winkler.
                    guard
                        Self.similarityBound(token.count, listed.count) >= Self.candidateTokenMin
                            || Self.similarityBound(sound.count, listedSound.count) - 0.08 >= Self.candidateTokenMin
                    else { continue }
                    let similarity = Self.similarity(token, sound, listed, listedSound)
                    // A run-together name is unique to its form, so its rarity says nothing: it
                    // counts as one ordinary shared token, and only when nearly equal.
                    guard similarity >= (isJoined ? 0.9 : Self.candidateTokenMin) else { continue }
                    let gain = similarity * (isJoined ? Self.joinedWeight : vocabularyWeight[Int(id)])
                    for form in vocabularyForms[Int(id)] where share[Int(form)] < gain {
                        if share[Int(form)] == 0 { shared.append(form) }
                        share[Int(form)] = gain
                    }
                }
            }
            for form in shared {
                if weight[Int(form)] == 0 { touched.append(form) }
                weight[Int(form)] += share[Int(form)]
                share[Int(form)] = 0
            }
        }
        var ranked = touched.map(Int.init).filter { kind == nil || Self.compatible(kind!, forms[$0].kind) }
            // Among forms sharing the same parts, the one with fewer others comes first ("Abu
            // Ahmad" is an alias of many; the two-word forms before the long ones).
            .map { (form: $0, weight: weight[$0] - 0.5 * Double(max(0, forms[$0].tokens.count - query.count))) }
        ranked.sort { ($0.weight, $1.form) > ($1.weight, $0.form) }
        return ranked.prefix(Self.candidatesMax).map(\.form)
    }

    /// How alike two tokens are: the better of their spelling (Jaro-Winkler) and their sound
    /// keys; numbers only equal; a token that is a strict prefix of a longer one by two letters
    /// or more is another name part ("fang" and "fangwei", "star" and "starla"), not a respelling.
    static func similarity(
        _ a: [Unicode.Scalar], _ aSound: [Unicode.Scalar], _ b: [Unicode.Scalar], _ bSound: [Unicode.Scalar]
    ) -> Double {
        if a == b { return 1 }
        if a.allSatisfy(Self.isDigit) || b.allSatisfy(Self.isDigit) { return 0 }
        var s = JaroWinkler.similarity(a, b)
        if aSound == bSound {
            s = max(s, 0.95)
        } else if aSound.count >= 2, bSound.count >= 2, aSound.first == bSound.first {
            s = max(s, JaroWinkler.similarity(aSound, bSound) - 0.08)
        }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        if long.count - short.count >= 2, long.starts(with: short) { s = min(s, 0.84) }
        return s
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    /// The highest Jaro-Winkler similarity two strings of these lengths can reach: every letter
    /// of the shorter matched, none transposed, the longest common prefix.
    static func similarityBound(_ a: Int, _ b: Int) -> Double {
        guard a > 0, b > 0 else { return 0 }
        let jaro = (2 + Double(min(a, b)) / Double(max(a, b))) / 3
        return jaro + 0.4 * (1 - jaro)
    }

    /// What a pairing of two tokens costs when it is only alike (see `respelling`).
    static let weakPairCost = 0.04

    /// Two tokens are one name part respelt when they are equal, sound alike by `PhoneticKey`,
    /// or (from four letters) one slip apart: a letter changed, added, dropped or two swapped.
    static func respelling(
        _ a: [Unicode.Scalar], _ aSound: [Unicode.Scalar], _ b: [Unicode.Scalar], _ bSound: [Unicode.Scalar]
    ) -> Bool {
        if a == b || aSound == bSound { return true }
        guard min(a.count, b.count) >= 4 else { return false }
        return NameNormalizer.oneEditApart(a, b) || Self.swapApart(a, b)
    }

    /// True when swapping two neighbouring letters turns `a` into `b`.
    static func swapApart(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        guard a.count == b.count else { return false }
        let differ = a.indices.filter { a[$0] != b[$0] }
        return differ.count == 2 && differ[1] == differ[0] + 1 && a[differ[0]] == b[differ[1]]
            && a[differ[1]] == b[differ[0]]
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
    /// "Kim Jong Un", "NAMSAN 8" against "NAM SAN 8"), the run-together forms are compared too.
    ///
    /// The explanation (`how`) is built only when asked: formatting it for every candidate
    /// costs more than scoring.
    static func score(
        _ query: [[Unicode.Scalar]], _ sounds: [[Unicode.Scalar]], _ joined: [Unicode.Scalar], _ form: Form,
        explain: Bool, commonWeight: Double = 0
    ) -> (score: Double, how: String) {
        var used = Set<Int>()
        var exactPairs = 0
        var weakPairs = 0
        var total = 0.0
        var weight = 0.0
        var pairs: [String] = []
        for (token, sound) in zip(query, sounds).sorted(by: { $0.0.count > $1.0.count }) {
            var bestScore = 0.0
            var bestIndex = -1
            for (index, listed) in form.tokens.enumerated() where !used.contains(index) {
                let s = similarity(token, sound, listed, form.sounds[index])
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
                if !Self.respelling(token, sound, form.tokens[bestIndex], form.sounds[bestIndex]) { weakPairs += 1 }
                total += w * bestScore
                if explain {
                    pairs.append(
                        "\(String(String.UnicodeScalarView(token)))=\(String(String.UnicodeScalarView(form.tokens[bestIndex]))) \(String(format: "%.2f", bestScore))"
                    )
                }
            } else if explain {
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
            score = (weight > 0 ? total / weight : 0)
            if unmatchedListed > 0 {
                // Graded, not flat: a flat ceiling stacks near misses and partial names on one
                // score, where no threshold can part them.
                score = min(score - 0.05 - 0.1 * (1 - coverage), Self.partialNameScoreMax)
                if used.allSatisfy({ form.weights.indices.contains($0) && form.weights[$0] < commonWeight }) {
                    score -= Self.commonPartialCost
                }
            }
            let inexactPair = exactPairs < used.count
            if unmatchedListed > 0, exactPairs == 0 || (inexactPair && used.count * 2 <= form.tokens.count) {
                score = min(score, Self.weakPartialScoreMax)
            }
        } else {
            score = weight + unmatchedListed > 0 ? total / (weight + unmatchedListed) : 0
        }
        // A pairing that is only alike, neither a respelling nor one slip ("jing" and "jian",
        // "pelican" and "belize"), costs each time: near misses pair that way, variants do not.
        score -= Self.weakPairCost * Double(weakPairs)
        var how = explain ? "tokens " + pairs.joined(separator: ", ") : ""
        // Only a respacing compares run together: the same length (a slip of one letter at
        // most), and the same digits ("CHRISTINA I" and "FORTUNE 9" are other ships).
        if query.count != form.tokens.count, joined.filter(Self.isDigit) == form.joined.filter(Self.isDigit) {
            // Respaced and respelt at once ("Teng Chung-hua" for "DENG, Zhonghua"): equal sound
            // keys run together count a little below equal letters; similar ones do not count.
            var together = joined.count == form.joined.count ? JaroWinkler.similarity(joined, form.joined) : 0
            if PhoneticKey.of(joined) == form.joinedSound { together = max(together, 0.95) }
            if together > score {
                score = together
                how =
                    !explain
                    ? ""
                    : "run-together \(String(String.UnicodeScalarView(joined)))=\(String(String.UnicodeScalarView(form.joined))) \(String(format: "%.2f", together))"
            }
        }
        return (score, how)
    }
}
