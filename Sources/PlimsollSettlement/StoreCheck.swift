public import PlimsollCore
public import PlimsollCrypto
public import PlimsollStore

/// Whether a stored registry still holds the truth, table by table (`plimsoll check`).
///
/// Quick (run by `serve` at start-up): every table's pages (`PRAGMA quick_check` per table and
/// a read of every row), then the tip's header, signature, log frontier and state digest
/// against the state tables. Full: `integrity_check` per table, a replay of the whole log from
/// genesis, and a comparison of every table derived from it (state tables, balance history,
/// holders, event indexes, entry ids, stored Merkle nodes, the columns kept beside block and entry bytes),
/// each problem naming its table and row. The audit (`rejections`) and `api_tokens` are not
/// derived from the log and are only checked page by page.
public enum StoreCheck {
    /// Problems reported at most per table, so a badly damaged file still gives a readable answer.
    public static let problemsPerTableMax = 20

    /// Both checks read one snapshot, so they run while `serve` commits without seeing a
    /// half-advanced registry as damage.
    public static func quick(_ store: SQLiteStore) -> [StoreProblem] {
        snapshot(store, quickInSnapshot)
    }

    public static func full(_ store: SQLiteStore) -> [StoreProblem] {
        snapshot(store, fullInSnapshot)
    }

    private static func snapshot(_ store: SQLiteStore, _ body: (SQLiteStore) -> [StoreProblem]) -> [StoreProblem] {
        // A damaged page can also fail the read transaction's end: keep what the check found.
        var found: [StoreProblem]?
        do { try store.withSnapshot { found = body($0) } } catch {
            if let found, !found.isEmpty { return found }
            return [StoreProblem(table: "registry", "the database cannot be read: \(error)")]
        }
        return found ?? []
    }

    private static func quickInSnapshot(_ store: SQLiteStore) -> [StoreProblem] {
        var problems = store.structureProblems(full: false)
        guard problems.isEmpty else { return problems }
        do { _ = try store.loadLedger() } catch {
            problems.append(problem(from: error))
        }
        return problems
    }

    private static func fullInSnapshot(_ store: SQLiteStore) -> [StoreProblem] {
        var problems = store.structureProblems(full: true)
        var expected = DerivedRows()
        var leafHashes: [Hash32] = []
        let replayer: LogReplayer
        do {
            replayer = try replay(store, expected: &expected, leafHashes: &leafHashes, problems: &problems)
        } catch let problem as StoreProblem {
            return problems + [problem]
        } catch {
            return problems + [StoreProblem(table: "blocks", "the log does not replay: \(error)")]
        }
        problems += compareState(replayer.ledger.state, store)
        do {
            let stored = try store.derivedRows()
            problems += compare(expected, stored, leafHashes: leafHashes)
        } catch {
            problems.append(error)
        }
        do { _ = try store.loadLedger() } catch { problems.append(problem(from: error)) }
        return limited(problems)
    }

    /// Replays the store's log block by block, collecting the rows the derived tables must hold.
    private static func replay(
        _ store: SQLiteStore, expected: inout DerivedRows, leafHashes: inout [Hash32], problems: inout [StoreProblem]
    ) throws -> LogReplayer {
        do {
            return try LogReplayer.replay(store) { block, entries, changed, replayer in
                problems += store.rowProblems(of: block)
                for entry in entries {
                    expected.expectEntryID(entry.id, leaf: UInt64(leafHashes.count))
                    leafHashes.append(entry.leafHash)
                }
                record(changed, height: block.header.height, state: replayer.ledger.state, into: &expected)
            }
        } catch let error as ReplayError {
            let table = error.message.contains("entries") || error.leafIndex != nil ? "entries" : "blocks"
            throw StoreProblem(table: table, row: "block \(error.height)", error.description)
        }
    }

    private static func record(
        _ changed: DirtySet, height: Height, state: LedgerState, into expected: inout DerivedRows
    ) {
        for (address, leaf) in changed.balances {
            let key = DerivedRows.HistoryKey(asset: address.asset.text, key: address.key.bytes, height: height)
            expected.balanceHistory[key] = .init(units: state.balance(address.asset, address.key), leafIndex: leaf)
            expected.assetHolders.insert(.init(address.asset.text, address.key.bytes))
        }
        for (asset, leaf) in changed.vesselEvents { expected.vesselEvents.insert(.init(asset.text, leaf)) }
        for (party, leaf) in changed.partyEvents { expected.partyEvents.insert(.init(party.raw, leaf)) }
    }

