import Foundation

/// Turns a name in any script and form into comparable Latin tokens, the same way for a listed
/// name and for a query.
///
/// Steps: Cyrillic to Latin by BGN/PCGN, other non-Latin scripts by ICU; compatibility
/// normalisation, case and diacritic folding, punctuation to spaces, hyphenated parts split (the
/// run-together form is compared separately by the matcher); then by kind: a person's leading
/// titles, a ship's leading prefix (MV, M/V, MT), an organization's abbreviations expanded and
/// legal forms in several languages dropped; Arabic articles dropped; spellings of one name part
/// unified (`NameTables.equivalentSpellings`); generic shipping words dropped while two
/// distinctive tokens remain.
public enum NameNormalizer {
    /// Words that say what kind of body or person a name is, not which one: always dropped.
    public static let stopWords: Set<String> = [
        "co", "company", "companies", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "llp",
        "lp", "plc", "sa", "s", "a", "ag", "gmbh", "bv", "nv", "spa", "srl", "sarl", "jsc", "ojsc", "cjsc", "pjsc",
        "oao", "zao", "ooo", "pte", "pvt", "bhd", "sdn", "fze", "fzco", "fzc", "dmcc", "kg", "as", "ab", "oy", "ltda",
        "cia", "de", "cv", "sas", "the", "and", "of", "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "haji", "hajji",
        "mullah", "maulavi", "maulvi", "sheikh", "shaikh", "shaykh",
    ]

    /// Arabic articles and connectives that stand alone after folding (al-Ali, el-Sayed, ul-Haq).
    /// Only these three: the assimilated forms (ad-, ar-, as-, an-) are also Chinese, Korean and
    /// Vietnamese name parts.
    static let articles: Set<String> = ["al", "el", "ul"]

    /// Generic shipping and business words: dropped only while at least two distinctive tokens
    /// remain, so "Ocean Maritime Management" does not shrink to a lone "ocean" that any ocean
    /// company would match.
    public static let genericWords: Set<String> = [
        "shipping", "shipmanagement", "ship", "ships", "management", "maritime", "marine", "navigation", "trading",
        "group", "holding", "holdings", "international", "enterprise", "enterprises", "carriers", "lines",
        "services", "industries", "investment", "investments", "development", "general",
    ]

    static let spelling: [String: String] = {
        var map: [String: String] = [:]
        for forms in NameTables.equivalentSpellings {
            for form in forms.dropFirst() { map[form] = forms[0] }
        }
        return map
    }()

    static let legalPhrases = NameTables.legalFormPhrases.sorted { $0.count > $1.count }
    static let titlePhrases = NameTables.personTitles.sorted { $0.count > $1.count }
    static let vesselPhrases = NameTables.vesselPrefixes.sorted { $0.count > $1.count }

    /// Lowercase Latin text with single spaces, no punctuation or diacritics.
    public static func fold(_ name: String) -> String {
        var text = name
        if text.unicodeScalars.contains(where: { (0x400...0x4FF).contains($0.value) }) {
            text = String(
                text.lowercased().flatMap { character in NameTables.cyrillicToLatin[character] ?? String(character) })
        }
        if text.unicodeScalars.contains(where: { $0.value > 0x24F }) {
            text = text.applyingTransform(.toLatin, reverse: false) ?? text
        }
        text = text.precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var out = String.UnicodeScalarView()
        var lastSpace = true
        for scalar in text.unicodeScalars {
            if scalar == "ʹ" || scalar == "ʼ" || scalar == "ʻ" || scalar == "ʾ" || scalar == "ʿ" { continue }
            if CharacterSet.alphanumerics.contains(scalar) {
                out.append(scalar)
                lastSpace = false
            } else if scalar == "'" || scalar == "’" || scalar == "`" || scalar == "‘" {
                continue  // O'Brien, Ri'sang, Ch’o’l: apostrophes join, they do not split.
            } else if !lastSpace {
                out.append(" ")
                lastSpace = true
            }
        }
        return String(out).trimmingCharacters(in: .whitespaces)
    }

