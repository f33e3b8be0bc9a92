/// Lowercase hex encoding and strict decoding.
///
/// DESIGN.md: hex is accepted in either case and always written lowercase.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hex.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex of either case.
    /// - Throws: `CryptoError.badHex` for an odd length or a non-hex character.
    public static func decode(_ text: some StringProtocol) throws(CryptoError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else {
            throw CryptoError(.badHex, "hex has an odd number of digits (\(utf8.count))")
        }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw CryptoError(.badHex, "not a hex digit at offset \(index)")
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Decodes hex that must be exactly `count` bytes long.
    /// - Throws: `badHex`, or `badLength` when the decoded length differs.
    public static func decode(_ text: some StringProtocol, count: Int) throws(CryptoError) -> [UInt8] {
        guard text.utf8.count == count * 2 else {
            throw CryptoError(.badLength, "expected \(count * 2) hex digits, got \(text.utf8.count)")
        }
        return try decode(text)
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