    /// The state tables against the replayed state, record by record.
    private static func compareState(_ replayed: LedgerState, _ store: SQLiteStore) -> [StoreProblem] {
        let stored: LedgerState
        do { stored = try store.loadTables() } catch { return [error] }
        var problems: [StoreProblem] = []
        if stored.counters != replayed.counters {
            problems.append(StoreProblem(table: "counters", row: "1", "differs from the replayed log"))
        }
        problems += diff("parties", stored.parties, replayed.parties) { "id \($0.raw)" }
        problems += diff("keys", stored.keys, replayed.keys) { "key \($0.hex)" }
        problems += diff("vessels", stored.vessels, replayed.vessels) { "asset \($0.text)" }
        problems += diff("ownership_links", stored.links, replayed.links) { "id \($0.raw)" }
        var storedBalances: [BalanceKey: UInt64] = [:]
        var replayedBalances: [BalanceKey: UInt64] = [:]
        for (asset, holders) in stored.balances {
            for (key, units) in holders { storedBalances[BalanceKey(asset: asset, key: key)] = units }
        }
        for (asset, holders) in replayed.balances {
            for (key, units) in holders { replayedBalances[BalanceKey(asset: asset, key: key)] = units }
        }
        problems += diff("balances", storedBalances, replayedBalances) { "(\($0.asset.text), \($0.key.hex))" }
        return problems
    }

    private static func diff<K: Hashable, V: Equatable>(
        _ table: String, _ stored: [K: V], _ replayed: [K: V], _ name: (K) -> String
    ) -> [StoreProblem] {
        var problems: [StoreProblem] = []
        for (key, value) in replayed where stored[key] != value {
            problems.append(
                StoreProblem(
                    table: table, row: name(key), stored[key] == nil ? "missing" : "differs from the replayed log"))
        }
        for key in stored.keys where replayed[key] == nil {
            problems.append(StoreProblem(table: table, row: name(key), "is not produced by the log"))
        }
        return problems
    }

    private static func compare(_ expected: DerivedRows, _ stored: DerivedRows, leafHashes: [Hash32]) -> [StoreProblem]
    {
        var problems = diff("balance_history", stored.balanceHistory, expected.balanceHistory) { key in
            "(\(key.asset), \(Hex.encode(key.key)), height \(key.height))"
        }
        problems += setDiff("asset_holders", stored.assetHolders, expected.assetHolders) {
            "(\($0.a), \(Hex.encode($0.b)))"
        }
        problems += setDiff("vessel_events", stored.vesselEvents, expected.vesselEvents) { "(\($0.a), leaf \($0.b))" }
        problems += setDiff("party_events", stored.partyEvents, expected.partyEvents) {
            "(party \($0.a), leaf \($0.b))"
        }
        problems += setDiff("entry_ids", stored.entryIDs, expected.entryIDs) { "(epoch \($0.epoch), leaf \($0.leaf))" }
        problems += diff("merkle_nodes", stored.merkleNodes, expectedNodes(leafHashes)) {
            "(level \($0.a), index \($0.b))"
        }
        return problems
    }

    private static func setDiff<T: Hashable>(
        _ table: String, _ stored: Set<T>, _ expected: Set<T>, _ name: (T) -> String
    ) -> [StoreProblem] {
        expected.subtracting(stored).map { StoreProblem(table: table, row: name($0), "missing") }
            + stored.subtracting(expected).map {
                StoreProblem(table: table, row: name($0), "is not produced by the log")
            }
    }

    /// The perfect subtrees of 2^8 leaves or more that the store keeps (SQLiteStore+Merkle).
    static func expectedNodes(_ leaves: [Hash32], levelMin: Int = 8) -> [DerivedRows.Pair<Int, UInt64>: Hash32] {
        var nodes: [DerivedRows.Pair<Int, UInt64>: Hash32] = [:]
        let chunk = 1 << levelMin
        var level = (0..<(leaves.count / chunk)).map {
            Merkle.root(leafHashes: Array(leaves[($0 * chunk)..<(($0 + 1) * chunk)]))
        }
        var height = levelMin
        while !level.isEmpty {
            for (index, hash) in level.enumerated() { nodes[.init(height, UInt64(index))] = hash }
            level = stride(from: 0, to: level.count - 1, by: 2).map { Merkle.nodeHash(level[$0], level[$0 + 1]) }
            height += 1
        }
        return nodes
    }

    private static func problem(from error: StoreError) -> StoreProblem {
        if let table = error.table { return StoreProblem(table: table, error.message) }
        if error.message.hasPrefix("state tables") { return StoreProblem(table: "state", error.message) }
        return StoreProblem(table: "registry", error.message)
    }

    private static func limited(_ problems: [StoreProblem]) -> [StoreProblem] {
        var counts: [String: Int] = [:]
        return problems.filter { problem in
            counts[problem.table, default: 0] += 1
            return counts[problem.table]! <= problemsPerTableMax
        }
    }
}
