import Foundation
public import PlimsollScreening

/// Builds the screening evaluation set from the real lists the repository carries, from one seed.
///
/// Positives are listed names respelt the way they reach a registrar (per category); negatives
/// are listed names with one part changed to something else (near misses), ordinary names of many
/// cultures, companies and ships, and common listed aliases carried by someone born decades
/// apart. A negative that happens to spell a listed form exactly is drawn again. The generator
/// uses its own simple folding, not the matcher's, so that changing the matcher never changes
/// the set (Docs/screening.md, "Evaluation").
public enum EvalSetGenerator {
    /// How many queries of each category, positives first.
    public static let plan: [(category: String, positive: Bool, count: Int)] = [
        ("korean", true, 150), ("arabic", true, 150), ("cyrillic", true, 100), ("chinese", true, 60),
        ("titles", true, 120), ("typos", true, 150), ("abbreviations", true, 100), ("vessels", true, 80),
        ("imo", true, 60), ("order", true, 40), ("identifiers", true, 40),
        ("near_miss", false, 900), ("ordinary", false, 1080), ("alias_other_dob", false, 20),
    ]

    public static func generate(entities: [ListEntity], seed: UInt64) -> [EvalQuery] {
        var generator = Generator(entities: entities, rng: SplitMix64(seed: seed))
        var queries: [EvalQuery] = []
        for (category, positive, count) in plan {
            var made = 0
            var attempts = 0
            while made < count, attempts < count * 200 {
                attempts += 1
                guard let (kind, name, born, target, base) = generator.make(category) else { continue }
                let key = Generator.key(name)
                guard !key.isEmpty, !generator.used.contains(key) else { continue }
                // A negative must not be a listed form, nor one spelt differently (Andrei/Andrey
                // Kovalenko, Hasan Ahmed/AHMAD Hasan): that is the listed name, not a near miss.
                // (`alias_other_dob` is a listed alias on purpose: its date of birth tells it apart.)
                if !positive, category != "alias_other_dob",
                    generator.listedKeys.contains(key) || generator.listedSkeletons.contains(Generator.skeleton(name))
                {
                    continue
                }
                generator.used.insert(key)
                queries.append(
                    EvalQuery(
                        id: queries.count + 1, category: category, positive: positive, kind: kind, name: name,
                        born: born, target: target, base: base))
                made += 1
            }
        }
        return queries
    }

    struct Generator {
        let entities: [ListEntity]
        var rng: SplitMix64
        var used: Set<String> = []
        let listedKeys: Set<String>
        let listedSkeletons: Set<String>
        let persons: [Int]
        let organizations: [Int]
        let vessels: [Int]
        let korean: [Int]
        let arabic: [Int]
        let cyrillic: [Int]
        let chinese: [Int]
        let personTokens: [String]

