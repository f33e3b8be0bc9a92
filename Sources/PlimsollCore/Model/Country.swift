/// An ISO 3166-1 alpha-2 country code, upper case ("PA", "KP").
public struct Country: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let code: String

    public init(_ text: String) throws(Rejection) {
        let upper = text.uppercased()
        guard upper.utf8.count == 2, upper.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
        else {
            throw Rejection(.badCountry, "country must be an ISO 3166-1 alpha-2 code, got \"\(text.prefix(8))\"")
        }
        code = upper
    }

    public init(from decoder: any Decoder) throws { code = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }
    public var description: String { code }
}
