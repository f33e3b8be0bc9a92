public import PlimsollCore
public import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import Synchronization

/// A manual clock: time moves only when the simulation moves it.
public final class ManualClock: Sendable {
    private let ms: Mutex<TimestampMs>
    public init(startMs: TimestampMs = 1_800_000_000_000) { ms = Mutex(startMs) }
    public var now: TimestampMs { ms.withLock { $0 } }
    public func advance(_ by: TimestampMs) { ms.withLock { $0 += by } }
}

/// Settlement driven by one seed (TigerBeetle's VOPR, FoundationDB's simulation testing): random
/// holders, valid transfers and every kind of invalid one, batches, registrar actions and list
/// adoptions, I/O errors, crashes at a write (landed or not) with restarts, and clock jumps, on a
/// `MemoryStore` and a `ManualClock`. `check()` states every invariant; the same seed gives the
/// same run, so a failure replays.
public struct SettlementSimulation {
    var rng: SplitMix64
    let clock = ManualClock()
    let registrar: SigningKey
    let store: MemoryStore
    var settlement: Settlement
    var holders: [SigningKey] = []
    /// Keys made but never bound: their transfers are unattributable.
    var strangers: [SigningKey] = []
    var nonces: [XOnlyPublicKey: UInt64] = [:]
    /// Every acknowledged entry, by leaf index: it must stay in the log, as acknowledged.
    var acknowledged: [UInt64: Receipt] = [:]
    public private(set) var settledTransfers = 0, rejectedTransfers = 0, crashes = 0, ioErrors = 0
    /// Times two blocks were applied and not yet durable at once, and times the second was voided
    /// by the first one's failed commit.
    public private(set) var pipelinedBlocks = 0, voidedBlocks = 0
    /// Holding proofs that waited for a held commit and were answered against a durable header.
    public private(set) var proofsAfterCommit = 0
    /// What the simulation itself saw go wrong while stepping; `check()` reports it.
    var incidents: [String] = []
    static let asset = IMOs.a
    static let units: UInt64 = 1_000

    /// Settlement's bound for cutting a batch while a block commits: 1 (whatever waits is cut
    /// ahead, so batches of a few entries stack on a committing block) or the default (a small
    /// batch waits for the commit), by the seed's lowest bit unless given, so one seed still
    /// replays one world.
    let config: SettlementConfig

    public init(seed: UInt64, cutAheadEntriesMin: Int? = nil) async throws {
        var config = SettlementConfig()
        config.cutAheadEntriesMin = cutAheadEntriesMin ?? (seed % 2 == 0 ? 1 : Batcher.defaultCutAheadMin)
        self.config = config
        rng = SplitMix64(seed: seed)
        registrar = SigningKey.generate(using: &rng)
        let genesis = try Genesis(
            name: "Simulation", registrarKey: registrar.publicKey, createdAtMs: clock.now, maxValiditySeconds: 3_600)
        store = MemoryStore(genesis: genesis, sequencerKey: registrar)
        let clock = self.clock
        settlement = try Settlement(store: store, registrarKey: registrar, config: config, clock: { clock.now })
        let owner = try await registrar(
            .registerParty(
                PartyRegistration(kind: .organization, name: "Owner", country: try Country("NO"), kycClaims: kyc)))
        _ = owner
        try await registrar(
            .registerVessel(
                VesselRegistration(
                    asset: Self.asset, name: "Sim Star", flag: try Country("PA"), type: "tanker", grossTonnage: 1,
                    roles: .init(owner: PartyID(1)), units: Self.units
                )))
        for _ in 0..<4 { try await addHolder() }
        for holder in holders { try await registrar(.issue(Self.asset, to: holder.publicKey, units: Self.units / 8)) }
    }

    var kyc: [Party.KYCClaim] { [Party.KYCClaim(issuer: "registrar", expiresAtMs: clock.now + 365 * 86_400_000)] }

    /// Submits a registrar action; an acknowledged one is recorded like any entry.
    @discardableResult
    mutating func registrar(_ action: RegistrarAction) async throws -> Outcome {
        let outcome = try await settlement.submitRegistrar(action)
        if case .settled(let receipt) = outcome { acknowledged[receipt.leafIndex] = receipt }
        return outcome
    }

    mutating func addHolder() async throws {
        let key = SigningKey.generate(using: &rng)
        let name = "Holder \(holders.count)"
        guard
            case .settled = try await registrar(
                .registerParty(PartyRegistration(kind: .person, name: name, country: try Country("NO"), kycClaims: kyc))
            )
        else { return }
        let party = PartyID(await settlement.state.counters.nextPartyID - 1)
        guard case .settled = try await registrar(.bindKey(key.publicKey, to: party)) else { return }
        holders.append(key)
    }