        init(entities: [ListEntity], rng: SplitMix64) {
            self.entities = entities
            self.rng = rng
            var keys: Set<String> = []
            var skeletons: Set<String> = []
            for entity in entities {
                for name in entity.names {
                    keys.insert(Self.key(name))
                    skeletons.insert(Self.skeleton(name))
                }
            }
            listedKeys = keys
            listedSkeletons = skeletons
            let indices = Array(entities.indices)
            persons = indices.filter { entities[$0].kind == .person }
            organizations = indices.filter { entities[$0].kind == .organization }
            vessels = indices.filter { entities[$0].kind == .vessel }
            korean = persons.filter { entities[$0].isDPRK && Self.natural(entities[$0].primaryName).tokens.count >= 2 }
            let arabicParts = Set(EvalVariants.arabicForms.flatMap { $0 } + ["bin", "ibn", "abd", "abdul", "al"])
            arabic = persons.filter { index in
                !entities[index].isDPRK
                    && Self.natural(entities[index].primaryName).tokens.contains {
                        arabicParts.contains($0) || $0.hasPrefix("al-") || $0.hasPrefix("abd")
                    }
            }
            let slavic = ["ov", "ev", "ova", "eva", "enko", "sky", "skiy", "vich", "ovych", "yevich", "in", "ina"]
            cyrillic = persons.filter { index in
                let entity = entities[index]
                let tokens = Self.natural(entity.primaryName).tokens
                let programme = entity.programmes.contains {
                    $0.hasPrefix("UKRAINE") || $0.hasPrefix("RUSSIA") || $0 == "MAGNIT" || $0.hasPrefix("CYBER")
                        || $0.hasPrefix("BELARUS")
                }
                return tokens.count >= 2 && programme && tokens.contains { t in slavic.contains { t.hasSuffix($0) } }
                    && tokens.allSatisfy { $0.allSatisfy { $0.isLetter || $0 == "-" } }
            }
            let chineseSurnames: Set<String> = [
                "li", "wang", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun", "zhu", "hu",
                "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "tang", "feng", "deng", "cao", "peng",
                "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "du", "ye", "cheng", "wei", "su", "lu",
                "ding", "ren", "shen", "yao", "fan", "jin", "qian", "qiu", "xiong", "zou", "zhong", "shi", "hou",
            ]
            chinese = persons.filter { index in
                let (tokens, surname) = Self.natural(entities[index].primaryName)
                guard !entities[index].isDPRK, tokens.count >= 2, let surname,
                    chineseSurnames.contains(tokens[surname])
                else { return false }
                return tokens.allSatisfy { token in
                    token.split(separator: "-").allSatisfy { EvalVariants.pinyinSyllables(String($0)) != nil }
                }
            }
            personTokens = persons.flatMap { Self.natural(entities[$0].primaryName).tokens }.filter { $0.count >= 3 }
        }

        /// Lowercase letter-and-digit tokens, sorted: two spellings of the same listed form meet.
        static func key(_ name: String) -> String {
            let folded = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : " " }
            return String(folded).split(separator: " ").map(String.init).sorted().joined(separator: " ")
        }