    /// Name tokens after folding and the kind's rules (unless nothing else is left).
    public static func tokens(_ name: String, kind: ListEntity.Kind? = nil) -> [String] {
        let all = fold(name).split(separator: " ").map(String.init)
        var kept = all
        switch kind {
        case .person?:
            kept = dropLeading(kept, titlePhrases)
        case .vessel?, .aircraft?:
            kept = dropLeading(kept, vesselPhrases)
            // "NAM SAN NO. 8": the number word before a hull number says nothing.
            kept = kept.enumerated().filter { index, token in
                !((token == "no" || token == "nr") && index + 1 < kept.count && kept[index + 1].allSatisfy(\.isNumber))
            }.map(\.element)
        case .organization?, nil:
            kept = kept.map { NameTables.abbreviations[$0] ?? legalWord($0) ?? genericWord($0) ?? $0 }
            kept = dropPhrases(kept, legalPhrases)
            if kind == nil { kept = dropLeading(kept, titlePhrases) }
        }
        kept = kept.filter { !stopWords.contains($0) }
        if kept.count > 1 {
            let withoutArticles = kept.filter { !articles.contains($0) }
            if !withoutArticles.isEmpty { kept = withoutArticles }
        }
        kept = kept.map { spelling[$0] ?? $0 }
        if kept.isEmpty { return all.map { spelling[$0] ?? $0 } }
        // Words of a written-out legal form that stood apart from it ("limited private").
        let withoutLegal = kept.filter { !legalPhraseWords.contains($0) }
        if !withoutLegal.isEmpty, kind == .organization || kind == nil { kept = withoutLegal }
        let distinctive = kept.filter { !isGeneric($0) }
        if distinctive.count >= 2 { kept = distinctive }
        return kept
    }

    /// The words of legal forms written out ("private", "joint", "stock"): dropped from a
    /// company's name also when they stand apart from their phrase (word order changed).
    static let legalPhraseWords: Set<String> = Set(
        NameTables.legalFormPhrases.filter { $0.count > 1 }.flatMap { $0 }.filter { $0.count >= 3 })

    /// The words of legal forms from five letters ("company", "limited", "closed", "joint").
    static let legalWords: [[Unicode.Scalar]] = Array(
        Set(NameTables.legalFormPhrases.flatMap { $0 } + stopWords).filter { $0.count >= 5 }
    ).sorted().map { Array($0.unicodeScalars) }

    /// The legal-form word a token misspells by one letter ("comwany", "livited"), if any.
    static func legalWord(_ token: String) -> String? {
        // From six letters: "point" is not a misspelt "joint".
        guard token.count >= 6 else { return nil }
        let scalars = Array(token.unicodeScalars)
        if legalWords.contains(scalars) { return nil }
        return legalWords.first { oneEditApart(scalars, $0) }.map { String(String.UnicodeScalarView($0)) }
    }

    /// A generic word, or one misspelt by one letter ("shiipping", "managment"; not
    /// "navigator").
    static func isGeneric(_ token: String) -> Bool {
        genericWords.contains(token) || genericWord(token) != nil
    }

    static let genericScalars: [[Unicode.Scalar]] = genericWords.sorted().map { Array($0.unicodeScalars) }

    /// The generic word a token misspells by one letter, if any: the listed side has the word
    /// spelt right, and both must drop or keep it alike.
    static func genericWord(_ token: String) -> String? {
        guard token.count >= 6, !genericWords.contains(token) else { return nil }
        let scalars = Array(token.unicodeScalars)
        return genericScalars.first { oneEditApart(scalars, $0) }.map { String(String.UnicodeScalarView($0)) }
    }

    /// True when one letter substituted, inserted or deleted turns `a` into `b`.
    static func oneEditApart(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
        guard abs(a.count - b.count) <= 1, a != b else { return false }
        var i = 0
        var j = 0
        var edits = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                i += 1
                j += 1
                continue
            }
            edits += 1
            if edits > 1 { return false }
            if a.count > b.count {
                i += 1
            } else if a.count < b.count {
                j += 1
            } else {
                i += 1
                j += 1
            }
        }
        return edits + (a.count - i) + (b.count - j) <= 1
    }

    /// Drops title or prefix phrases at the front, a few at most ("H.E. Gen.").
    static func dropLeading(_ tokens: [String], _ phrases: [[String]]) -> [String] {
        var rest = ArraySlice(tokens)
        for _ in 0..<4 {
            guard let phrase = phrases.first(where: { rest.count > $0.count && rest.starts(with: $0) }) else { break }
            rest = rest.dropFirst(phrase.count)
        }
        return Array(rest)
    }

    /// Drops every occurrence of the phrases (longest first), as long as something is left.
    static func dropPhrases(_ tokens: [String], _ phrases: [[String]]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < tokens.count {
            let rest = tokens[index...]
            if let phrase = phrases.first(where: { rest.starts(with: $0) }) {
                index += phrase.count
                continue
            }
            out.append(tokens[index])
            index += 1
        }
        return out.isEmpty ? tokens : out
    }
}
