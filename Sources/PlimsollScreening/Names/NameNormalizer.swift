import Foundation

/// Turns a name in any script and form into comparable Latin tokens.
///
/// Steps: transliteration of non-Latin scripts to Latin (ICU through Foundation), Unicode
/// compatibility normalisation, case and diacritic folding, punctuation to spaces, hyphenated
/// parts split (the run-together form is compared separately by the matcher), and legal forms,
/// generic shipping words and honorifics dropped.
public enum NameNormalizer {
    /// Words that say what kind of body or person a name is, not which one: always dropped.
    public static let stopWords: Set<String> = [
        // Legal forms.
        "co", "company", "companies", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc", "llp",
        "lp", "plc",
        "sa", "s", "a", "ag", "gmbh", "bv", "nv", "spa", "srl", "sarl", "jsc", "ojsc", "cjsc", "pjsc", "oao", "zao",
        "ooo", "pte",
        "pvt", "bhd", "sdn", "fze", "fzco", "fzc", "dmcc", "kg", "as", "ab", "oy", "ltda", "cia", "de", "cv", "sas",
        "the", "and", "of",
        // Honorifics and titles.
        "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "haji", "hajji", "mullah", "maulavi", "maulvi", "sheikh",
        "shaikh", "general",
    ]

    /// Lowercase Latin text with single spaces, no punctuation or diacritics.
    public static func fold(_ name: String) -> String {
        var text = name
        if text.unicodeScalars.contains(where: { $0.value > 0x24F }) {
            text = text.applyingTransform(.toLatin, reverse: false) ?? text
        }
        text = text.precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var out = String.UnicodeScalarView()
        var lastSpace = true
        for scalar in text.unicodeScalars {
            if scalar == "ʹ" || scalar == "ʼ" || scalar == "ʻ" { continue }  // Transliteration marks.
            if CharacterSet.alphanumerics.contains(scalar) {
                out.append(scalar)
                lastSpace = false
            } else if scalar == "'" || scalar == "’" || scalar == "`" {
                continue  // O'Brien, Ri'sang: apostrophes join, they do not split.
            } else if !lastSpace {
                out.append(" ")
                lastSpace = true
            }
        }
        return String(out).trimmingCharacters(in: .whitespaces)
    }

    /// Generic shipping and business words: dropped only while at least two distinctive tokens
    /// remain, so "Ocean Maritime Management" does not shrink to a lone "ocean" that any ocean
    /// company would match.
    public static let genericWords: Set<String> = [
        "shipping", "shipmanagement", "ship", "ships", "management", "maritime", "marine", "navigation", "trading",
        "group",
        "holding", "holdings", "international", "enterprise", "enterprises", "carriers", "lines",
    ]

    /// Name tokens after folding, with stop words removed (unless nothing else is left).
    public static func tokens(_ name: String) -> [String] {
        let all = fold(name).split(separator: " ").map(String.init)
        var kept = all.filter { !stopWords.contains($0) }
        if kept.isEmpty { return all }
        let distinctive = kept.filter { !genericWords.contains($0) }
        if distinctive.count >= 2 { kept = distinctive }
        return kept
    }
}
