/// Ordinary names and words for the evaluation's negatives: people, companies and ships that a
/// registry meets every day and that are not listed. Several naming cultures on purpose, those of
/// the listed included, so that a matcher cannot pass by flagging every Korean or Arabic name.
enum EvalNamePools {
    static let given: [[String]] = [
        // Western European and American.
        [
            "james", "john", "robert", "michael", "william", "david", "richard", "thomas", "mary", "patricia",
            "jennifer",
            "linda", "elizabeth", "susan", "peter", "anna", "maria", "laura", "paul", "mark", "daniel", "sarah",
        ],
        // Nordic.
        ["ingrid", "lars", "erik", "olav", "sigrid", "knut", "astrid", "magnus", "henrik", "solveig", "bjorn"],
        // Korean (South Korean everyday names).
        [
            "min-jun", "seo-yeon", "ji-hoon", "ha-eun", "do-yoon", "su-bin", "hyun-woo", "ye-jin", "jae-won", "eun-ji",
            "sung-min", "young-ho", "dong-hyun", "mi-kyung",
        ],
        // Arabic.
        [
            "omar", "youssef", "karim", "layla", "fatima", "samir", "nadia", "tarek", "rania", "walid", "hani", "ziad",
            "amal", "bilal", "nour", "farid", "mahmoud", "ahmed", "khaled", "salma",
        ],
        // Russian and Ukrainian.
        [
            "dmitry", "olga", "sergei", "natalia", "andrei", "irina", "pavel", "tatiana", "mikhail", "svetlana", "oleg",
            "yulia", "taras", "oksana", "bohdan",
        ],
        // Chinese.
        ["wei", "fang", "jing", "lei", "xiaoming", "yan", "hui", "jun", "ling", "tao", "xin", "hong", "zhiwei"],
        // South Asian, Spanish, Greek, Japanese, West African.
        [
            "rahul", "priya", "anil", "sunita", "carlos", "lucia", "javier", "carmen", "nikos", "eleni", "yannis",
            "hiroshi", "yuki", "kenji", "aiko", "chinedu", "ngozi", "kwame", "amara", "tunde",
        ],
    ]
    static let family: [[String]] = [
        [
            "smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson", "anderson", "taylor",
            "thompson", "martin", "clarke", "walker",
        ],
        ["hansen", "johansen", "olsen", "larsen", "andersen", "pedersen", "nilsen", "solberg", "lindqvist", "berg"],
        ["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin"],
        [
            "haddad", "khoury", "nasser", "mansour", "saleh", "hamdan", "aziz", "karam", "farouk", "habib", "sabbagh",
            "rahman", "hussein", "ibrahim",
        ],
        [
            "ivanov", "smirnova", "kuznetsov", "popova", "sokolov", "lebedev", "kozlova", "novikov", "morozov",
            "volkova", "shevchenko", "bondarenko", "kovalenko",
        ],
        ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "hu"],
        [
            "sharma", "patel", "gupta", "garcia", "rodriguez", "lopez", "fernandez", "papadopoulos", "georgiou",
            "tanaka", "suzuki", "watanabe", "okafor", "mensah", "adeyemi", "diallo",
        ],
    ]
    static let businessWords = [
        "nordic", "atlantic", "pacific", "coastal", "harbour", "harbor", "meridian", "polar", "aurora", "summit",
        "crescent", "anchor", "compass", "beacon", "horizon", "orion", "vega", "sterling", "granite", "cedar",
        "falcon", "kestrel", "osprey", "albatross", "delta", "alpine", "baltic", "aegean", "adriatic", "caspian",
        "emerald", "sapphire", "golden", "silver", "united", "allied", "premier", "pioneer", "heritage", "liberty",
        "zenith", "apex", "pinnacle", "trident", "neptune", "poseidon", "triton", "marlin", "seagull", "pelican",
        "stellar", "lumen", "vertex", "harmony", "unity", "fortune", "prosper", "evergreen", "bluewater", "redwood",
    ]
    static let businessKinds = [
        "shipping", "maritime", "bulk carriers", "tankers", "logistics", "marine services", "ship management",
        "trading", "navigation", "offshore", "lines", "freight", "chartering", "holdings", "ventures",
    ]
    static let ordinaryLegalForms = ["Ltd", "AS", "LLC", "Inc.", "GmbH", "S.A.", "Pte Ltd", "Co., Ltd.", "BV", "plc"]
    static let vesselWords = [
        "ocean", "star", "pride", "spirit", "glory", "queen", "princess", "explorer", "voyager", "navigator",
        "fortune", "harmony", "wind", "wave", "breeze", "island", "coral", "pearl", "dolphin", "eagle", "hawk",
        "northern", "southern", "eastern", "western", "grand", "royal", "blue", "silver", "golden", "nordic",
        "maria", "elena", "sofia", "anna", "christina", "aurora", "atlas", "titan", "phoenix", "hope", "unity",
    ]
}
