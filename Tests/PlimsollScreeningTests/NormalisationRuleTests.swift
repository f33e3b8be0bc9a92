import PlimsollScreening
import PlimsollTesting
import Testing

/// Every normalisation and candidate rule of the matcher (issue 14, item 2), each shown firing
/// on a real list entry and not firing where it must not.
struct NormalisationRuleTests {
    static let block = ScreeningRules.default.nameMatch.blockScore
    static let review = ScreeningRules.default.nameMatch.reviewScore

    static func finds(_ query: String, _ kind: ListEntity.Kind, _ id: String, at threshold: Double) -> Bool {
        SanctionsData.index.match(name: query, kind: kind, threshold: threshold).contains { $0.entityID == id }
    }

    @Test func koreanRomanisationsAreOneName() {
        // OFAC 20127 "RI, Jae Il": Lee, Rhee, Yi and Li are the same surname.
        for query in ["Lee Jae Il", "Rhee Jae-il", "Yi Jae Il"] {
            #expect(Self.finds(query, .person, "ofac:20127", at: Self.block), "\(query)")
        }
        #expect(NameNormalizer.tokens("Lee", kind: .person) == ["ri"])
        #expect(!Self.finds("Leeds Jae Il", .person, "ofac:20127", at: Self.block))
        #expect(NameNormalizer.tokens("Leeds", kind: .person) == ["leeds"])
    }

    @Test func soundKeysJoinRomanisationSystemsOnly() {
        let key = { (text: String) in PhoneticKey.of(Array(text.unicodeScalars)) }
        #expect(key("jeong") == key("chong"))
        #expect(key("jung") == key("chong"))
        #expect(key("hyon") == key("hyeon"))
        #expect(key("mohammed") == key("muhammad"))
        #expect(key("hsiao") == key("xiao"))
        #expect(key("hasan") != key("husayn"))
        #expect(key("kim") != key("kam"))
    }

    @Test func arabicNamePartsAreOneName() {
        // OFAC 27321 "HAYDAR, Muhammad": a common first part (thousands of listed names hold
        // it) and its spellings.
        for query in ["Mohammed Haydar", "Mohamed Haydar", "Mohd Haydar"] {
            #expect(Self.finds(query, .person, "ofac:27321", at: Self.block), "\(query)")
        }
        #expect(!Self.finds("Mahmoud Haydar", .person, "ofac:27321", at: Self.block))
    }

    @Test func arabicArticlesAreDroppedButNotOtherShortParts() {
        // OFAC 23335 "AL-GHAZALI, Muhammad".
        #expect(Self.finds("Muhammad El-Ghazali", .person, "ofac:23335", at: Self.block))
        #expect(Self.finds("Muhammad Ghazali", .person, "ofac:23335", at: Self.block))
        #expect(NameNormalizer.tokens("Ul-Haq Ahmad", kind: .person) == ["haq", "ahmad"])
        // "An" is a Korean and Chinese surname, not an article.
        #expect(NameNormalizer.tokens("An Yong Chol", kind: .person) == ["an", "yong", "chol"])
    }

    @Test func cyrillicScriptAndLatinSystemsMeet() {
        // OFAC 16688 "IVANOV, Sergei".
        #expect(Self.finds("Сергей Иванов", .person, "ofac:16688", at: Self.block))
        #expect(Self.finds("Sergey Ivanov", .person, "ofac:16688", at: Self.block))
        #expect(!Self.finds("Сергей Петров", .person, "ofac:16688", at: Self.review))
        #expect(NameNormalizer.tokens("Evgeny", kind: .person) == NameNormalizer.tokens("Yevgeniy", kind: .person))
        #expect(NameNormalizer.tokens("Yevgeniy", kind: .person) != NameNormalizer.tokens("Yevdokim", kind: .person))
    }

    @Test func wadeGilesFindsPinyin() {
        // OFAC 29259 "ZHANG, Xiaoming".
        #expect(Self.finds("Chang Hsiao-ming", .person, "ofac:29259", at: Self.block))
        #expect(!Self.finds("Chang Hsiao-lin", .person, "ofac:29259", at: Self.block))
    }

    @Test func leadingTitlesAreDroppedOnlyInFront() {
        #expect(Self.finds("Gen. Ri Jae Il", .person, "ofac:20127", at: Self.block))
        #expect(Self.finds("H.E. Comrade Ri Jae Il", .person, "ofac:20127", at: Self.block))
        #expect(NameNormalizer.tokens("Major Ali Hassan", kind: .person) == ["ali", "hasan"])
        #expect(NameNormalizer.tokens("Ali Major", kind: .person) == ["ali", "major"])
    }

