import ArgumentParser
import PlimsollCore

/// Command-line values checked once, at the edge, with messages that name the option and its
/// bound (a number the store cannot hold, or text the log's encoding cannot carry, would trap
/// deeper in; the core must only ever see values within its limits).
enum Edge {
    /// A whole number in `range`, written as plain digits: `-5`, `1.5` or `2^64` get a sentence.
    static func whole(_ text: String, _ option: String, _ range: ClosedRange<UInt64>) throws -> UInt64 {
        guard let value = DecimalText.whole(text, in: range) else {
            throw ValidationError(
                "\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text.prefix(24))\""
            )
        }
        return value
    }

    static let heights = 0...Limits.storedIntegerMax
    static let ids = 1...Limits.storedIntegerMax
    static let units = 1...Limits.vesselUnitsMax
    static let jsonIntegers = 1...Limits.jsonIntegerMax
    /// `--expires-in`: at most ten years, so the sum with the clock stays far below 2^53.
    static let expirySeconds: ClosedRange<UInt64> = 1...315_360_000

    /// Text the log keeps: 1 ... `max` UTF-8 bytes, no control characters.
    static func text(_ value: String, _ option: String, max: Int = Limits.textBytesMax) throws {
        let count = value.utf8.count
        guard count > 0, count <= max else {
            throw ValidationError("\(option) must be 1 to \(max) UTF-8 bytes, got \(count)")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError("\(option) contains a control character")
        }
    }

    static func text(_ value: String?, _ option: String, max: Int = Limits.textBytesMax) throws {
        if let value { try text(value, option, max: max) }
    }
}

/// ISO 3166-1 alpha-2: the 249 officially assigned codes, and XK, the user-assigned code the EU,
/// the UN lists and SWIFT use for Kosovo. The core accepts any two letters (logs written before
/// this check must still replay); the command line admits only real countries.
enum ISO3166 {
    static let codes: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
        KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
        MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG \
        UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK
        """.split(separator: " ").map(String.init))
}
