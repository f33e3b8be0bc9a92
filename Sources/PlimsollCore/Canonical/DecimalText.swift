/// A whole number written as plain ASCII digits: what every edge accepts for a height, an id, a
/// count or an amount typed by a person or sent in a URL. No sign, no space, no `+`, no exponent,
/// at most 20 digits; the caller names the range and turns a refusal into its own error.
public enum DecimalText {
    public static func whole(_ text: some StringProtocol, in range: ClosedRange<UInt64>) -> UInt64? {
        guard (1...20).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let value = UInt64(String(text)), range.contains(value)
        else { return nil }
        return value
    }
}
