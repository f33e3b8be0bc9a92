import Foundation
import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// The registry's two keys (issue 16, item 3): the sequencer key named in genesis signs every
/// header, the registrar key every registrar entry; each rotates by a logged entry signed by the
/// old key and the new one (and, for the sequencer, by the registrar), and replay follows.
struct KeyRotationTests {
    /// A version 2 registry: registrar and sequencer keys apart.
    final class Registry {
        let folder: URL
        let url: URL
        let registrar: SigningKey
        let sequencer: SigningKey
        var rng: SplitMix64

        init(seed: UInt64) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("plimsoll-keys-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            rng = SplitMix64(seed: seed)
            registrar = SigningKey.generate(using: &rng)
            sequencer = SigningKey.generate(using: &rng)
            url = folder.appendingPathComponent(SQLiteStore.fileName)
            _ = try RegistryBootstrap.create(
                at: url, name: "Key Registry", registrarKey: registrar, sequencerKey: sequencer,
                createdAtMs: Settlement.wallClockMs(), maxValiditySeconds: 604_800)
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        func newKey() -> SigningKey { SigningKey.generate(using: &rng) }

        func settlement(
            sequencers: [SigningKey], registrar: SigningKey?,
            next: (@Sendable (XOnlyPublicKey) -> SigningKey?)? = nil
        ) throws -> Settlement {
            try Settlement(
                store: try SQLiteStore.open(at: url), sequencerKeys: sequencers, registrarKey: registrar,
                nextSequencerKey: next, clock: Settlement.wallClockMs)
        }
    }

    static func party(_ name: String) throws -> RegistrarAction {
        .registerParty(PartyRegistration(kind: .person, name: name, country: try Country("NO")))
    }

    static func code(_ outcome: Outcome) -> String {
        switch outcome {
        case .settled: "settled"
        case .rejected(_, let rejection): rejection.code.rawValue
        case .failed: "failed"
        }
    }

    @Test func aVersion2GenesisNamesTheSequencerKeyAndRoundTrips() throws {
        var rng = SplitMix64(seed: 31)
        let (registrar, sequencer) = (SigningKey.generate(using: &rng), SigningKey.generate(using: &rng))
        let genesis = try Genesis(
            name: "Two Keys", registrarKey: registrar.publicKey, sequencerKey: sequencer.publicKey, createdAtMs: 1)
        #expect(genesis.version == 2)
        #expect(try Genesis(canonicalBytes: genesis.canonicalBytes) == genesis)
        let one = try Genesis(name: "One Key", registrarKey: registrar.publicKey, createdAtMs: 1)
        #expect(one.version == 1 && one.sequencerKey == registrar.publicKey)
        #expect(one.canonicalBytes.count + 32 == genesis.canonicalBytes.count - ("Two Keys".utf8.count - 7))
        #expect(throws: CoreError.self) {
            _ = try Genesis(canonicalBytes: genesis.canonicalBytes.dropLast(1).map { $0 })
        }
    }

