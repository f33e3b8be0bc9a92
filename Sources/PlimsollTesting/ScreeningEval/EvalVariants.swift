import Foundation

/// The rewrites that turn a listed name into the spelling a registrar might be handed.
///
/// They are written as spelling rules (romanisation systems, vowel and consonant habits, typing
/// slips), not as the matcher's equivalence tables, so that the evaluation does not simply replay
/// the tables it measures. Every rule takes the generator's seeded random source.
enum EvalVariants {
    // MARK: Korean: McCune-Reischauer (as the lists write DPRK names) to Revised Romanization and
    // the spellings people use.

    /// Korean surnames as the lists write them (McCune-Reischauer) and as people spell them.
    static let koreanSurnames: [String: [String]] = [
        "ri": ["lee", "rhee", "yi", "li"], "pak": ["park", "bak"], "choe": ["choi", "chwe"], "o": ["oh"],
        "kim": ["gim"], "sin": ["shin"], "yun": ["yoon"], "mun": ["moon"], "yu": ["yoo"], "u": ["woo"],
        "ko": ["koh", "go"], "kang": ["gang"], "jong": ["jeong", "chung", "chong"], "han": ["hahn"],
        "rim": ["lim", "im"], "ryu": ["yoo", "yu"], "chon": ["jeon", "chun"], "chang": ["jang"],
    ]

    /// One Korean syllable respelt by a romanisation habit, or unchanged when none applies.
    static func korean(_ syllable: String, surname: Bool, _ rng: inout SplitMix64) -> String {
        if surname, let options = koreanSurnames[syllable], rng.chance(0.8) { return rng.pick(options) }
        var s = syllable
        var rules: [(inout String) -> Bool] = []
        // Initial plosives voiced in Revised Romanization (k > g, ch > j, t > d, p > b), or the
        // reverse.
        rules.append { s in
            for (from, to) in [("ch", "j"), ("k", "g"), ("t", "d"), ("p", "b"), ("j", "ch"), ("g", "k")]
            where s.hasPrefix(from) && !s.hasPrefix("th") && !s.hasPrefix("ph") {
                s = to + s.dropFirst(from.count)
                return true
            }
            return false
        }
        // The vowel written o in McCune-Reischauer is often eo or u.
        rules.append { s in
            guard let range = s.range(of: "yo") ?? s.range(of: "o"), !s.contains("oo") else { return false }
            s.replaceSubrange(range, with: s[range] == "yo" ? "yeo" : (s.hasSuffix("ng") ? "eo" : "u"))
            return true
        }
        // u for the close vowel, eu in Revised Romanization; aspirated th, ph, kh lose the h.
        rules.append { s in
            if s == "un" || s == "ul" || s == "ung" {
                s = "e" + s
                return true
            }
            for aspirate in ["th", "ph"] where s.hasPrefix(aspirate) {
                s = String(aspirate.prefix(1)) + s.dropFirst(2)
                return true
            }
            return false
        }
        // A final l doubled, a final k or l as g or r.
        rules.append { s in
            guard s.count >= 2, let last = s.last, "lk".contains(last) else { return false }
            s = last == "l" ? s + "l" : String(s.dropLast()) + "g"
            return true
        }
        rules.shuffle(using: &rng)
        for rule in rules where rule(&s) { return s }
        return syllable
    }

    // MARK: Arabic name parts and vowels.

    static let arabicForms: [[String]] = [
        ["muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad", "mouhamed", "mohd"],
        ["husayn", "hussein", "husain", "hossein", "hussain", "husseyn"],
        ["hasan", "hassan", "hasson"], ["ahmad", "ahmed", "ahmet"], ["yusuf", "yousef", "youssef", "yusif"],
        ["umar", "omar", "omer"], ["uthman", "osman", "othman"], ["abu", "abou"], ["khalid", "khaled"],
        ["mahmud", "mahmoud"], ["mustafa", "mostafa", "moustafa"], ["ibrahim", "ebrahim", "ibraheem"],
        ["ismail", "ismael", "esmail"], ["sulayman", "suleiman", "sulaiman", "soliman"],
        ["said", "saeed", "sayed", "saiid"], ["zayd", "zaid", "zeid"], ["abdallah", "abdullah", "abdulla"],
        ["qasim", "kassem", "qassem", "kasim"], ["jafar", "jaafar", "ja'far"], ["salih", "saleh", "salah"],
        ["hamid", "hamed"], ["rashid", "rachid", "rasheed"], ["nasir", "nasser", "naser"],
    ]

