import Hummingbird
import PlimsollCore

/// Numbers in paths and queries, parsed once at the edge into their domain bounds.
///
/// A height, a party id or a cursor is only ASCII digits (or hex, for a cursor) within
/// `Limits.storedIntegerMax`; anything else is 400 `MALFORMED` naming the parameter, so no
/// request can carry an unchecked number to the store.
enum Parameter {
    /// Decimal digits of an integer at most `range.upperBound`; no sign, no space, no leading `+`.
    static func integer(_ text: (some StringProtocol)?, name: String, in range: ClosedRange<UInt64>) throws -> UInt64 {
        let bound = "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let text else { throw Problem.malformed("\(name) is required", parameter: name) }
        guard let value = DecimalText.whole(text, in: range) else { throw Problem.malformed(bound, parameter: name) }
        return value
    }

    /// A block height, 0 ... `Limits.storedIntegerMax`; one past the tip is the caller's 404.
    static func height(_ text: (some StringProtocol)?, name: String = "height") throws -> Height {
        try integer(text, name: name, in: 0...Limits.storedIntegerMax)
    }

    /// A party id, 1 ... `Limits.storedIntegerMax`.
    static func party(_ text: (some StringProtocol)?, name: String = "id") throws -> PartyID {
        PartyID(try integer(text, name: name, in: 1...Limits.storedIntegerMax))
    }

    /// An opaque page cursor: 16 hex digits of a height or leaf index within the stored range.
    static func cursor(_ text: (some StringProtocol)?) throws -> UInt64? {
        guard let text else { return nil }
        guard text.utf8.count == 16, let value = UInt64(String(text), radix: 16), value <= Limits.storedIntegerMax
        else {
            throw Problem.malformed("cursor must be a next_cursor value from an earlier page", parameter: "cursor")
        }
        return value
    }

    /// `?limit=`, 1 ... `RegistryAPI.pageSizeMax`, 100 when absent.
    static func pageSize(_ text: (some StringProtocol)?) throws -> Int {
        guard let text else { return RegistryAPI.pageSizeDefault }
        return Int(try integer(text, name: "limit", in: 1...UInt64(RegistryAPI.pageSizeMax)))
    }
}

extension Parameter {
    /// `?wait=true|false` (true when absent): whether a submitter waits for the receipt.
    static func wait(_ text: (some StringProtocol)?) throws -> Bool {
        guard let text else { return true }
        switch String(text) {
        case "true": return true
        case "false": return false
        default: throw Problem.malformed("wait must be true or false", parameter: "wait")
        }
    }
}