    func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T { items[Int(rng.next() % UInt64(items.count))] }

    /// One transfer, valid or broken in one of the ways DESIGN.md names.
    mutating func transfer() async -> Entry {
        let state = await settlement.state
        let from = pick(holders, &rng)
        var to = pick(holders, &rng)
        if to.publicKey == from.publicKey { to = holders.first { $0.publicKey != from.publicKey }! }
        let held = state.balance(Self.asset, from.publicKey)
        var amount = held > 0 ? 1 + rng.next() % held : 1
        var nonce = (nonces[from.publicKey] ?? state.keys[from.publicKey]?.lastNonce ?? 0) + 1
        var expires = clock.now / 1000 + 600
        var signer = from
        var sender = from.publicKey
        var asset = Self.asset
        switch rng.next() % 12 {
        case 0: signer = to  // BAD_SIGNATURE
        case 1: amount = held + 1 + rng.next() % 5  // INSUFFICIENT_UNITS
        case 2: nonce = max(1, nonce - 1)  // NONCE_REUSED (or a gap's first)
        case 3: expires = clock.now / 1000 - 1  // EXPIRED
        case 4: expires = clock.now / 1000 + 100_000  // EXPIRY_TOO_FAR
        case 5:
            let stranger = SigningKey.generate(using: &rng)
            strangers.append(stranger)
            signer = stranger
            sender = stranger.publicKey  // UNKNOWN_KEY, unattributable
        case 6: asset = IMOs.make(123_456)  // UNKNOWN_ASSET
        default: break
        }
        nonces[from.publicKey] = max(nonces[from.publicKey] ?? 0, nonce)
        let transfer = Transfer(
            chainID: state.chainID, asset: asset, from: sender, to: to.publicKey, amount: amount, nonce: nonce,
            expiresAt: expires
        )
        return .transfer(SignedTransfer(transfer: transfer, signature: signer.sign(hash: transfer.message)))
    }

    /// One random step of the world.
    public mutating func step() async throws {
        switch rng.next() % 20 {
        case 0..<11:
            var entries: [Entry] = []
            for _ in 0..<(1 + Int(rng.next() % 12)) { entries.append(await transfer()) }
            // Sometimes the same transfer twice in a batch.
            if rng.next() % 6 == 0, let first = entries.first { entries.append(first) }
            var outcomes: [Outcome]
            if entries.count >= 2, rng.next() % 3 == 0 {
                outcomes = try await pipelined(entries, failing: rng.next() % 3 == 0)
            } else {
                outcomes = try await settlement.submitAll(entries)
            }
            for outcome in outcomes {
                switch outcome {
                case .settled(let receipt):
                    acknowledged[receipt.leafIndex] = receipt
                    settledTransfers += 1
                case .rejected: rejectedTransfers += 1
                case .failed: nonces = [:]  // Not kept: later nonces restart from the store's.
                }
            }
        case 11:
            try await addHolder()
        case 12:
            let key = pick(holders, &rng).publicKey
            try await registrar(
                rng.next() % 2 == 0
                    ? .freeze(.key(key, asset: nil), reason: "sim") : .unfreeze(.key(key, asset: nil), reason: "sim"))
        case 13:
            let hash = try Hash32(bytes: rng.bytes(32))
            try await registrar(
                .adoptList(
                    ListAdoption(
                        source: pick(["ofac", "un"], &rng), format: "sim", contentHash: hash,
                        entityCount: rng.next() % 1000)))
        case 14:
            let unissued = await settlement.state.vessels[Self.asset]?.unissued ?? 0
            if unissued > 0 {
                try await registrar(
                    .issue(Self.asset, to: pick(holders, &rng).publicKey, units: 1 + rng.next() % unissued))
            }
        case 15:
            store.failNextCommit()
            // Half the time the state cannot be read back after that failure either: settlement
            // stays stale (not ready, every batch failed) until a read succeeds.
            if rng.next() % 2 == 0 { store.failNextLoad() }
            ioErrors += 1
        case 16, 17:
            try await crashAndRestart()
        default:
            clock.advance(rng.next() % 900_000)  // up to 15 minutes: expiries pass
        }
    }

