public import PlimsollCrypto

/// A declared ownership link: `owner` holds `shareBps` basis points of `owned` (DESIGN.md).
///
/// Cycles are legal in the data; every walk over links carries a visited set and a depth bound.
public struct OwnershipLink: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case shareholding, voting, control, nominee, trustee
    }

    public let id: LinkID
    public let owner: PartyID
    public let owned: PartyID
    /// 0 ... 10000.
    public let shareBps: UInt16
    public let kind: Kind
    public let evidence: Hash32
    public let effectiveFromMs: TimestampMs
    public var effectiveToMs: TimestampMs?

    public init(
        id: LinkID, owner: PartyID, owned: PartyID, shareBps: UInt16, kind: Kind, evidence: Hash32,
        effectiveFromMs: TimestampMs, effectiveToMs: TimestampMs? = nil
    ) {
        self.id = id
        self.owner = owner
        self.owned = owned
        self.shareBps = shareBps
        self.kind = kind
        self.evidence = evidence
        self.effectiveFromMs = effectiveFromMs
        self.effectiveToMs = effectiveToMs
    }

    public func isEffective(at time: TimestampMs) -> Bool {
        effectiveFromMs <= time && (effectiveToMs.map { time < $0 } ?? true)
    }
}

extension Hash32: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Hash32(hex: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension XOnlyPublicKey: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try XOnlyPublicKey(hex: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension AssetID: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try AssetID(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
