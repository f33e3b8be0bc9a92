import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

/// One change of a key's holding of one vessel: the units after the change, and the block and
/// entry that made it.
public struct HoldingChange: Sendable, Codable, Equatable {
    public let asset: AssetID
    public let key: KeyRef
    public let height: Height
    public let leafIndex: UInt64
    public let units: UInt64
    public let timestampMs: TimestampMs
}

/// Regulator history queries: index lookups, never a replay (DESIGN.md budget: p99 < 5 ms).
extension SQLiteStore {
    /// Rows returned by a history query at most; callers page with `beforeHeight`.
    public static let historyRowsMax = 1000

    /// The latest block whose time is at or before `timeMs` (nil before genesis).
    public func height(atTimeMs timeMs: TimestampMs) throws -> Height? {
        let timeMs = try DatabaseInteger.checked(timeMs, "time (ms)")
        return try read { db in
            try UInt64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks WHERE timestamp_ms <= ?", arguments: [timeMs])
        }
    }

    /// Every change of one key's holdings, newest first, below `beforeHeight` when given.
    public func keyHistory(
        _ key: KeyRef, beforeHeight: Height? = nil, limit: Int = historyRowsMax
    ) throws -> [HoldingChange] {
        let before = try DatabaseInteger.checked(beforeHeight ?? Limits.storedIntegerMax, "height")
        return try read { db in
            let holdings = try Row.fetchAll(
                db,
                sql:
                    "SELECT a.asset, a.key, k.key AS bytes FROM keys k JOIN asset_holders a ON a.key = k.id WHERE k.key = ?",
                arguments: [Data(key.bytes)]
            ).map(Self.holding)
            return try Self.newestChanges(of: holdings, before: before, limit: limit, db)
        }
    }

    /// Every change of the holdings of a party's keys, newest first.
    public func partyHoldingHistory(
        _ party: PartyID, beforeHeight: Height? = nil, limit: Int = historyRowsMax
    ) throws -> [HoldingChange] {
        let before = try DatabaseInteger.checked(beforeHeight ?? Limits.storedIntegerMax, "height")
        let party = try DatabaseInteger.checked(party.raw, "party")
        return try read { db in
            let holdings = try Row.fetchAll(
                db,
                sql:
                    "SELECT a.asset, a.key, k.key AS bytes FROM keys k JOIN asset_holders a ON a.key = k.id WHERE k.party = ?",
                arguments: [party]
            ).map(Self.holding)
            return try Self.newestChanges(of: holdings, before: before, limit: limit, db)
        }
    }

    /// One holding as the holder tables name it (migration v9): the vessel's IMO number and the
    /// key's row id, with the key's bytes for ordering and answers.
    typealias StoredHolding = (asset: Int64, key: Int64, bytes: Data)

    static func holding(_ row: Row) -> StoredHolding { (row["asset"], row["key"], row["bytes"]) }

