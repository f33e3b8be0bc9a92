import Foundation

/// How a query and one listed name form score: token similarity, the pairing of tokens, and
/// what partial, weak and run-together matches cost (Docs/screening.md, "Name matching").
extension MatchIndex {
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
            s = max(s, JaroWinkler.similarity(aSound, bSound) - Self.soundDiscount)
        }
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        if long.count - short.count >= 2, long.starts(with: short) { s = min(s, 0.84) }
        return s
    }

    /// What a likeness of sound keys alone is worth less than the same likeness of letters.
    static let soundDiscount = 0.08

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