    /// Respells one Arabic-derived token: a known name part by another common spelling, else a
    /// vowel or consonant habit (u/o, i/e, q/k, doubled letters, a dropped article).
    static func arabic(_ token: String, _ rng: inout SplitMix64) -> String {
        for forms in arabicForms where forms.contains(token) {
            return rng.pick(forms.filter { $0 != token })
        }
        if token.hasPrefix("al-") || token.hasPrefix("el-") {
            let rest = String(token.dropFirst(3))
            return rng.pick(["el-" + rest, "al " + rest, "al" + rest, rest, "ul-" + rest].filter { $0 != token })
        }
        var s = token
        var rules: [(inout String) -> Bool] = [
            { s in s.replaceFirst("ou", "u") || s.replaceFirst("u", "ou") || s.replaceFirst("u", "o") },
            { s in s.replaceFirst("i", "e") || s.replaceFirst("ee", "i") },
            { s in s.replaceFirst("q", "k") || s.replaceFirst("dh", "z") || s.replaceFirst("kh", "h") },
            { s in s.undoubleFirst() || s.doubleMiddleConsonant() },
            { s in
                guard s.hasSuffix("i") || s.hasSuffix("y") else { return false }
                s = String(s.dropLast()) + (s.hasSuffix("i") ? "y" : "i")
                return true
            },
        ]
        rules.shuffle(using: &rng)
        for rule in rules where rule(&s) { return s }
        return token
    }

    /// "Abd al-Rahman" and its family: Abdul Rahman, Abdel Rahman, Abdurrahman, Abd-al-Rahman.
    static func abdForms(_ rest: String, _ rng: inout SplitMix64) -> String {
        rng.pick([
            "abdul " + rest, "abdel " + rest, "abd al-" + rest, "abd-al-" + rest, "abdul" + rest, "abd el " + rest,
        ])
    }

    // MARK: Russian and Ukrainian names: Latin systems and the Cyrillic script.

    static func cyrillicLatin(_ token: String, _ rng: inout SplitMix64) -> String {
        var s = token
        var rules: [(inout String) -> Bool] = [
            { s in s.replaceSuffix("iy", rng2: ["ii", "y", "yy", "ij"]) },
            { s in s.replaceSuffix("yy", rng2: ["iy", "y"]) },
            { s in s.replaceFirst("kh", "h") || s.replaceFirst("ks", "x") },
            { s in s.replaceFirst("ya", "ia") || s.replaceFirst("yu", "iu") || s.replaceFirst("ye", "e") },
            { s in s.replaceFirst("ts", "tz") || s.replaceFirst("shch", "sch") || s.replaceFirst("zh", "j") },
            { s in s.replaceSuffix("ov", rng2: ["off", "ow"]) || s.replaceSuffix("ev", rng2: ["eff", "yev"]) },
            // The letter ё written yo, io or e (Pyotr, Piotr, Petr; Semyon, Semen); v as w.
            { s in s.replaceFirst("yo", rng2pick: ["e", "io"]) || s.replaceFirst("v", "w") },
        ]
        rules.shuffle(using: &rng)
        for rule in rules where rule(&s) { return s }
        return token
    }