    /// Two batches in the pipeline at once, deterministically: the first block's commit is held
    /// at the store's gate while the second batch is verified and applied on top of it (when
    /// settlement cuts a batch that small ahead of a commit, `config`); a holding proof asked
    /// meanwhile is answered only against a durable header. Then the held commit lands, or fails
    /// and takes with it every batch applied on top of it (none of which may be acknowledged); a
    /// second batch that waited for the commit is applied after it, on what is durable.
    mutating func pipelined(_ entries: [Entry], failing: Bool) async throws -> [Outcome] {
        let half = entries.count / 2
        let (first, second) = (Array(entries[..<half]), Array(entries[half...]))
        let settlement = settlement
        store.holdNextCommit()
        let admitted = await settlement.stats.admitted
        let firstOutcomes = Task { try await settlement.submitAll(first) }
        var spins = 0
        // The first batch makes a block unless every entry in it is rejected.
        while !store.holdsACommit {
            let taken = await settlement.stats.admitted >= admitted + first.count
            let preparing = await settlement.isPreparing
            if taken, !preparing, await settlement.undurableBlocks == 0 { break }  // no block: nothing to hold
            guard await until(&spins) else { break }
        }
        let held = store.holdsACommit
        if !held { store.cancelHold() }
        var proofs: [(Task<HoldingProof?, Never>, String)] = []
        if held { proofs.append((await askProof(&spins), "while a block commits")) }
        let batchesBefore = await settlement.stats.batches
        let secondOutcomes = Task { try await settlement.submitAll(second) }
        while true {
            let taken = await settlement.stats.admitted >= admitted + entries.count
            if taken, await !settlement.isPreparing { break }
            guard await until(&spins) else { break }
        }
        let stacked = held ? await settlement.undurableBlocks == 2 : false
        // Under the default bound a batch this small is not even prepared while the commit is
        // held, whether it would make a block or not.
        if held, second.count < config.cutAheadEntriesMin, await settlement.stats.batches != batchesBefore {
            incidents.append(
                "a batch of \(second.count) was prepared ahead of a commit (bound \(config.cutAheadEntriesMin))")
        }
        if stacked {
            pipelinedBlocks += 1
            proofs.append((await askProof(&spins), "over two undurable blocks"))
        }
        let voids = held && failing
        if voids {
            store.failNextCommit()
            ioErrors += 1
        }
        if stacked, failing { voidedBlocks += 1 }
        if held { store.releaseHeldCommit() }
        let (early, late) = (try await firstOutcomes.value, try await secondOutcomes.value)
        let outcomes = early + late
        let builtOnTheFailure = stacked ? outcomes : early
        if voids, builtOnTheFailure.contains(where: { if case .settled = $0 { true } else { false } }) {
            incidents.append("an entry built on a block that failed to commit was acknowledged")
        }
        for (proof, when) in proofs { await expectDurableProof(await proof.value, when) }
        return outcomes
    }

    /// Asks a holding proof of a random holder while a commit is held, and waits (bounded) until
    /// it waits for that commit, so the waiting path is what the step exercises.
    private mutating func askProof(_ spins: inout Int) async -> Task<HoldingProof?, Never> {
        let (settlement, holder) = (settlement, pick(holders, &rng).publicKey)
        let waiting = await settlement.proofsWaiting
        let task = Task { await settlement.holdingProof(asset: Self.asset, key: holder) }
        while await settlement.proofsWaiting <= waiting {
            guard await until(&spins) else { break }
        }
        return task
    }

    /// A holding proof asked while blocks were applied but not durable must be answered against
    /// a header the store holds (what a crash cannot take back), verify against it, and name the
    /// units the key held after that block.
    private mutating func expectDurableProof(_ proof: HoldingProof?, _ when: String) async {
        guard let proof else {
            // Only while the state cannot be read back after a failed commit (stale: not ready).
            if await settlement.isReady { incidents.append("no holding proof \(when), and commits succeed") }
            return
        }
        let head = proof.header.header
        guard let index = store.blocks.firstIndex(where: { $0.header.header.hash == head.hash }) else {
            incidents.append("a holding proof \(when) names a header that never became durable")
            return
        }
        do { try proof.verify(signer: registrar.publicKey, chainID: store.state.chainID) } catch {
            incidents.append("a holding proof \(when) does not verify: \(error.message)")
        }
        // Units against the store's state when the proof's block is still its last (`verify`
        // has tied them to that block's state digest either way).
        if index == store.blocks.count - 1, proof.units != store.state.balance(Self.asset, proof.key) {
            incidents.append("a holding proof \(when) names other units than its durable block left")
        }
        proofsAfterCommit += 1
    }

