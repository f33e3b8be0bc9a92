/// A party's id, assigned by the registry in registration order, starting at 1.
public struct PartyID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    public init(from decoder: any Decoder) throws { raw = try decoder.singleValueContainer().decode(UInt64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.raw < rhs.raw }
    public var description: String { String(raw) }
}

/// An ownership link's id, assigned by the registry in declaration order, starting at 1.
public struct LinkID: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let raw: UInt64
    public init(_ raw: UInt64) { self.raw = raw }
    public init(from decoder: any Decoder) throws { raw = try decoder.singleValueContainer().decode(UInt64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.raw < rhs.raw }
    public var description: String { String(raw) }
}

/// Height of a block in the log; genesis is 0.
public typealias Height = UInt64

/// Unix time in milliseconds. The core never reads a clock: times arrive as values.
public typealias TimestampMs = UInt64
