import Foundation
import GRDB
public import PlimsollCore
public import PlimsollCrypto

extension SQLiteStore {
    /// Loads the current state from its tables (no replay) and checks it against the last block.
    ///
    /// The last block must hash to its stored hash, carry a valid signature of the sequencer key
    /// in force, extend the
    /// block before it, match the stored log size and root, and name the digest of the loaded
    /// state; otherwise the store refuses to open.
    /// - Throws: `StoreError.corrupt` naming the check that failed, or `.io`.
    public func loadLedger() throws(StoreError) -> (state: LedgerState, tip: StoreTip) {
        // Tables and tip from one snapshot: a commit between the reads would look like damage.
        var result: Result<(state: LedgerState, tip: StoreTip), StoreError>?
        do {
            try withSnapshot { store in result = Result { () throws(StoreError) in try store.loadLedgerInSnapshot() } }
        } catch {
            // A damaged page may fail the read transaction's end too: the check's own finding names it.
            if case .failure(let finding)? = result { throw finding }
            throw StoreError(.io, "cannot read the registry: \(error)")
        }
        return try result!.get()
    }

    private func loadLedgerInSnapshot() throws(StoreError) -> (state: LedgerState, tip: StoreTip) {
        let state: LedgerState
        do { state = try loadTables() } catch { throw StoreError(.corrupt, error.description) }
        let rows: [Row]
        do {
            rows = try read { db in
                let lastTwo = try Row.fetchAll(db, sql: "SELECT * FROM blocks ORDER BY height DESC LIMIT 2")
                let leafCount = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM entries") ?? 0
                return lastTwo + [Row(["leaf_count": leafCount])]
            }
        } catch {
            throw StoreError(.io, "cannot read the last blocks (table blocks or entries): \(error)")
        }
        let tip = try checkTip(rows, state: state)
        return (state, tip)
    }

    private func checkTip(_ rows: [Row], state: LedgerState) throws(StoreError) -> StoreTip {
        let leafCount = UInt64(max(0, rows.last!["leaf_count"] as Int64))
        let blocks = rows.dropLast()
        guard let last = blocks.first else { throw StoreError(.corrupt, "registry database holds no block") }
        let height = UInt64(max(0, last["height"] as Int64))
        func corrupt(_ why: String) -> StoreError {
            StoreError(.corrupt, table: "blocks", "row height \(height): the tip fails its check: \(why)")
        }
        guard let header = try? BlockHeader(canonicalBytes: Array(last["header"] as Data)),
            let signature = try? SchnorrSignature(bytes: Array(last["signature"] as Data))
        else { throw corrupt("header or signature does not parse") }
        guard header.height == height, header.chainID == genesis.chainID else {
            throw corrupt("height or chain_id differs")
        }
        guard header.hash.bytes == Array(last["hash"] as Data) else {
            throw corrupt("header does not hash to its stored hash")
        }
        let signed = SignedBlockHeader(header: header, signature: signature)
        guard signed.signatureValid(signer: state.sequencerKey) else {
            throw corrupt("the sequencer's signature is invalid")
        }
        if let previous = blocks.dropFirst().first {
            guard header.prevHash.bytes == Array(previous["hash"] as Data) else {
                throw corrupt("prev_hash is not block \(height - 1)'s hash")
            }
        }
        guard header.logSize == leafCount else {
            throw StoreError(
                .corrupt, table: "entries", "the tip's header counts \(header.logSize) entries, \(leafCount) are stored"
            )
        }
        guard let frontier = Self.decodeFrontier(Array(last["frontier"] as Data)), frontier.size == header.logSize,
            frontier.root == header.logRoot
        else { throw corrupt("stored log frontier does not give the header's log root") }
        let commitment = header.version >= 2 ? StateCommitment(state: state) : nil
        guard (commitment?.root ?? state.digest) == header.stateDigest else {
            throw StoreError(
                .corrupt,
                "state tables (counters, parties, keys, vessels, ownership_links, balances) do not give the state digest of block \(height); plimsoll check --full names the row"
            )
        }
        return StoreTip(header: signed, frontier: frontier, commitment: commitment)
    }
}
