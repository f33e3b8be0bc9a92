/// A vessel as an asset: the string "IMO" followed by its 7-digit IMO number.
///
/// Construction verifies the IMO check digit (DESIGN.md: digits 1..6 weighted 7,6,5,4,3,2, sum
/// mod 10 = digit 7), so every `AssetID` names a possible vessel.
public struct AssetID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The seven ASCII digits.
    public let digits: String

    /// Parses "IMO9176187" (canonical) or, when `prefixOptional`, also "9176187".
    /// - Throws: `CoreError` with code `BAD_IMO`.
    public init(_ text: String, prefixOptional: Bool = false) throws(CoreError) {
        var body = Substring(text)
        if body.hasPrefix("IMO") {
            body = body.dropFirst(3)
        } else if !prefixOptional {
            throw CoreError(.badIMO, "asset must be \"IMO\" followed by 7 digits")
        }
        try self.init(imoNumber: body)
    }

    public init(imoNumber: some StringProtocol) throws(CoreError) {
        let bytes = Array(imoNumber.utf8)
        guard bytes.count == 7, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw CoreError(.badIMO, "an IMO number is exactly 7 digits")
        }
        guard Self.checkDigitValid(bytes.map { Int($0 - UInt8(ascii: "0")) }) else {
            throw CoreError(.badIMO, "IMO \(imoNumber) fails its check digit")
        }
        digits = String(imoNumber)
    }

    static func checkDigitValid(_ digits: [Int]) -> Bool {
        precondition(digits.count == 7)
        let weights = [7, 6, 5, 4, 3, 2]
        let sum = zip(digits.prefix(6), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return sum % 10 == digits[6]
    }

    /// "IMO" + digits: the canonical form, 10 ASCII bytes.
    public var text: String { "IMO" + digits }
    public var description: String { text }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.digits < rhs.digits }
}