        /// A crude sound-alike key: known Arabic name parts unified, legal forms dropped, vowels
        /// after the first letter dropped, doubled letters single, tokens sorted. Two names with
        /// one skeleton are spellings of one name, never a near miss of each other.
        static func skeleton(_ name: String) -> String {
            let legal: Set<String> = [
                "ltd", "co", "company", "pte", "llc", "inc", "sa", "gmbh", "plc", "bv", "as", "corporation", "corp",
                "limited", "the", "of", "and", "jsc", "ojsc", "ooo",
            ]
            let articles: Set<String> = ["al", "el", "ul", "sheikh", "shaykh", "haji", "mr", "dr", "gen", "general"]
            let tokens = key(name.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "’", with: ""))
                .split(separator: " ").map(String.init).filter { !legal.contains($0) && !articles.contains($0) }
            return tokens.map { token -> String in
                var unified = EvalVariants.arabicForms.first { $0.contains(token) }?.first ?? token
                if ["abdul", "abdel", "abd"].contains(token) { unified = "abd" }
                for (surname, spellings) in EvalVariants.koreanSurnames where spellings.contains(token) {
                    unified = surname
                }
                var out: [Character] = []
                for (index, letter) in unified.replacingOccurrences(of: "kh", with: "h").enumerated() {
                    if index > 0, "aeiouy".contains(letter) { continue }
                    if out.last == letter { continue }
                    out.append(letter)
                }
                return String(out)
            }.sorted().joined(separator: " ")
        }

        /// The family name moved to the front, as Korean, Chinese and Russian documents write it.
        static func familyFirst(_ tokens: inout [String], _ surname: inout Int?) {
            guard let s = surname else { return }
            tokens.insert(tokens.remove(at: s), at: 0)
            surname = 0
        }

        /// Tokens in natural order ("KIM, Yong Chol" gives yong chol kim) and the surname's index.
        static func natural(_ form: String, person: Bool = true) -> (tokens: [String], surname: Int?) {
            func tokens(_ text: Substring) -> [String] {
                // Apostrophes and the UN's breve marks (Ch’o’l-so’ng) join, they do not split.
                let joined = text.lowercased().filter { $0 != "’" && $0 != "'" && $0 != "`" }
                let kept = joined.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : " " }
                return String(kept).split(separator: " ").map(String.init)
            }
            let parts = form.split(separator: ",", maxSplits: 1)
            // Only a person's name is "FAMILY, Given"; a company's comma is part of its name.
            if person, parts.count == 2 {
                let family = tokens(parts[0])
                let given = tokens(parts[1])
                return (given + family, family.isEmpty ? nil : given.count)
            }
            let all = tokens(Substring(form))
            return (all, all.isEmpty ? nil : 0)
        }

        /// Title case (each part after a hyphen too), or the surname in capitals as lists print it.
        mutating func render(_ tokens: [String], surname: Int? = nil) -> String {
            let capitalsSurname = rng.chance(0.3)
            return tokens.enumerated().map { index, token in
                if capitalsSurname, index == surname { return token.uppercased() }
                return token.split(separator: "-", omittingEmptySubsequences: false).map {
                    $0.prefix(1).uppercased() + $0.dropFirst()
                }.joined(separator: "-")
            }.joined(separator: " ")
        }

        mutating func entity(_ pool: [Int]) -> (Int, ListEntity)? {
            guard !pool.isEmpty else { return nil }
            let index = rng.pick(pool)
            return (index, entities[index])
        }

        typealias Made = (ListEntity.Kind, String, String?, String?, String?)

        mutating func make(_ category: String) -> Made? {
            switch category {
            case "korean": return koreanVariant()
            case "arabic": return arabicVariant()
            case "cyrillic": return cyrillicVariant()
            case "chinese": return chineseVariant()
            case "titles": return titled()
            case "typos": return typoVariant()
            case "abbreviations": return abbreviated()
            case "vessels": return vesselVariant()
            case "imo": return imoText()
            case "order": return reordered()
            case "identifiers": return withBirthDate(agreeing: true)
            case "near_miss": return nearMiss()
            case "ordinary": return ordinary()
            case "alias_other_dob": return withBirthDate(agreeing: false)
            default: return nil
            }
        }

        func positive(_ entity: ListEntity, _ name: String, _ base: String, born: String? = nil) -> Made {
            (entity.kind, name, born, entity.id, base)
        }

        mutating func koreanVariant() -> Made? {
            guard let (_, entity) = entity(korean) else { return nil }
            let form = rng.pick(entity.names)
            var (tokens, surname) = Self.natural(form)
            guard tokens.count >= 2, tokens.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "-" } }) else {
                return nil
            }
            var changed = false
            for (index, token) in tokens.enumerated() {
                let syllables = token.split(separator: "-").map { syllable in
                    guard rng.chance(0.5) else { return String(syllable) }
                    let respelt = EvalVariants.korean(String(syllable), surname: index == surname, &rng)
                    if respelt != String(syllable) { changed = true }
                    return respelt
                }
                // Given names as one word, hyphenated, or apart.
                let joiner = syllables.count > 1 ? rng.pick(["-", "", " "]) : "-"
                tokens[index] = syllables.joined(separator: joiner)
            }
            guard changed else { return nil }
            if rng.chance(0.5) { Self.familyFirst(&tokens, &surname) }
            return positive(entity, render(tokens, surname: surname), form)
        }

        mutating func arabicVariant() -> Made? {
            guard let (_, entity) = entity(arabic) else { return nil }
            let form = entity.primaryName
            var (tokens, surname) = Self.natural(form)
            var out: [String] = []
            var changes = 0
            var index = 0
            while index < tokens.count {
                let token = tokens[index]
                if token == "abd" || token == "abdul" || token == "abdel", index + 1 < tokens.count, rng.chance(0.7) {
                    var rest = tokens[index + 1]
                    for article in ["al-", "el-"] where rest.hasPrefix(article) { rest = String(rest.dropFirst(3)) }
                    out.append(EvalVariants.abdForms(rest, &rng))
                    index += 2
                    changes += 1
                    continue
                }
                if rng.chance(0.5) {
                    let respelt = EvalVariants.arabic(token, &rng)
                    if respelt != token { changes += 1 }
                    out.append(respelt)
                } else {
                    out.append(token)
                }
                index += 1
            }
            guard changes > 0 else { return nil }
            tokens = out.joined(separator: " ").split(separator: " ").map(String.init)
            surname = nil
            return positive(entity, render(tokens, surname: surname), form)
        }

        mutating func cyrillicVariant() -> Made? {
            guard let (_, entity) = entity(cyrillic) else { return nil }
            let form = entity.primaryName
            var (tokens, surname) = Self.natural(form)
            if rng.chance(0.5) {
                // As a Russian document writes it: surname first, in Cyrillic.
                Self.familyFirst(&tokens, &surname)
                let cyrillic = tokens.map { token in
                    let letters = EvalVariants.toCyrillic(token)
                    return letters.prefix(1).uppercased() + letters.dropFirst()
                }
                return positive(entity, cyrillic.joined(separator: " "), form)
            }
            var changed = false
            for index in tokens.indices where rng.chance(0.6) {
                let respelt = EvalVariants.cyrillicLatin(tokens[index], &rng)
                if respelt != tokens[index] { changed = true }
                tokens[index] = respelt
            }
            guard changed else { return nil }
            return positive(entity, render(tokens, surname: surname), form)
        }

        mutating func chineseVariant() -> Made? {
            guard let (_, entity) = entity(chinese) else { return nil }
            let form = entity.primaryName
            var (tokens, surname) = Self.natural(form)
            guard let s = surname else { return nil }
            var changed = false
            for index in tokens.indices {
                let syllables = tokens[index].split(separator: "-").flatMap {
                    EvalVariants.pinyinSyllables(String($0)) ?? [String($0)]
                }
                let respelt = syllables.map { syllable in
                    rng.chance(0.8) ? EvalVariants.wadeGiles(syllable) : syllable
                }
                if respelt != syllables { changed = true }
                tokens[index] = respelt.joined(separator: index == s ? "" : "-")
            }
            guard changed else { return nil }
            Self.familyFirst(&tokens, &surname)
            return positive(entity, render(tokens, surname: surname), form)
        }

        mutating func titled() -> Made? {
            guard let (_, entity) = entity(persons) else { return nil }
            let form = rng.pick(entity.names)
            let (tokens, surname) = Self.natural(form)
            guard tokens.count >= 2 else { return nil }
            let title = rng.pick(EvalVariants.personTitles)
            return positive(entity, title + " " + render(tokens, surname: surname), form)
        }

        mutating func typoVariant() -> Made? {
            let pool = rng.pick([persons, persons, organizations, vessels])
            guard let (_, entity) = entity(pool) else { return nil }
            let form = entity.primaryName
            var (tokens, surname) = Self.natural(form, person: entity.kind == .person)
            let long = tokens.indices.filter { tokens[$0].count >= 4 }
            guard !long.isEmpty else { return nil }
            let slips = tokens.count >= 3 && rng.chance(0.4) ? 2 : 1
            for index in long.shuffled(using: &rng).prefix(slips) {
                tokens[index] = EvalVariants.typo(tokens[index], &rng)
            }
            return positive(entity, render(tokens, surname: entity.kind == .person ? surname : nil), form)
        }

        mutating func abbreviated() -> Made? {
            guard let (_, entity) = entity(organizations) else { return nil }
            let form = rng.pick(entity.names)
            var (tokens, _) = Self.natural(form, person: false)
            guard tokens.count >= 2 else { return nil }
            var changed = false
            for index in tokens.indices {
                if let short = EvalVariants.abbreviations[tokens[index]], rng.chance(0.8) {
                    tokens[index] = rng.pick(short)
                    changed = true
                }
            }
            let legal = Set([
                "ltd", "limited", "llc", "inc", "co", "company", "sa", "s", "a", "corp", "corporation",
                "gmbh", "jsc", "ooo", "fze", "ltda", "plc", "pjsc", "cjsc", "oao", "zao", "ag", "bhd", "sdn", "pte",
            ])
            while let last = tokens.last, legal.contains(last.replacingOccurrences(of: ".", with: "")),
                tokens.count > 1
            {
                tokens.removeLast()
                changed = true
            }
            let name = render(tokens) + (rng.chance(0.8) ? " " + rng.pick(EvalVariants.legalForms) : "")
            guard changed || name != form else { return nil }
            return positive(entity, name, form)
        }

        mutating func vesselVariant() -> Made? {
            guard let (_, entity) = entity(vessels) else { return nil }
            let form =
                entity.names.count > 1 && rng.chance(0.3)
                ? rng.pick(Array(entity.names.dropFirst())) : entity.primaryName
            var (tokens, _) = Self.natural(form, person: false)
            var changed = form != entity.primaryName
            if tokens.count >= 2, rng.chance(0.4) {
                // Spacing: two words run together, or a number set apart.
                let at = Int(rng.next() % UInt64(tokens.count - 1))
                tokens[at] += tokens[at + 1]
                tokens.remove(at: at + 1)
                changed = true
            } else if let last = tokens.last, last.allSatisfy(\.isNumber), rng.chance(0.5) {
                tokens.insert("no.", at: tokens.count - 1)
                changed = true
            }
            var name = tokens.map { $0.uppercased() }.joined(separator: " ")
            if rng.chance(0.7) {
                name = rng.pick(EvalVariants.vesselPrefixes) + " " + name
                changed = true
            }
            guard changed else { return nil }
            return positive(entity, name, form)
        }

        mutating func imoText() -> Made? {
            guard let (_, entity) = entity(vessels.filter { !entities[$0].imoNumbers.isEmpty }) else { return nil }
            let number = rng.pick(entity.imoNumbers)
            let text = rng.pick([
                "IMO No. \(number)", "IMO number \(number)", "IMO #\(number)", "IMO: \(number)", "\(number)",
                "IMO\(number)", "IMO Number: \(number)", "imo no \(number)", "IMO-\(number)", "I.M.O. \(number)",
            ])
            return positive(entity, text, "IMO \(number)")
        }

        mutating func reordered() -> Made? {
            guard let (_, entity) = entity(persons) else { return nil }
            let form = entity.primaryName
            var (tokens, surname) = Self.natural(form)
            guard tokens.count >= 3, let s = surname else { return nil }
            let family = tokens[s]
            switch rng.next() % 3 {
            case 0:
                // Family name first, given names after, no comma.
                tokens.remove(at: s)
                return positive(entity, render([family] + tokens, surname: 0), form)
            case 1:
                // A middle name left out.
                let middle = tokens.indices.filter { $0 != s && $0 != 0 }
                guard let drop = middle.first else { return nil }
                tokens.remove(at: drop)
                return positive(entity, render(tokens, surname: s > drop ? s - 1 : s), form)
            default:
                tokens.reverse()
                return positive(entity, render(tokens), form)
            }
        }

        /// A listed person's name with a date of birth: the listed date (agreeing) or one decades
        /// apart (`alias_other_dob`, a negative: someone else who shares a common listed alias).
        mutating func withBirthDate(agreeing: Bool) -> Made? {
            guard let (_, entity) = entity(persons), let year = Self.year(entity.dates) else { return nil }
            let form = agreeing ? rng.pick(entity.names) : rng.pick(entity.names)
            let (tokens, surname) = Self.natural(form)
            guard tokens.count >= 2 else { return nil }
            if !agreeing, tokens.count > 2 || tokens.contains(where: { $0.count > 8 }) { return nil }
            let shift = agreeing ? 0 : rng.pick([-40, -31, -25, 22, 27, 35])
            let born = String(
                format: "%04d-%02d-%02d", year + shift, 1 + Int(rng.next() % 12), 1 + Int(rng.next() % 28))
            if agreeing { return positive(entity, render(tokens, surname: surname), form, born: born) }
            return (.person, render(tokens, surname: surname), born, nil, nil)
        }

        /// The year of the first date of birth a list gives ("18 Feb 1962", "circa 1947", "1960").
        static func year(_ dates: [String]) -> Int? {
            for date in dates {
                let digits = date.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
                if let year = digits.first(where: { (1900...2010).contains($0) }) { return year }
            }
            return nil
        }

        mutating func nearMiss() -> Made? {
            switch rng.next() % 10 {
            case 0..<5:
                guard let (_, entity) = entity(persons) else { return nil }
                var (tokens, surname) = Self.natural(rng.pick(entity.names))
                guard tokens.count >= 2 else { return nil }
                let at = Int(rng.next() % UInt64(tokens.count))
                let replacement = rng.pick(personTokens)
                guard JaroWinkler.similarity(replacement, tokens[at]) < 0.8 else { return nil }
                tokens[at] = replacement
                return (.person, render(tokens, surname: surname), nil, nil, nil)
            case 5..<8:
                guard let (_, entity) = entity(organizations) else { return nil }
                var (tokens, _) = Self.natural(entity.primaryName, person: false)
                let distinctive = tokens.indices.filter {
                    tokens[$0].count >= 4 && EvalVariants.abbreviations[tokens[$0]] == nil
                }
                guard tokens.count >= 2, let at = distinctive.randomElement(using: &rng) else { return nil }
                let replacement = rng.pick(EvalNamePools.businessWords)
                guard JaroWinkler.similarity(replacement, tokens[at]) < 0.8 else { return nil }
                tokens[at] = replacement
                return (.organization, render(tokens), nil, nil, nil)
            default:
                guard let (_, entity) = entity(vessels) else { return nil }
                var (tokens, _) = Self.natural(entity.primaryName, person: false)
                guard !tokens.isEmpty else { return nil }
                let at = Int(rng.next() % UInt64(tokens.count))
                if let number = Int(tokens[at]) {
                    tokens[at] = String(number + 1 + Int(rng.next() % 20))
                } else {
                    let replacement = rng.pick(EvalNamePools.vesselWords)
                    guard JaroWinkler.similarity(replacement, tokens[at]) < 0.8 else { return nil }
                    tokens[at] = replacement
                }
                return (.vessel, tokens.joined(separator: " ").uppercased(), nil, nil, nil)
            }
        }

        mutating func ordinary() -> Made? {
            switch rng.next() % 10 {
            case 0..<6:
                let culture = Int(rng.next() % UInt64(EvalNamePools.given.count))
                var tokens = [rng.pick(EvalNamePools.given[culture])]
                if rng.chance(0.25) { tokens.append(rng.pick(EvalNamePools.given[culture])) }
                tokens.append(rng.pick(EvalNamePools.family[culture]))
                if culture == 2 || culture == 5, rng.chance(0.6) { tokens = [tokens.last!] + tokens.dropLast() }
                return (.person, render(tokens), nil, nil, nil)
            case 6..<9:
                let words =
                    [rng.pick(EvalNamePools.businessWords)]
                    + (rng.chance(0.5) ? [rng.pick(EvalNamePools.businessWords)] : [])
                let name =
                    render(words) + " "
                    + render(rng.pick(EvalNamePools.businessKinds).split(separator: " ").map(String.init))
                    + " " + rng.pick(EvalNamePools.ordinaryLegalForms)
                return (.organization, name, nil, nil, nil)
            default:
                var tokens = [rng.pick(EvalNamePools.vesselWords), rng.pick(EvalNamePools.vesselWords)]
                if rng.chance(0.3) { tokens[1] = String(1 + rng.next() % 12) }
                return (.vessel, tokens.joined(separator: " ").uppercased(), nil, nil, nil)
            }
        }
    }
}
