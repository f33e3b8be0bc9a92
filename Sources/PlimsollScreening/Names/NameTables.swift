/// The matcher's knowledge of names, as data: titles and prefixes that say nothing about who is
/// meant, abbreviations and legal forms as the lists and registrars write them, and spellings
/// that romanisation systems give to one name part. Every table applies to both sides: the
/// listed names and the query (Docs/screening.md, "Name normalisation").
public enum NameTables {
    /// Titles, ranks and honorifics in front of a person's name (folded, several words allowed).
    /// Dropped only at the front, so a surname that is also a title ("General", "Major") stays.
    public static let personTitles: [[String]] = [
        "his excellency", "her excellency", "he", "h e", "excellency", "mr", "mrs", "ms", "miss", "dr", "doctor",
        "prof", "professor", "sir", "dame", "haji", "hajji", "hadji", "alhaji", "mullah", "mulla", "maulavi",
        "maulvi", "maulana", "mawlawi", "sheikh", "shaikh", "shaykh", "sheik", "sayyid", "imam",
        "gen", "general", "lt gen", "lieutenant general", "maj gen", "major general", "brig gen", "brigadier general",
        "brigadier", "col", "colonel", "lt col", "lieutenant colonel", "maj", "major", "capt", "captain", "cpt",
        "lt", "lieutenant", "cmdr", "commander", "admiral", "adm", "vice admiral", "rear admiral", "marshal",
        "field marshal", "sgt", "sergeant", "comrade", "chairman", "chairwoman", "president", "vice president",
        "minister", "deputy minister", "director", "director general", "eng", "engr", "engineer", "ayatollah",
        "hojatoleslam", "emir", "amir", "prince", "princess", "king", "sultan", "senator", "governor", "judge",
        "ambassador", "rev", "reverend", "father", "bishop",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Prefixes in front of a ship's name: MV, M/V, M.V., MT, SS, FV, Tanker.
    public static let vesselPrefixes: [[String]] = [
        "mv", "m v", "mt", "m t", "ms", "m s", "ss", "s s", "fv", "f v", "sv", "mts", "m ts", "mfv", "lpg", "lng",
        "tanker", "oil tanker", "motor vessel", "motor tanker", "vessel", "ship", "tug", "the",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Abbreviations as OFAC and registrars write them, to the word.
    public static let abbreviations: [String: String] = [
        "shpg": "shipping", "shipg": "shipping", "shpng": "shipping", "intl": "international",
        "int": "international", "trdg": "trading", "trad": "trading", "nav": "navigation", "navig": "navigation",
        "mgmt": "management", "mngt": "management", "mgt": "management", "svcs": "services", "svc": "services",
        "serv": "services", "inds": "industries", "ind": "industries", "indus": "industries", "bros": "brothers",
        "dev": "development", "devt": "development", "petrol": "petroleum", "inv": "investment",
        "invts": "investments", "invt": "investment", "eng": "engineering", "engg": "engineering", "imp": "import",
        "exp": "export", "gen": "general", "assoc": "association", "natl": "national", "nat": "national",
        "mfg": "manufacturing", "tech": "technology", "grp": "group", "hldgs": "holdings",
        "hldg": "holding", "ent": "enterprise", "entps": "enterprises", "cos": "companies", "dept": "department",
        "govt": "government", "univ": "university", "inst": "institute", "assn": "association", "bk": "bank",
        "est": "establishment", "estab": "establishment",
    ]

    /// Legal forms written out, in several languages, as word sequences (folded): dropped like
    /// their abbreviations.
    public static let legalFormPhrases: [[String]] = [
        "sociedad anonima", "sociedade anonima", "societe anonyme", "societa per azioni", "sa de cv", "s a de c v",
        "de cv", "sociedad limitada", "sociedad de responsabilidad limitada", "s de rl", "limitada", "compania",
        "companhia", "compagnie", "cia", "cie", "limited liability company", "limited liability partnership",
        "limited company", "company limited", "public limited company", "private limited", "private limited company",
        "joint stock company", "public joint stock company", "closed joint stock company", "open joint stock company",
        "joint venture", "free zone establishment", "free zone company", "sendirian berhad", "berhad",
        "aktiengesellschaft", "gesellschaft mit beschrankter haftung", "obshchestvo s ogranichennoy otvetstvennostyu",
        "obshchestvo s ogranichennoi otvetstvennostiu", "aktsionernoe obshchestvo", "zakrytoe aktsionernoe obshchestvo",
        "otkrytoe aktsionernoe obshchestvo", "publichnoe aktsionernoe obshchestvo",
        "tovarystvo z obmezhenoyu vidpovidalnistyu",
        "anonim sirketi", "limited sirketi", "sherkat", "sahami khass", "sahami aam",
        "societe a responsabilite limitee",
        "srl", "sarl", "sl", "sas", "sp z o o", "spzoo", "kft", "zrt", "doo", "d o o", "ad", "ead", "eood", "ooo",
        "tov",
        "pao", "ao", "zao", "oao", "pjsc", "cjsc", "ojsc", "jsc", "jv", "fze", "fzco", "fzc", "fzllc", "dmcc", "llc",
        "pte", "pvt", "bhd", "sdn", "tbk", "pt", "cv", "bv", "nv", "gmbh", "ag", "kg", "ab", "oy", "as", "asa", "aps",
        "spa", "sa", "ltda", "plc", "inc", "corp", "corporation", "incorporated", "co", "company", "ltd", "limited",
        "lp", "llp", "sro", "s r o", "as", "se", "kk", "yk",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Spellings of one name part across romanisation systems and habits, each class with the
    /// spelling the matcher compares (its first). Arabic name parts, Korean surnames (McCune-
    /// Reischauer, Revised Romanization and their popular forms), and the Russian given names
    /// whose Latin forms differ by more than a letter.
    public static let equivalentSpellings: [[String]] = [
        // Arabic.
        [
            "muhammad", "mohammed", "mohamed", "mohammad", "muhammed", "mohamad", "mouhamed", "mohd", "muhamad",
            "mohamud", "mohummad", "mahomed", "mehmet", "mehmed",
        ],
        ["husayn", "hussein", "husain", "hossein", "hussain", "husseyn", "husein", "hosein", "houssein"],
        ["hasan", "hassan", "hasson", "hassen"], ["ahmad", "ahmed", "ahmet", "ahmat"],
        ["yusuf", "yousef", "youssef", "yusif", "yousuf", "yousif", "yussuf", "jusuf"],
        ["umar", "omar", "omer"], ["uthman", "osman", "othman", "usman", "outhman"], ["abu", "abou", "abo"],
        ["khalid", "khaled", "halid"], ["mahmud", "mahmoud", "mahmood", "mehmood"],
        ["mustafa", "mostafa", "moustafa", "mustapha", "mostapha"], ["ibrahim", "ebrahim", "ibraheem", "ibragim"],
        ["ismail", "ismael", "esmail", "ismayil"], ["sulayman", "suleiman", "sulaiman", "soliman", "suleyman"],
        ["said", "saeed", "sayed", "saiid", "sayeed", "sayyid"], ["zayd", "zaid", "zeid", "zeyd"],
        ["abdallah", "abdullah", "abdulla", "abdellah", "abdollah"], ["qasim", "kassem", "qassem", "kasim", "qasem"],
        ["jafar", "jaafar", "jafer", "dzhafar"], ["salih", "saleh", "salah"], ["hamid", "hamed"],
        ["rashid", "rachid", "rasheed", "rashed"], ["nasir", "nasser", "naser", "nasr"],
        ["abd", "abdul", "abdel", "abdal", "abdol", "abdoul"], ["bin", "ibn", "ben", "bint"],
        ["ali", "aly"], ["yahya", "yahia", "yehia", "yahiya"], ["jamal", "gamal", "djamal"],
        ["hamza", "hamzah", "hamzeh"], ["mansur", "mansour", "mansoor"], ["nur", "nour", "noor"],
        ["usama", "osama", "oussama"], ["walid", "waleed"], ["majid", "majed", "maged", "madjid"],
        ["faisal", "faysal", "feisal"], ["hadi", "hady"], ["mahdi", "mehdi"], ["sharif", "sherif", "cherif"],
        ["yasin", "yassin", "yaseen", "yassine"], ["jabir", "jaber"], ["hafiz", "hafez"], ["aziz", "azeez"],
        ["karim", "kareem"], ["rahman", "rehman", "rahmane"], ["rahim", "raheem"], ["ayman", "aiman"],
        ["awad", "awadh"], ["zubayr", "zubair", "zoubeir"], ["ubayd", "obaid", "ubaid", "obeid"],
        ["hajj", "haj", "hadj"], ["sayf", "saif", "seif"], ["dawud", "daud", "dawood", "daoud"],
        // Korean surnames and syllables.
        ["ri", "lee", "rhee", "yi", "li", "rhi"], ["pak", "park", "bak", "pag"], ["choe", "choi", "chwe", "choy"],
        ["o", "oh"], ["kim", "gim"], ["sin", "shin"], ["yun", "yoon"], ["mun", "moon"], ["yu", "yoo", "ryu"],
        ["u", "woo"], ["ko", "koh", "go"], ["kang", "gang"], ["jong", "jeong", "chong", "chung", "jung", "joung"],
        ["han", "hahn"], ["rim", "lim", "im"], ["chon", "jeon", "chun", "jon"], ["chang", "jang"],
        ["kwon", "gwon"], ["hwang", "whang"], ["so", "seo", "suh"], ["chu", "ju", "joo"], ["ro", "roh"],
        ["yom", "yeom"], ["kye", "gye"], ["ku", "gu", "koo"], ["pyon", "byun", "pyun", "byeon"],
        // Russian and Ukrainian given names.
        ["aleksandr", "alexander", "alexandr", "oleksandr", "aleksander"],
        [
            "aleksey", "alexei", "alexey", "aleksei",
            "oleksiy", "oleksii",
        ], ["yevgeniy", "evgeny", "evgeniy", "yevgeny", "evgenii", "eugene"],
        ["sergey", "sergei", "serhiy", "serhii", "sergiy"], ["andrey", "andrei", "andriy", "andrii"],
        ["dmitriy", "dmitry", "dmitri", "dmytro"], ["yuriy", "yuri", "yury", "iurii", "yurii", "jurij"],
        ["mikhail", "mikhael", "mykhailo", "mykhaylo"], ["pyotr", "petr", "petro"], ["fyodor", "fedor", "fedir"],
        ["vladimir", "volodymyr", "wladimir"], ["nikolay", "nikolai", "mykola"], ["grigoriy", "grigory", "hryhoriy"],
        ["viktor", "victor"], ["konstantin", "kostiantyn", "kostyantyn"], ["vitaliy", "vitaly", "vitalii"],
        ["anatoliy", "anatoly", "anatolii"], ["gennadiy", "gennady", "hennadiy"], ["valeriy", "valery", "valerii"],
        ["igor", "ihor"], ["oleg", "oleh"], ["yelena", "elena", "olena"], ["natalya", "natalia", "nataliya"],
        ["tatyana", "tatiana", "tetiana"], ["yuliya", "yulia", "julia", "iuliia"],
    ]

    /// Cyrillic letters to Latin as BGN/PCGN writes them (the system of most Western lists), so
    /// a name given in Cyrillic meets its listed Latin form; Ukrainian letters included.
    public static let cyrillicToLatin: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye", "ж": "zh",
        "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ў": "u",
    ]
}