    /// One more spin of a bounded wait for the other tasks; false (and an incident) past the bound.
    private mutating func until(_ spins: inout Int) async -> Bool {
        spins += 1
        guard spins < 1_000_000 else {
            incidents.append("the pipeline did not reach the awaited stage")
            return false
        }
        await Task.yield()
        return true
    }

    /// The next write crashes the writer, landed or not; a new settlement opens the store.
    mutating func crashAndRestart() async throws {
        store.crashAtNextCommit(written: rng.next() % 2 == 0)
        // A list adoption always makes a block, so the planned crash happens on its write (a
        // planned I/O error may take the first block's commit; the probe after it does not take
        // the crash, so the second adoption's commit does).
        for _ in 0..<2 where !store.isCrashed {
            let probe = try Hash32(bytes: rng.bytes(32))
            let outcome = try await settlement.submitRegistrar(
                .adoptList(ListAdoption(source: "un", format: "sim", contentHash: probe, entityCount: 1)))
            if case .settled = outcome { incidents.append("a write after a planned crash was acknowledged") }
        }
        if !store.isCrashed { incidents.append("the planned crash did not happen") }
        crashes += 1
        store.restart()
        let clock = self.clock
        settlement = try Settlement(store: store, registrarKey: registrar, config: config, clock: { clock.now })
        nonces = [:]
    }

    /// Every invariant the simulation holds the system to; empty when all hold.
    public mutating func check() async -> [String] {
        var problems: [String] = incidents
        incidents = []
        // A reader that must see the durable state asks readiness first: it reads the state back
        // if an earlier read failed after a failed commit.
        _ = await settlement.readiness()
        let live = await settlement.state
        let stored = store.state
        if await settlement.durableLists != stored.counters.lists {
            problems.append("the lists /v1/screen would use are not the durable ones")
        }
        if live != stored { problems.append("the live state differs from the stored state") }
        if live.unitsAccountedFor(Self.asset) != Self.units {
            problems.append("units not conserved: \(live.unitsAccountedFor(Self.asset))")
        }
        let blocks = store.blocks
        var entries: [UInt64: (height: Height, id: Hash32)] = [:]
        for block in blocks {
            for (offset, entry) in block.entries.enumerated() {
                entries[block.firstLeafIndex + UInt64(offset)] = (block.header.header.height, entry.id)
            }
        }
        for (leaf, receipt) in acknowledged {
            guard let held = entries[leaf] else {
                problems.append("acknowledged entry at leaf \(leaf) is lost")
                continue
            }
            if held.id != receipt.id || held.height != receipt.height {
                problems.append("the receipt for leaf \(leaf) names another entry or block")
            }
        }
        do {
            var replayer = try LogReplayer(genesisBlock: blocks[0].header, genesisEntry: blocks[0].entries[0])
            for block in blocks.dropFirst() { try replayer.apply(block: block.header, entries: block.entries) }
            if replayer.ledger.state.digest != live.digest {
                problems.append("a replay of the log does not give the live state digest")
            }
            if replayer.lastHeader != (await settlement.latestHeader.header) {
                problems.append("the replayed tip is not the live tip")
            }
        } catch {
            problems.append("the log does not replay: \(error)")
        }
        // The signed tip commits to the live state, and every holding proves against it.
        let tip = await settlement.latestHeader
        if tip.header.stateDigest != StateCommitment(state: live).root {
            problems.append("the tip's state_digest is not the live state's commitment")
        }
        for holder in holders.prefix(6) {
            guard let proof = await settlement.holdingProof(asset: Self.asset, key: holder.publicKey) else {
                problems.append("no holding proof at a version 2 tip")
                continue
            }
            do { try proof.verify(signer: registrar.publicKey, chainID: live.chainID) } catch {
                problems.append("a holding proof fails: \(error.message)")
            }
            if proof.units != live.balance(Self.asset, holder.publicKey) {
                problems.append("a holding proof names other units")
            }
            // The key's own record (party, last nonce, freezes) proves against the same tip.
            guard let keyProof = await settlement.keyProof(key: holder.publicKey) else {
                problems.append("no key proof at a version 2 tip")
                continue
            }
            do { try keyProof.verify(signer: registrar.publicKey, chainID: live.chainID) } catch {
                problems.append("a key proof fails: \(error.message)")
            }
            if keyProof.record != live.keys[holder.publicKey] {
                problems.append("a key proof names another record")
            }
        }
        // Every holder is bound, so a bad signature or an unknown key is a stranger's: never stored.
        if store.rejections.contains(where: { [.badSignature, .unknownKey].contains($0.rejection.code) }) {
            problems.append("an unattributable rejection was stored")
        }
        return problems
    }
}