    /// A Latin-written Russian name back in Cyrillic letters (the form a registrar gets from a
    /// passport's national page).
    static func toCyrillic(_ token: String) -> String {
        let pairs: [(String, String)] = [
            ("shch", "щ"), ("yo", "ё"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
            ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("iy", "ий"), ("yy", "ый"), ("a", "а"), ("b", "б"), ("v", "в"),
            ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"),
            ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
            ("f", "ф"), ("'", "ь"), ("-", "-"),
        ]
        var out = ""
        var rest = Substring(token)
        while !rest.isEmpty {
            if let (latin, cyrillic) = pairs.first(where: { rest.hasPrefix($0.0) }) {
                out += cyrillic
                rest = rest.dropFirst(latin.count)
            } else {
                out.append(rest.removeFirst())
            }
        }
        return out
    }

    // MARK: Chinese: Hanyu Pinyin to Wade-Giles.

    static let pinyinInitials = [
        "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
        "r", "z", "c", "s", "y", "w", "",
    ]
    static let pinyinFinals = [
        "iang", "iong", "uang", "ang", "eng", "ing", "ong", "ian", "iao", "uai", "uan", "ai",
        "ao", "an", "ei", "en", "er", "ia", "ie", "in", "iu", "ou", "ua", "ui", "un", "uo", "a", "e", "i", "o", "u",
    ]

    /// Splits a Pinyin token into syllables (longest initial and final first), or nil when it
    /// is not Pinyin.
    static func pinyinSyllables(_ token: String) -> [String]? {
        var out: [String] = []
        var rest = Substring(token)
        while !rest.isEmpty {
            var found: Substring?
            for initial in pinyinInitials where rest.hasPrefix(initial) {
                let after = rest.dropFirst(initial.count)
                if let final = pinyinFinals.first(where: { after.hasPrefix($0) }) {
                    found = rest.prefix(initial.count + final.count)
                    break
                }
            }
            guard let syllable = found else { return nil }
            out.append(String(syllable))
            rest = rest.dropFirst(syllable.count)
        }
        return out.isEmpty ? nil : out
    }

    static func wadeGiles(_ syllable: String) -> String {
        var s = syllable
        for (from, to) in [
            ("zh", "ch"), ("ch", "ch'"), ("sh", "sh"), ("q", "ch'"), ("x", "hs"), ("j", "ch"), ("z", "ts"),
            ("c", "ts'"),
            ("r", "j"),
        ]
        where s.hasPrefix(from) {
            s = to + s.dropFirst(from.count)
            break
        }
        for (from, to) in [("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("uo", "o")] where s.hasSuffix(from) {
            s = String(s.dropLast(from.count)) + to
            break
        }
        for (from, to) in [("d", "t"), ("b", "p"), ("g", "k")] where s.hasPrefix(from) {
            s = to + s.dropFirst(from.count)
            break
        }
        return s
    }

    // MARK: Titles, prefixes, abbreviations, legal forms, typing slips.

    static let personTitles = [
        "Gen.", "General", "Chairman", "Capt.", "Captain", "Col.", "Colonel", "H.E.", "His Excellency", "Shaykh",
        "Sheikh", "Comrade", "Dr.", "Mr.", "Haji", "Maj. Gen.", "Brig. Gen.", "Lt. Col.", "Admiral", "Prof.", "Eng.",
        "Mullah", "Sayyid", "Minister", "Director", "Vice Admiral", "Lt. Gen.", "Marshal",
    ]
    static let vesselPrefixes = ["MV", "M/V", "M.V.", "MT", "M/T", "M.T.", "SS", "FV", "Tanker", "Motor Vessel", "MV."]

    static let abbreviations: [String: [String]] = [
        "shipping": ["shpg", "shipg"], "company": ["co", "co."], "international": ["intl", "int'l"],
        "limited": ["ltd", "ltd."], "corporation": ["corp", "corp."], "trading": ["trdg"], "navigation": ["nav"],
        "industries": ["inds", "ind."], "management": ["mgmt"], "services": ["svcs"], "brothers": ["bros"],
        "development": ["dev"], "incorporated": ["inc"], "maritime": ["mar."], "petroleum": ["petrol"],
        "investment": ["inv"], "investments": ["invts"], "engineering": ["eng"], "import": ["imp"],
        "export": ["exp"], "general": ["gen"], "association": ["assoc"],
    ]
    static let legalForms = [
        "S.A.", "Sociedad Anonima", "Ltda", "Limitada", "S.A. de C.V.", "GmbH", "LLC", "Limited Liability Company",
        "JSC", "Joint Stock Company", "OOO", "Co., Ltd.", "FZE", "Sdn Bhd", "Pte Ltd", "Private Limited",
        "Sociedade Anonima", "SARL", "Societe Anonyme", "AG", "PJSC", "Public Joint Stock Company", "CJSC",
        "Closed Joint Stock Company", "OAO", "Company Limited", "Limited", "Inc.", "Corporation", "FZCO", "Srl",
    ]

    /// One typing slip in a token of at least four letters: a letter substituted, dropped,
    /// doubled or swapped with its neighbour, anywhere (the first letters included).
    static func typo(_ token: String, _ rng: inout SplitMix64) -> String {
        var letters = Array(token)
        guard letters.count >= 4 else { return token }
        let at = Int(rng.next() % UInt64(letters.count))
        switch rng.next() % 4 {
        case 0:
            let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
            var replacement = rng.pick(alphabet)
            while replacement == letters[at] { replacement = rng.pick(alphabet) }
            letters[at] = replacement
        case 1: letters.remove(at: at)
        case 2: letters.insert(letters[at], at: at)
        default:
            let left = min(at, letters.count - 2)
            letters.swapAt(left, left + 1)
            if letters == Array(token) { letters.remove(at: left) }
        }
        return String(letters)
    }
}

extension String {
    mutating func replaceFirst(_ target: String, _ replacement: String) -> Bool {
        guard let range = range(of: target) else { return false }
        replaceSubrange(range, with: replacement)
        return true
    }

    mutating func replaceFirst(_ target: String, rng2pick options: [String]) -> Bool {
        guard let range = range(of: target) else { return false }
        replaceSubrange(range, with: options[count % options.count])
        return true
    }

    mutating func replaceSuffix(_ suffix: String, rng2 options: [String]) -> Bool {
        guard hasSuffix(suffix), count > suffix.count + 2 else { return false }
        // The choice is by length so that the rule stays deterministic without its own source.
        self = String(dropLast(suffix.count)) + options[count % options.count]
        return true
    }

    mutating func undoubleFirst() -> Bool {
        let letters = Array(self)
        for i in 1..<max(1, letters.count) where letters[i] == letters[i - 1] && letters[i].isLetter {
            self = String(letters[..<i] + letters[(i + 1)...])
            return true
        }
        return false
    }

    mutating func doubleMiddleConsonant() -> Bool {
        let letters = Array(self)
        guard letters.count >= 4 else { return false }
        let middle = letters.count / 2
        guard letters[middle].isLetter, !"aeiouy".contains(letters[middle]) else { return false }
        self = String(letters[...middle] + [letters[middle]] + letters[(middle + 1)...])
        return true
    }
}

extension SplitMix64 {
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