    @Test func vesselPrefixesAreDroppedForVesselsOnly() {
        // OFAC 23729, the tanker CHON MA SAN.
        for query in ["M/V CHON MA SAN", "MT Chon Ma San", "M.V. CHONMASAN"] {
            #expect(Self.finds(query, .vessel, "ofac:23729", at: Self.block), "\(query)")
        }
        #expect(NameNormalizer.tokens("MT Everest Holding", kind: .organization) == ["mt", "everest"])
    }

    @Test func abbreviationsAndLegalFormsInSeveralLanguages() {
        let ocean = SanctionsData.index.match(
            name: "Ocean Maritime Mgmt Co", kind: .organization, threshold: Self.block)
        #expect(ocean.contains { $0.listedName == "OCEAN MARITIME MANAGEMENT COMPANY LIMITED" })
        #expect(
            NameNormalizer.tokens("Naviera Azul Sociedad Anonima", kind: .organization)
                == NameNormalizer.tokens("Naviera Azul S.A.", kind: .organization))
        #expect(
            NameNormalizer.tokens("Volga OOO", kind: .organization)
                == NameNormalizer.tokens("Obshchestvo s Ogranichennoy Otvetstvennostyu Volga", kind: .organization))
        #expect(NameNormalizer.tokens("Baltic Shpg", kind: .organization) == ["baltic", "shipping"])
        // Abbreviations belong to companies: a person called Nav keeps the name.
        #expect(NameNormalizer.tokens("Nav Singh", kind: .person) == ["nav", "singh"])
        // A legal form alone is not dropped to nothing.
        #expect(NameNormalizer.tokens("Limited", kind: .organization) == ["limited"])
    }

    @Test func wordsMisspeltByOneLetterStillCountAsGenericOrLegal() {
        #expect(
            NameNormalizer.tokens("Baroon Shiipping Comwany Limited", kind: .organization)
                == NameNormalizer.tokens("Baroon Shipping Company Limited", kind: .organization))
        #expect(NameNormalizer.tokens("Navigator Compass", kind: .organization) == ["navigator", "compass"])
    }

    @Test func imoNumbersSentAsNamesInAnyForm() {
        for query in ["IMO No. 8660313", "IMO number 8660313", "IMO #8660313", "I.M.O. 8660313", "8660313"] {
            let matches = SanctionsData.index.match(name: query, kind: .vessel, threshold: Self.block)
            #expect(matches.first?.entityID == "ofac:23729" && matches.first?.score == 1, "\(query)")
        }
        #expect(SanctionsData.index.match(name: "IMO No. 8660314", kind: .vessel, threshold: Self.review).isEmpty)
        #expect(IMOText.normalize("IMO No. 8660313") == "8660313")
        #expect(IMOText.normalize("IMO 8660313 and more") == nil)
    }

    @Test func numbersInNamesMatchOnlyExactly() {
        #expect(Self.finds("HYUNDAI MIPO 2657", .vessel, "ofac:25322", at: Self.block))
        #expect(!Self.finds("HYUNDAI MIPO 2674", .vessel, "ofac:25322", at: Self.review))
        #expect(!Self.finds("CHRISTINA 9", .vessel, "ofac:15038", at: Self.block))
    }

    @Test func aStrictPrefixIsAnotherNamePart() {
        // OFAC 11447 "LI, Fangwei": "Fang" is not "Fangwei".
        #expect(Self.finds("Fangwei Li", .person, "ofac:11447", at: Self.block))
        #expect(!Self.finds("Fang Li", .person, "ofac:11447", at: Self.block))
    }

    @Test func aTypoInTheFirstLettersIsStillACandidate() {
        // OFAC 26138 "GHORBANIYAN, Mohammad": the old blocking needed the first three letters.
        #expect(Self.finds("Mohammad Khorbaniyan", .person, "ofac:26138", at: Self.review))
        #expect(Self.finds("Mohammad Ghrobaniyan", .person, "ofac:26138", at: Self.review))
        #expect(!Self.finds("Mohammad Khorasani", .person, "ofac:26138", at: Self.review))
    }
}

/// The cache a re-screen keeps across names changes no answer, only the time.
struct MatchCacheTests {
    @Test func aCacheChangesNoAnswer() throws {
        let queries = try EvalSetFile.read(EvalSetTests.committed).filter { $0.id % 7 == 0 }
        let cache = MatchCache()
        for pass in 0..<2 {
            for query in queries {
                let plain = SanctionsData.index.match(name: query.name, kind: query.kind, threshold: 0.8)
                let cached = SanctionsData.index.match(name: query.name, kind: query.kind, threshold: 0.8, cache: cache)
                #expect(plain == cached, "pass \(pass): \(query.name)")
            }
        }
    }
}
