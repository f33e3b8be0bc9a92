import Foundation
import Logging
import NIOCore
import PlimsollCore
import PlimsollCrypto
import PlimsollStore
import PostgresNIO

/// The current state from the tables, checked against the last block as the SQLite store checks
/// it (`SQLiteStore.loadLedger`): hash, sequencer signature, link to the block before, log size
/// and frontier, and the state commitment (or version 1 digest) of the loaded state. One
/// repeatable-read transaction, so a commit between the reads cannot look like damage.
enum PostgresLoader {
    static func load(
        _ connection: PostgresConnection, genesis: Genesis, logger: Logger
    ) throws(StoreError)
        -> (state: LedgerState, tip: StoreTip)
    {
        func rows(_ table: String, _ query: PostgresQuery) throws(StoreError) -> [PostgresRow] {
            do { return try connection.query(query, logger: logger).wait().rows } catch {
                throw StoreError(.io, table: table, "cannot be read: \(String(reflecting: error))")
            }
        }
        func decode<T>(_ table: String, _ body: () throws -> T) throws(StoreError) -> T {
            do { return try body() } catch let error as StoreError { throw error } catch {
                throw StoreError(.corrupt, table: table, "rows do not decode: \(error)")
            }
        }
        _ = try rows("registry", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? connection.query("COMMIT", logger: logger).wait() }
        let decoder = JSONDecoder()
        let counters = try decode("counters") {
            try rows("counters", "SELECT record FROM counters WHERE id = 1").first.map {
                try decoder.decode(RegistryCounters.self, from: Data(Array(buffer: try $0.decode(ByteBuffer.self))))
            } ?? RegistryCounters()
        }
        let parties = try decode("parties") {
            try rows("parties", "SELECT record FROM parties").map {
                try decoder.decode(PartyRecord.self, from: Data(Array(buffer: try $0.decode(ByteBuffer.self))))
            }
        }
        let keys = try decode("keys") {
            try rows("keys", "SELECT key, record FROM keys").map { row in
                let (key, record) = try row.decode((ByteBuffer, ByteBuffer).self)
                return try KeyRecord(
                    key: try XOnlyPublicKey(bytes: Array(buffer: key)), storageBytes: Array(buffer: record))
            }
        }
        let vessels = try decode("vessels") {
            try rows("vessels", "SELECT record FROM vessels").map {
                try decoder.decode(VesselRecord.self, from: Data(Array(buffer: try $0.decode(ByteBuffer.self))))
            }
        }
        let links = try decode("ownership_links") {
            try rows("ownership_links", "SELECT record FROM ownership_links").map {
                try decoder.decode(OwnershipLink.self, from: Data(Array(buffer: try $0.decode(ByteBuffer.self))))
            }
        }
        let balances = try decode("balances") {
            try rows("balances", "SELECT asset, key, units FROM balances").map { row in
                let (asset, key, units) = try row.decode((String, ByteBuffer, Int64).self)
                guard units > 0, units <= Int64(Limits.vesselUnitsMax) else {
                    throw StoreError(.corrupt, table: "balances", "units \(units) are outside any vessel's")
                }
                return (
                    BalanceKey(asset: try AssetID(asset), key: try XOnlyPublicKey(bytes: Array(buffer: key))),
                    UInt64(units)
                )
            }
        }
        let state = LedgerState(
            genesis: genesis, counters: counters, parties: parties, keys: keys, vessels: vessels, links: links,
            balances: balances)
        let tip = try checkTip(
            rows("blocks", "SELECT height, hash, header, signature, frontier FROM blocks ORDER BY height DESC LIMIT 2"),
            leafCount: rows("entries", "SELECT coalesce(max(leaf_index) + 1, 0)::BIGINT FROM entries"), state: state)
        return (state, tip)
    }

    private static func checkTip(
        _ blocks: [PostgresRow], leafCount: [PostgresRow], state: LedgerState
    ) throws(StoreError)
        -> StoreTip
    {
        guard let last = blocks.first else {
            throw StoreError(.corrupt, table: "blocks", "the database holds no block")
        }
        do {
            let (height, hash, headerBytes, signatureBytes, frontierBytes) = try last.decode(
                (Int64, ByteBuffer, ByteBuffer, ByteBuffer, ByteBuffer).self)
            func corrupt(_ why: String) -> StoreError {
                StoreError(.corrupt, table: "blocks", "row height \(height): the tip fails its check: \(why)")
            }
            let header = try BlockHeader(canonicalBytes: Array(buffer: headerBytes))
            let signed = SignedBlockHeader(
                header: header, signature: try SchnorrSignature(bytes: Array(buffer: signatureBytes)))
            guard header.height == UInt64(height), header.chainID == state.chainID else {
                throw corrupt("height or chain_id differs")
            }
            guard header.hash.bytes == Array(buffer: hash) else {
                throw corrupt("header does not hash to its stored hash")
            }
            guard signed.signatureValid(signer: state.sequencerKey) else {
                throw corrupt("the sequencer's signature is invalid")
            }
            if blocks.count > 1 {
                let previousHash = try blocks[1].decode((Int64, ByteBuffer, ByteBuffer, ByteBuffer, ByteBuffer).self).1
                guard header.prevHash.bytes == Array(buffer: previousHash) else {
                    throw corrupt("prev_hash is not block \(height - 1)'s hash")
                }
            }
            let leaves = try leafCount.first?.decode(Int64.self) ?? 0
            guard header.logSize == UInt64(max(0, leaves)) else {
                throw StoreError(
                    .corrupt, table: "entries",
                    "the tip's header counts \(header.logSize) entries, \(leaves) are stored")
            }
            guard let frontier = SQLiteStore.decodeStoredFrontier(Array(buffer: frontierBytes)),
                frontier.size == header.logSize, frontier.root == header.logRoot
            else { throw corrupt("stored log frontier does not give the header's log root") }
            let commitment = header.version >= 2 ? StateCommitment(state: state) : nil
            guard (commitment?.root ?? state.digest) == header.stateDigest else {
                throw StoreError(.corrupt, "the state tables do not give the state digest of block \(height)")
            }
            return StoreTip(header: signed, frontier: frontier, commitment: commitment)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.corrupt, table: "blocks", "the tip does not decode: \(error)")
        }
    }
}
