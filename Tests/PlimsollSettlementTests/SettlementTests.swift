import Foundation
import GRDB
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

struct SettlementTests {
    /// A registrar key file that is not this registry's is named for what it is, not as damage
    /// to the store; and a StoreError that names a table carries it as a field.
    @Test func aForeignRegistrarKeyIsAKeyMismatchNotACorruptStore() throws {
        let registry = try TempRegistry()
        var rng = SplitMix64(seed: 99)
        let stranger = SigningKey.generate(using: &rng)
        do {
            _ = try Settlement(
                store: try SQLiteStore.open(at: registry.url), registrarKey: stranger, clock: Settlement.wallClockMs)
            Issue.record("a foreign registrar key was accepted")
        } catch {
            #expect(error.code == .keyMismatch)
            #expect(error.description.hasPrefix("REGISTRAR_KEY_MISMATCH: "))
        }
        let damage = StoreError(.corrupt, table: "blocks", "row height 3: bad hash")
        #expect(damage.table == "blocks")
        #expect(damage.description == "STORE_CORRUPT: table blocks: row height 3: bad hash")
    }

    /// Seeded concurrent workload through real settlement and SQLite: the live state, the state
    /// reloaded from the tables and a replay of the stored log all agree, and units are conserved.
    @Test(arguments: SplitMix64.seeds([5, 0xFEED]))
    func liveStateEqualsReloadAndReplay(seed: UInt64) async throws {
        let registry = try TempRegistry(seed: seed)
        let settlement = try registry.settlement()
        let keys = try await Setup.holders(settlement, count: 6, seed: seed)
        let chainID = await settlement.state.chainID
        var rng = SplitMix64(seed: seed)
        var nonces = [UInt64](repeating: 0, count: keys.count)
        var settled: [Receipt] = []
        var rejectedIDs: [Hash32] = []
        var forgedIDs: Set<Hash32> = []
        var honestIDs: Set<Hash32> = []
        for _ in 0..<8 {
            var wave: [Entry] = []
            for _ in 0..<150 {
                let from = Int(rng.next() % 6)
                let to = (from + 1 + Int(rng.next() % 5)) % 6
                nonces[from] += rng.next() % 9 == 0 ? 0 : 1
                let signer = rng.next() % 13 == 0 ? keys[to] : keys[from]  // Some carry a wrong signature.
                let transfer = Transfer(
                    chainID: chainID, asset: IMOs.a, from: keys[from].publicKey, to: keys[to].publicKey,
                    amount: 1 + rng.next() % 6, nonce: max(1, nonces[from]),
                    expiresAt: UInt64(Date().timeIntervalSince1970) + 600
                )
                wave.append(
                    .transfer(SignedTransfer(transfer: transfer, signature: signer.sign(hash: transfer.message))))
                if signer.publicKey == keys[from].publicKey {
                    honestIDs.insert(transfer.message)
                } else {
                    forgedIDs.insert(transfer.message)
                }
            }
            let outcomes = await withTaskGroup(of: Outcome?.self) { group in
                for entry in wave { group.addTask { try? await settlement.submit(entry) } }
                var all: [Outcome] = []
                for await outcome in group { if let outcome { all.append(outcome) } }
                return all
            }
            #expect(outcomes.count == wave.count, "seed \(seed): every submission answered")
            for outcome in outcomes {
                switch outcome {
                case .settled(let receipt): settled.append(receipt)
                case .rejected(let id, _): rejectedIDs.append(id)
                case .failed(_, let message, _): Issue.record("seed \(seed): store failure \(message)")
                }
            }
        }
        #expect(settled.count > 100, "seed \(seed): workload must settle transfers")
        #expect(!rejectedIDs.isEmpty, "seed \(seed): workload must include rejections")
        let live = await settlement.state
        #expect(live.unitsAccountedFor(IMOs.a) == 64)
        let store = try SQLiteStore.open(at: registry.url)
        let (reloaded, tip) = try store.loadLedger()
        #expect(reloaded == live, "seed \(seed): tables reload to the live state")
        #expect(tip.header == (await settlement.latestHeader))
        let replayed = try LogReplayer.replay(store)
        #expect(replayed.ledger.state.digest == live.digest, "seed \(seed): replay gives the live digest")
        for receipt in settled.prefix(200) {
            let stored = try #require(try store.entry(id: receipt.id), "seed \(seed): settled \(receipt.id) is stored")
            #expect(stored.leafIndex == receipt.leafIndex)
            #expect(stored.height == receipt.height)
        }
        // Proofs from the store (stored levels >= 8 plus leaves) equal an in-memory tree's, at many sizes.
        var tree = MerkleTree()
        for stored in try store.entries(fromLeaf: 0, limit: 1_000_000) { tree.append(leaf: stored.entry.bytes) }
        #expect(tree.root == tip.header.header.logRoot)
        #expect(tree.size > 512, "seed \(seed): enough entries for stored Merkle levels")
        for _ in 0..<60 {
            let size = 1 + rng.next() % tree.size
            let index = rng.next() % size
            #expect(
                try store.inclusionProof(leafIndex: index, treeSize: size)
                    == tree.inclusionProof(leafIndex: index, treeSize: size))
            let first = 1 + rng.next() % size
            #expect(try store.consistencyProof(from: first, to: size) == tree.consistencyProof(from: first, to: size))
        }
        // Attributable rejections (valid signature, bound key) are audited; forged ones are only
        // counted, so anonymous input cannot grow the database.
        var audited = 0
        var forged = 0
        for id in rejectedIDs where !settled.contains(where: { $0.id == id }) {
            if honestIDs.contains(id) && !forgedIDs.contains(id) {
                #expect(try store.rejections(of: id).count >= 1, "seed \(seed): rejection audited")
                audited += 1
            } else if forgedIDs.contains(id) && !honestIDs.contains(id) {
                #expect(try store.rejections(of: id).isEmpty, "seed \(seed): a forged transfer leaves no audit row")
                forged += 1
            }
        }
        #expect(audited > 0 && forged > 0, "seed \(seed): both kinds of rejection occurred (\(audited), \(forged))")
        #expect(await settlement.stats.unattributedRejections >= forged)
    }

    /// A batch in which nothing is accepted makes no block.
    @Test func rejectedOnlyBatchMakesNoBlock() async throws {
        let registry = try TempRegistry()
        let settlement = try registry.settlement()
        let keys = try await Setup.holders(settlement, count: 2, seed: 3)
        let height = await settlement.latestHeader.header.height
        let chainID = await settlement.state.chainID
        let overdraft = Transfer(
            chainID: chainID, asset: IMOs.a, from: keys[0].publicKey, to: keys[1].publicKey, amount: 1000, nonce: 1,
            expiresAt: UInt64(Date().timeIntervalSince1970) + 60
        ).signed(by: keys[0])
        let outcome = try await settlement.submit(.transfer(overdraft))
        guard case .rejected(_, let rejection) = outcome else {
            Issue.record("expected a rejection")
            return
        }
        #expect(rejection.code == .insufficientUnits)
        #expect(await settlement.latestHeader.header.height == height)
        #expect(try SQLiteStore.open(at: registry.url).latestHeight() == height)
    }

    /// A store whose last block was altered refuses to open, naming the failed check.
    @Test(arguments: ["header", "balance", "signature"])
    func tamperedStoreRefusesToOpen(what: String) async throws {
        let registry = try TempRegistry()
        do {
            let settlement = try registry.settlement()
            _ = try await Setup.holders(settlement, count: 2, seed: 4)
        }
        let queue = try DatabaseQueue(path: registry.url.path)
        try await queue.write { db in
            switch what {
            case "header":
                try db.execute(
                    sql:
                        "UPDATE blocks SET header = substr(header, 1, 60) || X'FF' || substr(header, 62) WHERE height = (SELECT MAX(height) FROM blocks)"
                )
            case "balance":
                try db.execute(
                    sql: "UPDATE balances SET units = units + 1 WHERE key = (SELECT key FROM balances LIMIT 1)")
            default:
                try db.execute(
                    sql: "UPDATE blocks SET signature = zeroblob(64) WHERE height = (SELECT MAX(height) FROM blocks)")
            }
        }
        try await queue.close()
        let store = try SQLiteStore.open(at: registry.url)
        do {
            _ = try store.loadLedger()
            Issue.record("a damaged tip was loaded")
        } catch {
            #expect(error.code == .corrupt)
            #expect(
                error.message.contains("fails its check") || error.message.contains("state tables"), "\(error.message)")
        }
    }
}
