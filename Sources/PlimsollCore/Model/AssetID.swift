/// A vessel as an asset: the string "IMO" followed by its 7-digit IMO number.
///
/// Construction verifies the IMO check digit (DESIGN.md: digits 1..6 weighted 7,6,5,4,3,2, sum
/// mod 10 = digit 7), so every `AssetID` names a possible vessel.
///
/// Equality, hashing and order use the IMO number, an integer: a vessel's asset is half of every
/// holding's key (`BalanceKey`), so the ledger hashes and compares it on every transfer, and an
/// integer does that without touching the text.
public struct AssetID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The IMO number, 7 digits (leading zeros allowed).
    public let number: UInt32
    /// "IMO" + the seven digits: the canonical form, 10 ASCII bytes.
    public let text: String

    /// The seven ASCII digits.
    public var digits: String { String(text.dropFirst(3)) }

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
        number = bytes.reduce(0) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
        text = "IMO" + String(decoding: bytes, as: UTF8.self)
    }

    static func checkDigitValid(_ digits: [Int]) -> Bool {
        precondition(digits.count == 7)
        let weights = [7, 6, 5, 4, 3, 2]
        let sum = zip(digits.prefix(6), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return sum % 10 == digits[6]
    }

    public var description: String { text }

    // Seven digits with leading zeros: numeric order is the text's order.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.number < rhs.number }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.number == rhs.number }
    public func hash(into hasher: inout Hasher) { hasher.combine(number) }
}
