import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollScreening
import Testing

/// Secondary identifiers (issue 14, item 3) on a real entry: OFAC 17616 "RYU, Jin", DOB 07 Aug
/// 1965, nationality Korea, North, Passport 563410081.
struct IdentifierRuleTests {
    static let block = ScreeningRules.default.nameMatch.blockScore
    static let review = ScreeningRules.default.nameMatch.reviewScore
    static let id = "ofac:17616"

    static func ryu(_ subject: MatchSubject?, name: String = "Ryu Jin") -> NameMatch? {
        SanctionsData.index.match(name: name, kind: .person, threshold: 0.5, subject: subject).first {
            $0.entityID == id
        }
    }

    @Test func theListedEntryCarriesItsIdentifiers() throws {
        let entity = try #require(SanctionsData.index.entity(Self.id))
        #expect(entity.identifiers.contains("563410081"))
        #expect(entity.countries.compactMap(CountryNames.code).contains("KP"))
        #expect(ListedDate(entity.dates[0])?.day == "1965-08-07")
    }

    @Test func noSubjectNoChecks() throws {
        let plain = try #require(Self.ryu(nil))
        #expect(plain.checks == nil)
        #expect(!plain.identifiersDisagree)
    }

    @Test func anAgreeingBirthDateRaisesTheScore() throws {
        let plain = try #require(Self.ryu(nil, name: "Ryu Jinn"))
        let exact = try #require(Self.ryu(MatchSubject(born: "1965-08-07"), name: "Ryu Jinn"))
        let sameYear = try #require(Self.ryu(MatchSubject(born: "1965-01-01"), name: "Ryu Jinn"))
        #expect(exact.score > sameYear.score && sameYear.score > plain.score)
        #expect(exact.checks?.first { $0.field == "born" }?.outcome == .agrees)
    }

    @Test func aDisagreeingBirthDateHoldsAnExactNameForReviewNotBlock() throws {
        let match = try #require(Self.ryu(MatchSubject(born: "1990-03-01")))
        #expect(match.identifiersDisagree)
        #expect(match.score <= IdentifierComparison.disagreeScoreMax)
        #expect(match.score >= Self.review)
        #expect(match.checks?.first { $0.field == "born" }?.outcome == .disagrees)
        // Two years away is not a disagreement (lists are approximate).
        let near = try #require(Self.ryu(MatchSubject(born: "1967-03-01")))
        #expect(!near.identifiersDisagree)
    }

    @Test func countryAgreesOrDisagreesButNeverDecidesAlone() throws {
        let plain = try #require(Self.ryu(nil))
        let korea = try #require(Self.ryu(MatchSubject(country: "KP")))
        let norway = try #require(Self.ryu(MatchSubject(country: "NO")))
        #expect(korea.checks?.first?.outcome == .agrees)
        #expect(norway.checks?.first?.outcome == .disagrees)
        #expect(!norway.identifiersDisagree)
        #expect(norway.score < plain.score || plain.score == 1)
    }

    @Test func anEqualPassportNumberAgreesAndOutweighsADate() throws {
        let match = try #require(Self.ryu(MatchSubject(born: "1990-03-01", identifiers: ["5634 10081"])))
        #expect(match.checks?.contains { $0.field == "identifier" && $0.outcome == .agrees } == true)
        #expect(!match.identifiersDisagree)
        let other = try #require(Self.ryu(MatchSubject(identifiers: ["999999999"])))
        #expect(other.checks?.isEmpty == true)
    }

    @Test func theScreenerReviewsANameWhoseBirthDateDisagrees() throws {
        let screener = Screener(index: SanctionsData.index, rules: .default, listsDigest: .zero)
        func party(born: String?) throws -> Party {
            Party(id: PartyID(1), kind: .person, name: "Ryu Jin", country: try Country("NO"), born: born)
        }
        let unknown = screener.directEvidence(try party(born: nil)).first { $0.rule == "name_match" }
        #expect(unknown?.status == .block)
        let other = screener.directEvidence(try party(born: "1990-03-01")).first { $0.rule == "name_match" }
        #expect(other?.status == .review)
        #expect(other?.detail.contains("born 1990-03-01 disagrees with") == true)
        let same = screener.directEvidence(try party(born: "1965-08-07")).first { $0.rule == "name_match" }
        #expect(same?.status == .block)
        #expect(same?.detail.contains("born 1965-08-07 agrees with") == true)
    }

    @Test func listedDatesInTheirForms() {
        #expect(ListedDate("18 Feb 1962")?.day == "1962-02-18")
        #expect(ListedDate("circa 1947")?.years == 1945...1949)
        #expect(ListedDate("1958 to 1962")?.years == 1958...1962)
        #expect(ListedDate("01 Jan 1934 to 31 Dec 1934")?.years == 1934...1934)
        #expect(ListedDate("1962-02-18")?.day == "1962-02-18")
        #expect(ListedDate("unknown") == nil)
        #expect(CountryNames.code("Korea, North") == "KP")
        #expect(CountryNames.code("Iran") == "IR")
        #expect(CountryNames.code("Iran (Islamic Republic of)") == "IR")
        #expect(CountryNames.code("Pyongan-Pukto, North Korea") == "KP")
    }
}