    /// The newest `limit` changes below `before` across the given holdings, newest first: by
    /// height, then leaf index, both descending, then key and vessel ascending (one entry can
    /// change two holdings of one party). Each holding is one range of the history's primary key
    /// read newest first and at most `limit` deep; rows are sorted as numbers and only the `limit`
    /// kept are decoded. The cost follows the holdings and the limit, never the length of a
    /// history or the size of the registry (there is no by-key index on the history: every
    /// balance change would rewrite it, issue 13).
    static func newestChanges(
        of holdings: [StoredHolding], before: Int64, limit: Int, _ db: Database
    ) throws -> [HoldingChange] {
        let limit = min(max(limit, 0), historyRowsMax)
        guard limit > 0 else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                SELECT h.height, h.leaf_index, h.units, b.timestamp_ms
                FROM balance_history h JOIN blocks b ON b.height = h.height
                WHERE h.asset = ? AND h.key = ? AND h.height < ? ORDER BY h.height DESC LIMIT ?
                """)
        typealias Raw = (holding: Int, height: UInt64, leafIndex: UInt64, units: UInt64, timestampMs: UInt64)
        var rows: [Raw] = []
        for (index, holding) in holdings.enumerated() {
            let cursor = try Row.fetchCursor(statement, arguments: [holding.asset, holding.key, before, limit])
            while let row = try cursor.next() {
                rows.append((index, row[0], row[1], row[2], row[3]))
            }
        }
        rows.sort { a, b in
            if a.height != b.height { return a.height > b.height }
            if a.leafIndex != b.leafIndex { return a.leafIndex > b.leafIndex }
            let (x, y) = (holdings[a.holding], holdings[b.holding])
            if x.bytes != y.bytes { return x.bytes.lexicographicallyPrecedes(y.bytes) }
            return x.asset < y.asset
        }
        var keys: [Int64: KeyRef] = [:]
        var assets: [Int64: AssetID] = [:]
        return try rows.prefix(limit).map { raw in
            let holding = holdings[raw.holding]
            let key = try keys[holding.key] ?? XOnlyPublicKey(bytes: Array(holding.bytes))
            let asset = try assets[holding.asset] ?? Self.asset(number: holding.asset)
            keys[holding.key] = key
            assets[holding.asset] = asset
            return HoldingChange(
                asset: asset, key: key, height: raw.height, leafIndex: raw.leafIndex, units: raw.units,
                timestampMs: raw.timestampMs)
        }
    }

    /// Registrar entries about a vessel (registration, amendments, issuance, freezes, forced
    /// transfers, deregistration), oldest first.
    public func vesselEvents(_ asset: AssetID, limit: Int = historyRowsMax) throws -> [StoredEntry] {
        try events(
            sql: "SELECT leaf_index FROM vessel_events WHERE asset = ? ORDER BY leaf_index LIMIT ?",
            [asset.text, min(limit, Self.historyRowsMax)])
    }

    /// A vessel's continuous synopsis record from its registrar entries, parties named as they
    /// are now. Nil for an unknown vessel.
    public func synopsis(of asset: AssetID) throws -> Synopsis? {
        guard try vessel(asset) != nil else { return nil }
        var times: [Height: TimestampMs] = [:]
        var events: [Synopsis.Event] = []
        for stored in try vesselEvents(asset) {
            guard case .registrar(let entry) = stored.entry else { continue }
            if times[stored.height] == nil {
                times[stored.height] = try block(at: stored.height)?.header.timestampMs ?? 0
            }
            events.append(Synopsis.Event(height: stored.height, timeMs: times[stored.height]!, action: entry.action))
        }
        var names: [PartyID: String] = [:]
        for event in events {
            for party in Self.parties(in: event.action) where names[party] == nil {
                names[party] = try self.party(party).map { "party \(party) \($0.party.name)" } ?? "party \(party)"
            }
        }
        return Synopsis(asset: asset, events: events, name: { names[$0] ?? "party \($0)" })
    }

    private static func parties(in action: RegistrarAction) -> [PartyID] {
        switch action {
        case .registerVessel(let v): return v.roles.all
        case .amendVessel(let a):
            var parties = a.owner.map { [$0] } ?? []
            for change in [a.manager, a.operator, a.charterer] {
                if case .set(let party) = change { parties.append(party) }
            }
            return parties
        case .registerMortgage(let m): return [m.mortgagee]
        case .transferMortgage(_, _, let to): return [to]
        case .registerBareboatCharter(let c): return [c.charterer]
        case .amendVesselCompanies(_, .set(let party), _): return [party]
        default: return []
        }
    }

    /// Registrar entries about a party (registration, keys, ownership links, freezes, screening), oldest first.
    public func partyEvents(_ party: PartyID, limit: Int = historyRowsMax) throws -> [StoredEntry] {
        try events(
            sql: "SELECT leaf_index FROM party_events WHERE party = ? ORDER BY leaf_index LIMIT ?",
            [try DatabaseInteger.checked(party.raw, "party"), min(limit, Self.historyRowsMax)])
    }

    private func events(sql: String, _ arguments: StatementArguments) throws -> [StoredEntry] {
        try read { db in
            let leaves = try UInt64.fetchAll(db, sql: sql, arguments: arguments)
            return try leaves.compactMap { leaf in
                try Row.fetchOne(
                    db, sql: "SELECT leaf_index, height, bytes FROM entries WHERE leaf_index = ?", arguments: [leaf]
                )
                .map {
                    StoredEntry(
                        leafIndex: $0["leaf_index"], height: $0["height"],
                        entry: try Entry(bytes: Array($0["bytes"] as Data)))
                }
            }
        }
    }

    /// Every ownership link ever declared (ended ones carry their end time) and every party's
    /// record, for look-through at any time.
    /// Every ownership link and every party record (`ownershipGraph()`).
    public typealias OwnershipGraph = (links: [OwnershipLink], parties: [PartyID: PartyRecord])

    public func ownershipGraph() throws -> OwnershipGraph {
        try read { db in
            let decoder = JSONDecoder()
            let links = try Data.fetchAll(db, sql: "SELECT record FROM ownership_links").map {
                try decoder.decode(OwnershipLink.self, from: $0)
            }
            var parties: [PartyID: PartyRecord] = [:]
            for data in try Data.fetchAll(db, sql: "SELECT record FROM parties") {
                let record = try decoder.decode(PartyRecord.self, from: data)
                parties[record.party.id] = record
            }
            return (links, parties)
        }
    }

    /// Look-through of a vessel at a height: the natural persons behind every holder of its cap
    /// table then, along the links effective at that block's time. Nil for an unknown vessel or
    /// height. (The CLI's `owners` and the regulator's HTTP route both answer with this.)
    /// - Parameter graph: `ownershipGraph()` when the caller already read it, else read here.
    public func beneficialOwners(
        of asset: AssetID, at height: Height, graph: OwnershipGraph? = nil
    ) throws -> BeneficialOwnership? {
        guard let record = try vessel(asset) else { return nil }
        let holdings = try capTable(asset, at: height).compactMap { holding in holding.party.map { ($0, holding.units) }
        }
        return try lookThrough(holdings, totalUnits: record.vessel.totalUnits, at: height, graph: graph)
    }

    /// Look-through of one party at a height: the natural persons behind it, shares of the whole
    /// party. Nil for an unknown party or height.
    public func beneficialOwners(
        ofParty id: PartyID, at height: Height, graph: OwnershipGraph? = nil
    ) throws -> BeneficialOwnership? {
        guard try party(id) != nil else { return nil }
        return try lookThrough([(id, 1)], totalUnits: 1, at: height, graph: graph)
    }

    private func lookThrough(
        _ holdings: [(party: PartyID, units: UInt64)], totalUnits: UInt64, at height: Height, graph: OwnershipGraph?
    ) throws -> BeneficialOwnership? {
        guard let block = try block(at: height) else { return nil }
        let graph = try graph ?? ownershipGraph()
        return BeneficialOwnership(
            holdings: holdings, totalUnits: totalUnits, links: graph.links, parties: graph.parties,
            at: block.header.timestampMs)
    }

    public func party(_ id: PartyID) throws -> PartyRecord? {
        let raw = try DatabaseInteger.checked(id.raw, "party")
        return try read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM parties WHERE id = ?", arguments: [raw]).map {
                try JSONDecoder().decode(PartyRecord.self, from: $0)
            }
        }
    }

    public func vessel(_ asset: AssetID) throws -> VesselRecord? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM vessels WHERE asset = ?", arguments: [asset.text]).map {
                try JSONDecoder().decode(VesselRecord.self, from: $0)
            }
        }
    }

    /// The party a key is bound to, and its last settled nonce.
    public func keyRecord(_ key: KeyRef) throws -> KeyRecord? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT record FROM keys WHERE key = ?", arguments: [Data(key.bytes)]).map {
                try KeyRecord(key: key, storageBytes: Array($0))
            }
        }
    }

    /// A history row with the key's bytes (`key`, from `keys`) and the vessel's IMO number (`asset`).
    static func holdingChange(_ row: Row) throws -> HoldingChange {
        HoldingChange(
            asset: try asset(number: row["asset"]), key: try XOnlyPublicKey(bytes: Array(row["key"] as Data)),
            height: row["height"], leafIndex: row["leaf_index"], units: row["units"], timestampMs: row["timestamp_ms"]
        )
    }

    /// The vessel a holder table's IMO number names (migration v9).
    static func asset(number: Int64) throws(CoreError) -> AssetID {
        guard (0...9_999_999).contains(number) else { throw CoreError(.badIMO, "IMO number \(number) is not 7 digits") }
        let digits = String(number)
        return try AssetID(imoNumber: String(repeating: "0", count: 7 - digits.count) + digits)
    }
}
