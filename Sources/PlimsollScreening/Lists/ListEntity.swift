import Foundation
public import PlimsollCore

/// One listed person, organization or vessel, from any list format.
public struct ListEntity: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case person, organization, vessel, aircraft
    }

    /// "<source>:<reference>", e.g. "ofac:18068", "un:KPe.001".
    public let id: String
    public let source: String
    public let reference: String
    public let kind: Kind
    /// Primary name first, then aliases (a.k.a., f.k.a., n.k.a.).
    public let names: [String]
    public let programmes: [String]
    public let countries: [String]
    public let dates: [String]
    /// Vessel IMO numbers (7 digits, check digit valid) and IMO company numbers.
    public let imoNumbers: [String]
    /// Document and registration numbers (passports, national ids, company registrations), as
    /// letters and digits only, upper case.
    public let identifiers: [String]

    public init(
        source: String, reference: String, kind: Kind, names: [String], programmes: [String] = [],
        countries: [String] = [],
        dates: [String] = [], imoNumbers: [String] = [], identifiers: [String] = []
    ) {
        self.id = "\(source):\(reference)"
        self.source = source
        self.reference = reference
        self.kind = kind
        self.names = names
        self.programmes = programmes
        self.countries = countries
        self.dates = dates
        self.imoNumbers = imoNumbers
        self.identifiers = identifiers
    }

    /// An identifier's comparable form: letters and digits, upper case ("A-123 456" is A123456).
    public static func identifierKey(_ value: String) -> String {
        String(
            value.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }.map(
                Character.init))
    }

    public var primaryName: String { names.first ?? "" }

    /// True for entries under a DPRK sanctions programme (OFAC DPRK*, UN KP regime).
    public var isDPRK: Bool {
        programmes.contains { $0.hasPrefix("DPRK") } || reference.hasPrefix("KP")
    }
}

/// Why a list file was refused: the line or element that broke. The previously adopted version
/// stays in force.
public struct ListParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let location: String
    public let message: String

    public init(file: String, location: String, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String { "\(file): \(location): \(message)" }
}

/// IMO numbers in free text: "IMO 9176187", "IMO Number: 5342883", "IMO9176187".
///
/// Seven digits are taken as they are: ship numbers carry the ship check digit, but IMO company
/// and registered owner numbers (as OFAC and the UN list them for ship managers) follow another
/// scheme, and both must be found.
public enum IMOText {
    public static func numbers(in text: String) -> [String] {
        var found: [String] = []
        let upper = Array(text.uppercased().utf8)
        var index = 0
        while index + 3 <= upper.count {
            if upper[index] == UInt8(ascii: "I"), upper[index + 1] == UInt8(ascii: "M"),
                upper[index + 2] == UInt8(ascii: "O")
            {
                var cursor = index + 3
                // Skip separators and a "NUMBER" word between "IMO" and the digits.
                while cursor < upper.count,
                    upper[cursor] == UInt8(ascii: " ") || upper[cursor] == UInt8(ascii: ":")
                        || upper[cursor] == UInt8(ascii: ".") || upper[cursor] == UInt8(ascii: "#")
                        || upper[cursor] == UInt8(ascii: "-")
                { cursor += 1 }
                let word = ["NUMBER", "NO"].first { word in
                    cursor + word.utf8.count <= upper.count
                        && String(decoding: upper[cursor..<(cursor + word.utf8.count)], as: UTF8.self) == word
                }
                if let word {
                    cursor += word.utf8.count
                    while cursor < upper.count, upper[cursor] == UInt8(ascii: ".") || upper[cursor] == UInt8(ascii: "#")
                    { cursor += 1 }
                    while cursor < upper.count, upper[cursor] == UInt8(ascii: " ") || upper[cursor] == UInt8(ascii: ":")
                    { cursor += 1 }
                }
                var end = cursor
                while end < upper.count, upper[end] >= UInt8(ascii: "0"), upper[end] <= UInt8(ascii: "9") { end += 1 }
                if end - cursor == 7 {
                    let digits = String(decoding: upper[cursor..<end], as: UTF8.self)
                    if !found.contains(digits) { found.append(digits) }
                }
                index = max(index + 3, end)
            } else {
                index += 1
            }
        }
        return found
    }

    /// An IMO number in any common form ("IMO 9176187", "imo9176187", "IMO: 9176187",
    /// "IMO No. 9176187", "IMO number 9176187", "IMO #9176187", "I.M.O. 9176187", "9176187") to
    /// its 7 digits; nil when it is not 7 digits or carries other words.
    public static func normalize(_ text: String) -> String? {
        var upper = text.uppercased()
        for word in ["I.M.O.", "I.M.O", "IMO", "NUMBER", "NO"] {
            upper = upper.replacingOccurrences(of: word, with: " ")
        }
        let digits = upper.filter(\.isNumber)
        guard digits.count == 7,
            upper.allSatisfy({ $0.isNumber || $0 == " " || $0 == ":" || $0 == "." || $0 == "-" || $0 == "#" })
        else { return nil }
        return digits
    }
}