    @Test func rotationsAreFollowedBySettlementAndByReplay() async throws {
        let registry = try Registry(seed: 32)
        let registrar2 = registry.newKey()
        let sequencer2 = registry.newKey()
        let next = sequencer2
        let settlement = try registry.settlement(
            sequencers: [registry.sequencer], registrar: registry.registrar,
            next: { $0 == next.publicKey ? next : nil })
        let chainID = await settlement.state.chainID
        #expect(Self.code(try await settlement.submitRegistrar(try Self.party("Before Rotation"))) == "settled")

        // The sequencer key: signed by the old sequencer key, the new one and (the entry) the registrar.
        let sequencerRotation = KeyRotation.signed(
            chainID: chainID, role: .sequencer, old: registry.sequencer, new: sequencer2)
        #expect(Self.code(try await settlement.submitRegistrar(.rotateSequencerKey(sequencerRotation))) == "settled")
        #expect(await settlement.state.sequencerKey == sequencer2.publicKey)
        #expect(await settlement.latestHeader.signatureValid(signer: sequencer2.publicKey))

        // The registrar key, sent as signed elsewhere: the old key signs the rotation, the new key
        // the next entry in the same request.
        let sequence = await settlement.registrarSequence
        let registrarRotation = KeyRotation.signed(
            chainID: chainID, role: .registrar, old: registry.registrar, new: registrar2)
        let rotate = RegistrarEntry.signed(
            .rotateRegistrarKey(registrarRotation), sequence: sequence + 1, chainID: chainID, by: registry.registrar)
        let after = RegistrarEntry.signed(
            try Self.party("After Rotation"), sequence: sequence + 2, chainID: chainID, by: registrar2)
        #expect(try await settlement.submitSignedRegistrar([rotate, after]).map(Self.code) == ["settled", "settled"])
        // The old registrar key signs nothing any more.
        let stale = RegistrarEntry.signed(
            try Self.party("Old Key"), sequence: sequence + 3, chainID: chainID, by: registry.registrar)
        #expect(try await settlement.submitSignedRegistrar([stale]).map(Self.code) == ["BAD_REGISTRAR_SIGNATURE"])
        #expect(await settlement.state.registrarKey == registrar2.publicKey)
        await settlement.waitUntilIdle()

        // Replay of the exported log follows both rotations, and names them.
        let file = registry.folder.appendingPathComponent("log.plimsoll")
        _ = try LogExport.write(try SQLiteStore.open(at: registry.url), to: file)
        let verified = try await LogVerification.verify(file, expectedRegistrarKey: registry.registrar.publicKey)
        #expect(verified.sequencerKey == sequencer2.publicKey)
        #expect(verified.registrarKeyInForce == registrar2.publicKey)
        #expect(verified.rotations.map(\.role) == ["sequencer", "registrar"])
        // The store answers which key signed each height.
        let store = try SQLiteStore.open(at: registry.url)
        #expect(try store.sequencerKey(afterBlock: 1) == registry.sequencer.publicKey)
        #expect(try store.sequencerKey(afterBlock: verified.height) == sequencer2.publicKey)
        #expect(try store.registrarKey(afterBlock: verified.height) == registrar2.publicKey)

        // Reopened: only the keys in force open it.
        #expect(throws: StoreError.self) {
            _ = try registry.settlement(sequencers: [registry.sequencer], registrar: nil)
        }
        #expect(throws: StoreError.self) {
            _ = try registry.settlement(sequencers: [sequencer2], registrar: registry.registrar)
        }
        let reopened = try registry.settlement(sequencers: [registry.sequencer, sequencer2], registrar: registrar2)
        #expect(Self.code(try await reopened.submitRegistrar(try Self.party("Reopened"))) == "settled")
    }

    @Test func aRotationNeedsBothKeysAndKeepsTheRolesApart() async throws {
        let registry = try Registry(seed: 33)
        let settlement = try registry.settlement(sequencers: [registry.sequencer], registrar: registry.registrar)
        let chainID = await settlement.state.chainID
        let stranger = registry.newKey()
        let new = registry.newKey()
        // Not signed by the key in force.
        let forged = KeyRotation.signed(chainID: chainID, role: .registrar, old: stranger, new: new)
        #expect(
            Self.code(try await settlement.submitRegistrar(.rotateRegistrarKey(forged))) == "MALFORMED")
        // The new key's signature missing: the old key's twice.
        let good = KeyRotation.signed(chainID: chainID, role: .registrar, old: registry.registrar, new: new)
        let unproven = KeyRotation(
            newKey: new.publicKey, oldKeySignature: good.oldKeySignature, newKeySignature: good.oldKeySignature)
        #expect(Self.code(try await settlement.submitRegistrar(.rotateRegistrarKey(unproven))) == "MALFORMED")
        // Signed for the sequencer role, sent as a registrar rotation.
        let otherRole = KeyRotation.signed(chainID: chainID, role: .sequencer, old: registry.registrar, new: new)
        #expect(
            Self.code(try await settlement.submitRegistrar(.rotateRegistrarKey(otherRole))) == "MALFORMED"
        )
        // To the sequencer's own key: the roles stay apart.
        let merged = KeyRotation.signed(
            chainID: chainID, role: .registrar, old: registry.registrar, new: registry.sequencer)
        let mergedOutcome = try await settlement.submitRegistrar(.rotateRegistrarKey(merged))
        #expect(Self.code(mergedOutcome) == "MALFORMED", "\(mergedOutcome)")
        // A sequencer key the settlement cannot get: refused before it is queued.
        let unheld = KeyRotation.signed(chainID: chainID, role: .sequencer, old: registry.sequencer, new: new)
        #expect(Self.code(try await settlement.submitRegistrar(.rotateSequencerKey(unheld))) == "UNKNOWN_KEY")
        #expect(await settlement.state.registrarKey == registry.registrar.publicKey)
        #expect(await settlement.state.sequencerKey == registry.sequencer.publicKey)
    }

    @Test func withoutTheRegistrarKeyTheSequencerSignsOnlyScreeningDecisionsAndFreezes() async throws {
        let registry = try Registry(seed: 34)
        do {
            let setup = try registry.settlement(sequencers: [registry.sequencer], registrar: registry.registrar)
            #expect(Self.code(try await setup.submitRegistrar(try Self.party("Listed Later"))) == "settled")
            await setup.waitUntilIdle()
        }
        // The server's settlement, the registrar's key offline.
        let settlement = try registry.settlement(sequencers: [registry.sequencer], registrar: nil)
        let party = PartyID(1)
        let outcomes = try await settlement.submitRegistrarAll([
            .recordScreening(party, .block, evidence: "listed"), .freeze(.party(party, asset: nil), reason: "listed"),
        ])
        #expect(outcomes.map(Self.code) == ["settled", "settled"])
        #expect(await settlement.state.parties[party]?.frozen == true)
        // Lifting a freeze, or anything else, is the registrar's alone.
        #expect(
            Self.code(try await settlement.submitRegistrar(.unfreeze(.party(party, asset: nil), reason: "lifted")))
                == "BAD_REGISTRAR_SIGNATURE")
        // Signed by the sequencer elsewhere and sent: the same line.
        let chainID = await settlement.state.chainID
        let sequence = await settlement.registrarSequence
        let unfreeze = RegistrarEntry.signed(
            .unfreeze(.party(party, asset: nil), reason: "lifted"), sequence: sequence + 1, chainID: chainID,
            by: registry.sequencer)
        #expect(try await settlement.submitSignedRegistrar([unfreeze]).map(Self.code) == ["BAD_REGISTRAR_SIGNATURE"])
        // A `clear` decision loosens: the registrar's alone too.
        #expect(
            Self.code(try await settlement.submitRegistrar(.recordScreening(party, .clear, evidence: "delisted")))
                == "BAD_REGISTRAR_SIGNATURE")
        // A stolen sequencer key cannot push the registrar sequence out of reach.
        let last = await settlement.registrarSequence
        let far = RegistrarEntry.signed(
            .freeze(.party(party, asset: nil), reason: "again"), sequence: last + (1 << 21), chainID: chainID,
            by: registry.sequencer)
        #expect(try await settlement.submitSignedRegistrar([far]).map(Self.code) == ["SEQUENCE_REUSED"])
        let top = RegistrarEntry.signed(
            .freeze(.party(party, asset: nil), reason: "again"), sequence: UInt64.max, chainID: chainID,
            by: registry.sequencer)
        #expect(try await settlement.submitSignedRegistrar([top]).map(Self.code) == ["MALFORMED"])
        #expect(await settlement.state.counters.registrarSequence < 1_000)
        await settlement.waitUntilIdle()
        let file = registry.folder.appendingPathComponent("log.plimsoll")
        _ = try LogExport.write(try SQLiteStore.open(at: registry.url), to: file)
        _ = try await LogVerification.verify(file)
    }
}
