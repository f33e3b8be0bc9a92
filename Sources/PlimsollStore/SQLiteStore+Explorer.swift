import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

/// The explorer's reads: lists of vessels and parties by name, and a vessel's holding changes
/// in order; bounded, index lookups or one pass over a small table.
extension SQLiteStore {
    /// Rows a list for the explorer returns at most.
    public static let explorerRowsMax = 200

    /// Registered vessels in IMO order, at most `limit`.
    public func vessels(limit: Int = explorerRowsMax) throws -> [VesselRecord] {
        try read { db in
            try Data.fetchAll(
                db, sql: "SELECT record FROM vessels ORDER BY asset LIMIT ?",
                arguments: [min(max(limit, 0), Self.explorerRowsMax)]
            ).map { try JSONDecoder().decode(VesselRecord.self, from: $0) }
        }
    }

    /// Parties whose registered name contains `text` (ASCII case-insensitive), by id; at most
    /// `limit`. `%` and `_` in the text match themselves.
    public func parties(named text: String, limit: Int = explorerRowsMax) throws -> [PartyRecord] {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return try read { db in
            try Data.fetchAll(
                db, sql: "SELECT record FROM parties WHERE name LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
                arguments: ["%\(escaped)%", min(max(limit, 0), Self.explorerRowsMax)]
            ).map { try JSONDecoder().decode(PartyRecord.self, from: $0) }
        }
    }

    /// Vessels whose name contains `text` (ASCII case-insensitive), at most `limit`.
    public func vessels(named text: String, limit: Int = explorerRowsMax) throws -> [VesselRecord] {
        // The name lives in the record; vessels are few (one registry's fleet), so one pass.
        try vessels(limit: Self.explorerRowsMax).filter {
            $0.vessel.name.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }.prefix(limit).map { $0 }
    }

    /// When a list edition was adopted: the block time of the newest adoption of that content.
    public func adoptionTimes() throws -> [Hash32: TimestampMs] {
        try read { db in
            var times: [Hash32: TimestampMs] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT e.bytes, b.timestamp_ms FROM entries e JOIN blocks b ON b.height = e.height
                    WHERE e.kind = 14 ORDER BY e.leaf_index
                    """)
            {
                guard case .registrar(let entry)? = try? Entry(bytes: Array(row["bytes"] as Data)),
                    case .adoptList(let adoption) = entry.action
                else { continue }
                times[adoption.contentHash] = row["timestamp_ms"]
            }
            return times
        }
    }

    /// The newest registrar entries about a vessel, newest first.
    public func newestVesselEvents(_ asset: AssetID, limit: Int) throws -> [StoredEntry] {
        try newest(
            sql: "SELECT leaf_index FROM vessel_events WHERE asset = ? ORDER BY leaf_index DESC LIMIT ?",
            [asset.text, min(max(limit, 0), Self.historyRowsMax)])
    }

    /// The newest registrar entries about a party, newest first.
    public func newestPartyEvents(_ party: PartyID, limit: Int) throws -> [StoredEntry] {
        try newest(
            sql: "SELECT leaf_index FROM party_events WHERE party = ? ORDER BY leaf_index DESC LIMIT ?",
            [try DatabaseInteger.checked(party.raw, "party"), min(max(limit, 0), Self.historyRowsMax)])
    }

    private func newest(sql: String, _ arguments: StatementArguments) throws -> [StoredEntry] {
        let leaves = try read { db in try UInt64.fetchAll(db, sql: sql, arguments: arguments) }
        return try leaves.compactMap { leaf in try entries(fromLeaf: leaf, limit: 1).first }
    }

    /// The role of a live token given by its SHA-256 (what a session keeps instead of the token):
    /// nil once it is revoked.
    public func tokenRole(hash: Hash32) throws -> TokenRole? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT role FROM api_tokens WHERE hash = ? AND revoked_ms IS NULL",
                arguments: [Data(hash.bytes)]
            ).flatMap(TokenRole.init(rawValue:))
        }
    }

    /// Every change of the holdings of one vessel, oldest first, at most `limit` (the latest ones
    /// when there are more).
    public func vesselHoldingHistory(_ asset: AssetID, limit: Int = historyRowsMax) throws -> [HoldingChange] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM (
                        SELECT h.asset, k.key, h.height, h.leaf_index, h.units, b.timestamp_ms
                        FROM balance_history h JOIN blocks b ON b.height = h.height JOIN keys k ON k.id = h.key
                        WHERE h.asset = ? ORDER BY h.height DESC LIMIT ?
                    ) ORDER BY height ASC
                    """,
                arguments: [Int64(asset.number), min(max(limit, 0), Self.historyRowsMax)]
            ).map(Self.holdingChange)
        }
    }
}
