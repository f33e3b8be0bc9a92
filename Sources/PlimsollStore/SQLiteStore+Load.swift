import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

extension SQLiteStore {
    /// Loads the current state from its tables (no replay) and checks it against the last block.
    ///
    /// The last block must hash to its stored hash, carry a valid registrar signature, extend the
    /// block before it, match the stored log size and root, and name the digest of the loaded
    /// state; otherwise the store refuses to open.
    /// - Throws: `StoreError.corrupt` naming the check that failed, or `.io`.
    public func loadLedger() throws(StoreError) -> (state: LedgerState, tip: StoreTip) {
        let loaded: (LedgerState, StoreTip?, [Row])
        do {
            loaded = try pool.read { db in
                let decoder = JSONDecoder()
                let counters = try Data.fetchOne(db, sql: "SELECT record FROM counters WHERE id = 1")
                    .map { try decoder.decode(RegistryCounters.self, from: $0) } ?? RegistryCounters()
                let parties = try Data.fetchAll(db, sql: "SELECT record FROM parties").map {
                    try decoder.decode(PartyRecord.self, from: $0)
                }
                let keys = try Row.fetchAll(db, sql: "SELECT key, record FROM keys").map { row in
                    try KeyRecord(key: try XOnlyPublicKey(bytes: Array(row["key"] as Data)), storageBytes: Array(row["record"] as Data))
                }
                let vessels = try Data.fetchAll(db, sql: "SELECT record FROM vessels").map {
                    try decoder.decode(VesselRecord.self, from: $0)
                }
                let links = try Data.fetchAll(db, sql: "SELECT record FROM ownership_links").map {
                    try decoder.decode(OwnershipLink.self, from: $0)
                }
                let balances = try Row.fetchAll(db, sql: "SELECT asset, key, units FROM balances").map { row in
                    (BalanceKey(asset: try AssetID(row["asset"] as String), key: try XOnlyPublicKey(bytes: Array(row["key"] as Data))),
                     row["units"] as UInt64)
                }
                let state = LedgerState(
                    genesis: genesis, counters: counters, parties: parties, keys: keys, vessels: vessels, links: links,
                    balances: balances
                )
                let lastTwo = try Row.fetchAll(db, sql: "SELECT * FROM blocks ORDER BY height DESC LIMIT 2")
                let leafCount = try UInt64.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM entries") ?? 0
                return (state, nil, lastTwo + [Row(["leaf_count": leafCount])])
            }
        } catch {
            throw StoreError(.io, "cannot load registry state: \(error)")
        }
        let (state, _, rows) = loaded
        let tip = try checkTip(rows, state: state)
        return (state, tip)
    }

    private func checkTip(_ rows: [Row], state: LedgerState) throws(StoreError) -> StoreTip {
        let leafCount: UInt64 = rows.last!["leaf_count"]
        let blocks = rows.dropLast()
        guard let last = blocks.first else { throw StoreError(.corrupt, "registry database holds no block") }
        let height: UInt64 = last["height"]
        func corrupt(_ why: String) -> StoreError { StoreError(.corrupt, "block \(height) fails its check: \(why)") }
        guard let header = try? BlockHeader(canonicalBytes: Array(last["header"] as Data)),
            let signature = try? SchnorrSignature(bytes: Array(last["signature"] as Data))
        else { throw corrupt("header or signature does not parse") }
        guard header.height == height, header.chainID == genesis.chainID else { throw corrupt("height or chain_id differs") }
        guard header.hash.bytes == Array(last["hash"] as Data) else { throw corrupt("header does not hash to its stored hash") }
        let signed = SignedBlockHeader(header: header, signature: signature)
        guard signed.signatureValid(registrarKey: genesis.registrarKey) else { throw corrupt("registrar signature is invalid") }
        if let previous = blocks.dropFirst().first {
            guard header.prevHash.bytes == Array(previous["hash"] as Data) else { throw corrupt("prev_hash is not block \(height - 1)'s hash") }
        }
        guard header.logSize == leafCount else { throw corrupt("log size \(header.logSize) but \(leafCount) entries stored") }
        guard let frontier = Self.decodeFrontier(Array(last["frontier"] as Data)), frontier.size == header.logSize,
            frontier.root == header.logRoot
        else { throw corrupt("stored log frontier does not give the header's log root") }
        guard state.digest == header.stateDigest else { throw corrupt("stored state does not match the header's state digest") }
        return StoreTip(header: signed, frontier: frontier)
    }
}
