import Foundation

/// Country names as the lists write them ("Korea, North", "Iran (Islamic Republic of)",
/// "Russian Federation") to ISO 3166 alpha-2 codes, so a party's country can be compared with a
/// listed nationality, address or place of birth.
public enum CountryNames {
    /// Names the lists use that the English region names do not give.
    static let aliases: [String: String] = [
        "korea north": "KP", "north korea": "KP", "democratic peoples republic of korea": "KP", "dprk": "KP",
        "korea dprk": "KP", "korea south": "KR", "republic of korea": "KR", "south korea": "KR",
        "iran islamic republic of": "IR", "islamic republic of iran": "IR", "russian federation": "RU",
        "syrian arab republic": "SY", "burma": "MM", "lao peoples democratic republic": "LA", "laos": "LA",
        "viet nam": "VN", "united republic of tanzania": "TZ", "bolivia plurinational state of": "BO",
        "venezuela bolivarian republic of": "VE", "congo democratic republic of the": "CD",
        "democratic republic of the congo": "CD", "congo republic of the": "CG", "republic of the congo": "CG",
        "united states of america": "US", "usa": "US", "united kingdom of great britain and northern ireland": "GB",
        "uk": "GB", "turkiye": "TR", "turkey": "TR", "czech republic": "CZ", "west bank": "PS", "gaza": "PS",
        "palestinian": "PS", "state of palestine": "PS", "ivory coast": "CI", "cote d ivoire": "CI",
        "cote divoire": "CI", "the gambia": "GM", "gambia the": "GM", "macedonia": "MK", "north macedonia": "MK",
        "swaziland": "SZ", "cape verde": "CV", "micronesia federated states of": "FM", "moldova republic of": "MD",
        "republic of moldova": "MD", "bahamas the": "BS", "the bahamas": "BS", "hong kong": "HK", "taiwan": "TW",
        "macau": "MO", "region crimea": "UA", "crimea": "UA", "kosovo": "XK", "libyan arab jamahiriya": "LY",
        "holy see": "VA", "brunei darussalam": "BN", "timor leste": "TL", "east timor": "TL",
        "saint kitts and nevis": "KN", "st kitts and nevis": "KN", "saint vincent and the grenadines": "VC",
        "st vincent and the grenadines": "VC", "antigua and barbuda": "AG", "bosnia and herzegovina": "BA",
        "bosnia herzegovina": "BA", "trinidad and tobago": "TT", "sao tome and principe": "ST", "uae": "AE",
    ]

    static let byName: [String: String] = {
        var map = aliases
        let english = Locale(identifier: "en_US")
        for region in Locale.Region.isoRegions where region.identifier.count == 2 {
            if let name = english.localizedString(forRegionCode: region.identifier) {
                map[key(name)] = region.identifier
            }
        }
        return map
    }()

    static func key(_ name: String) -> String {
        NameNormalizer.fold(name)
    }

    /// The ISO code of a listed country name; nil when unknown.
    public static func code(_ name: String) -> String? {
        let folded = key(name)
        if let code = byName[folded] { return code }
        // "Pyongan-Pukto, North Korea", "Kaesong, DPRK": the country is the last part.
        if let last = name.split(separator: ",").last, let code = byName[key(String(last))] { return code }
        return nil
    }
}
