import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// A registry written by an earlier release (version 1 headers: a whole-state digest) opens,
/// continues with version 2 blocks (the state commitment), and its log replays across the change.
struct HeaderVersionTests {
    /// The same block as version 1 would have written it: the v1 digest, signed anew.
    static func asVersion1(_ block: CommittedBlock, state: LedgerState, key: SigningKey) -> CommittedBlock {
        let h = block.header.header
        let header = BlockHeader(
            version: 1, chainID: h.chainID, height: h.height, prevHash: h.prevHash, timestampMs: h.timestampMs,
            entryCount: h.entryCount,
            entriesRoot: h.entriesRoot, logSize: h.logSize, logRoot: h.logRoot, stateDigest: state.digest,
            listsDigest: h.listsDigest
        )
        return CommittedBlock(
            header: SignedBlockHeader(signing: header, with: key), entries: block.entries, frontier: block.frontier,
            rejected: [])
    }

    @Test func aVersionOneLogOpensContinuesAndReplays() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-v1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var fixture = LedgerFixture(seed: 5)
        let url = folder.appendingPathComponent(SQLiteStore.fileName)
        let (genesisBlock, genesisState) = BlockBuilder.genesisBlock(fixture.genesis, sequencerKey: fixture.registrar)
        let v1Genesis = Self.asVersion1(genesisBlock, state: genesisState, key: fixture.registrar)
        #expect(v1Genesis.header.header.version == 1)
        let store = try SQLiteStore.create(
            at: url, genesis: fixture.genesis, genesisBlock: v1Genesis, state: genesisState)
        // Block 1, version 1: a party registered the old way.
        var ledger = Ledger(state: genesisState)
        var commitment = StateCommitment(state: genesisState)
        let entry = fixture.registrarEntry(
            .registerParty(PartyRegistration(kind: .person, name: "Old Holder", country: try Country("NO"))))
        let (_, tip0) = try store.loadLedger()
        let built = BlockBuilder.build(
            ledger: &ledger, commitment: &commitment, tip: tip0,
            candidates: [Candidate(entry: entry, receivedAtMs: fixture.timeMs, signatureValid: true)],
            timestampMs: fixture.timeMs,
            sequencerKeys: [fixture.registrar.publicKey: fixture.registrar]
        )
        let v1Block = Self.asVersion1(try #require(built.block), state: ledger.state, key: fixture.registrar)
        try await store.commit(v1Block, changes: StateChanges(dirty: ledger.dirty, state: ledger.state))
        let (_, tip1) = try SQLiteStore.open(at: url).loadLedger()
        #expect(tip1.header.header.version == 1, "a version 1 tip opens")

        // The new release continues: its blocks are version 2.
        let later = fixture.timeMs + 1_000
        let settlement = try Settlement(
            store: try SQLiteStore.open(at: url), registrarKey: fixture.registrar, clock: { later })
        let outcome = try await settlement.submit(
            fixture.registrarEntry(
                .registerParty(PartyRegistration(kind: .person, name: "New Holder", country: try Country("SE")))))
        guard case .settled(let receipt) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        let reopened = try SQLiteStore.open(at: url)
        let (state, tip2) = try reopened.loadLedger()
        #expect(tip2.header.header.version == 2 && tip2.header.header.height == receipt.height)
        #expect(tip2.header.header.stateDigest == StateCommitment(state: state).root)
        let replayed = try LogReplayer.replay(reopened)
        #expect(replayed.lastHeader == tip2.header.header, "the log replays across the version change")
        #expect(replayed.commitment?.root == tip2.header.header.stateDigest)
        #expect(StoreCheck.full(reopened).isEmpty, "and checks clean")
    }
}
