public import PlimsollCore
public import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import Synchronization

/// A manual clock: time moves only when the simulation moves it, forward or back.
public final class ManualClock: Sendable {
    private let ms: Mutex<TimestampMs>
    public init(startMs: TimestampMs = 1_800_000_000_000) { ms = Mutex(startMs) }
    public var now: TimestampMs { ms.withLock { $0 } }
    public func advance(_ by: TimestampMs) { ms.withLock { $0 += by } }
    /// The clock stepped back (a time-sync correction, a restored machine): block times must not
    /// follow it.
    public func rewind(_ by: TimestampMs) { ms.withLock { $0 -= min(by, $0) } }
}

/// Settlement driven by one seed (TigerBeetle's VOPR, FoundationDB's simulation testing): random
/// holders in two vessels, valid transfers and every kind of invalid one (each transfer refusal
/// code, `transferRefusals`), batches, registrar actions (parties, keys, issues, freezes of keys,
/// parties and vessels, compliance rules, screening decisions, deregistrations, mortgages, KYC
/// renewals) and list adoptions, I/O errors, crashes at any write (a block's commit, a rejection
/// audit or a probe; landed or not) with restarts, and clock jumps both ways, on a `MemoryStore`
/// and a `ManualClock`. `check()` states every invariant; the same seed gives the same run, so a
/// failure replays.
public struct SettlementSimulation {
    var rng: SplitMix64
    let clock = ManualClock()
    let registrar: SigningKey
    let store: MemoryStore
    var settlement: Settlement
    var holders: [SigningKey] = []
    /// Each holder's party, for the registrar's actions on it.
    var parties: [XOnlyPublicKey: PartyID] = [:]
    /// Freezes the simulation made that are in force.
    var frozen: [FreezeTarget] = []
    /// Keys made but never bound: their transfers are unattributable.
    var strangers: [SigningKey] = []
    var nonces: [XOnlyPublicKey: UInt64] = [:]
    /// Every acknowledged entry, by leaf index: it must stay in the log, as acknowledged.
    var acknowledged: [UInt64: Receipt] = [:]
    public internal(set) var settledTransfers = 0, rejectedTransfers = 0, crashes = 0, ioErrors = 0
    /// How many transfers each reason code refused.
    public internal(set) var refusals: [ReasonCode: Int] = [:]
    /// Times two blocks were applied and not yet durable at once, and times the second was voided
    /// by the first one's failed commit.
    public internal(set) var pipelinedBlocks = 0, voidedBlocks = 0
    /// Holding proofs that waited for a held commit and were answered against a durable header.
    public internal(set) var proofsAfterCommit = 0
    /// Where each crash fell: a block's commit or a rejection audit (landed or not), or a probe.
    public var crashSites: [MemoryStore.CrashSite] { store.crashSites }
    /// What the simulation itself saw go wrong while stepping; `check()` reports it.
    var incidents: [String] = []
    /// Two vessels: a transfer names either (the first twice as often). Units of either are
    /// mortgaged; the second, `troubled`, is also frozen, deregistered and screened while the first
    /// trades, so the run keeps settling.
    static let assets = [IMOs.a, IMOs.b]
    static let troubled = IMOs.b
    static let units: UInt64 = 1_000
    /// The vessels' registered owner, also the mortgagee: never screened or frozen here.
    static let owner = PartyID(1)
    static let countries = ["NO", "SE", "DK"]

    /// Every code a transfer can be refused with, in `Ledger.checkTransfer`'s order.
    public static let transferRefusals: Set<ReasonCode> = [
        .malformed, .badSignature, .unknownAsset, .unknownKey, .expired, .expiryTooFar, .nonceReused,
        .assetNotActive, .frozen, .kycExpired, .sanctionsHit, .screeningReview, .countryBlocked,
        .insufficientUnits, .mortgaged, .holderLimit, .minHolding,
    ]

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
        try await registrar(
            .registerParty(
                PartyRegistration(
                    kind: .organization, name: "Owner", country: try Country("NO"),
                    kycClaims: [kyc(lasting: 10 * 365 * 86_400_000)])))
        for (index, asset) in Self.assets.enumerated() {
            try await registrar(
                .registerVessel(
                    VesselRegistration(
                        asset: asset, name: "Sim Star \(index)", flag: try Country("PA"), type: "tanker",
                        grossTonnage: 1, roles: .init(owner: Self.owner), units: Self.units
                    )))
        }
        for _ in 0..<4 { try await addHolder(kycLasting: 365 * 86_400_000) }
        for asset in Self.assets {
            for holder in holders { try await registrar(.issue(asset, to: holder.publicKey, units: Self.units / 8)) }
        }
    }

    /// How a seed's run ended: every step's invariants held, or the first step that broke one.
    public enum Run {
        case completed(SettlementSimulation)
        case failed(step: Int, problems: [String])
    }

    /// One seed's run of `steps` steps, every invariant checked after every step (the tests and
    /// `plimsoll-bench simulate` run seeds this one way).
    public static func run(seed: UInt64, steps: Int, cutAheadEntriesMin: Int? = nil) async throws -> Run {
        var world = try await SettlementSimulation(seed: seed, cutAheadEntriesMin: cutAheadEntriesMin)
        for step in 0..<steps {
            try await world.step()
            let problems = await world.check()
            guard problems.isEmpty else { return .failed(step: step, problems: problems) }
        }
        return .completed(world)
    }

    /// The one command that replays a seed's run, step for step, in the test suite.
    /// `cutAheadEntriesMin` is named when the run forced it (otherwise the seed chose it).
    public static func replayCommand(seed: UInt64, steps: Int, cutAheadEntriesMin: Int? = nil) -> String {
        let cut = cutAheadEntriesMin.map { "PLIMSOLL_SIM_CUT_AHEAD=\($0) " } ?? ""
        return
            "PLIMSOLL_SEED=\(seed) PLIMSOLL_SIM_STEPS=\(steps) \(cut)swift test --filter 'SimulationTests/settlementSurvivesASeededWorld'"
    }

    func kyc(lasting ms: TimestampMs) -> Party.KYCClaim {
        Party.KYCClaim(issuer: "registrar", expiresAtMs: clock.now + ms)
    }

    /// Submits a registrar action; an acknowledged one is recorded like any entry.
    @discardableResult
    mutating func registrar(_ action: RegistrarAction) async throws -> Outcome {
        let outcome = try await settlement.submitRegistrar(action)
        if case .settled(let receipt) = outcome { acknowledge(receipt) }
        return outcome
    }

    /// Records an acknowledged entry. Two acknowledgements of different entries at one leaf mean
    /// the first was lost after it was acknowledged (its block voided and the leaf reused).
    mutating func acknowledge(_ receipt: Receipt) {
        if let earlier = acknowledged[receipt.leafIndex], earlier.id != receipt.id {
            incidents.append("leaf \(receipt.leafIndex) was acknowledged for two entries: the first is lost")
        }
        acknowledged[receipt.leafIndex] = receipt
    }

    /// A new holder in a random country; a third of them with a KYC claim that lapses within
    /// twenty minutes (the clock's jumps pass it), unless `kycLasting` is given.
    mutating func addHolder(kycLasting: TimestampMs? = nil) async throws {
        let key = SigningKey.generate(using: &rng)
        let name = "Holder \(holders.count + strangers.count)"
        let country = try Country(pick(Self.countries, &rng))
        let lasting = kycLasting ?? (rng.next() % 3 == 0 ? 60_000 + rng.next() % 1_140_000 : 365 * 86_400_000)
        guard
            case .settled = try await registrar(
                .registerParty(
                    PartyRegistration(kind: .person, name: name, country: country, kycClaims: [kyc(lasting: lasting)]))
            )
        else { return }
        let party = PartyID(await settlement.state.counters.nextPartyID - 1)
        guard case .settled = try await registrar(.bindKey(key.publicKey, to: party)) else { return }
        holders.append(key)
        parties[key.publicKey] = party
    }

    func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T { items[Int(rng.next() % UInt64(items.count))] }

    /// One transfer, valid or broken in one of the ways a client can break it; the registry's
    /// own state (freezes, rules, screening, mortgages, KYC) refuses the rest.
    mutating func transfer() async -> Entry {
        let state = await settlement.state
        var asset = rng.next() % 3 == 0 ? Self.troubled : Self.assets[0]
        let from = pick(holders, &rng)
        var to = pick(holders, &rng)
        if to.publicKey == from.publicKey { to = holders.first { $0.publicKey != from.publicKey }! }
        let held = state.balance(asset, from.publicKey)
        var amount = held > 0 ? 1 + rng.next() % held : 1
        var nonce = (nonces[from.publicKey] ?? state.keys[from.publicKey]?.lastNonce ?? 0) + 1
        var expires = clock.now / 1000 + 600
        var signer = from
        var sender = from.publicKey
        var receiver = to.publicKey
        // Eight broken kinds in twenty draws: the rest are well-formed, for the registry's own
        // state (freezes, rules, screening, mortgages, KYC) to settle or refuse.
        switch rng.next() % 20 {
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
        case 7:
            // MALFORMED: no units, nonce 0, or to oneself.
            switch rng.next() % 3 {
            case 0: amount = 0
            case 1: nonce = 0
            default: receiver = sender
            }
        default: break
        }
        nonces[from.publicKey] = max(nonces[from.publicKey] ?? 0, nonce)
        let transfer = Transfer(
            chainID: state.chainID, asset: asset, from: sender, to: receiver, amount: amount, nonce: nonce,
            expiresAt: expires
        )
        return .transfer(SignedTransfer(transfer: transfer, signature: signer.sign(hash: transfer.message)))
    }

    /// One random step of the world. A crash that fell anywhere in it (or on `check()`'s
    /// readiness probe before it) is followed by a restart, as a supervisor restarts a killed
    /// process.
    public mutating func step() async throws {
        if store.isCrashed { try restart() }
        switch rng.next() % 26 {
        case 0..<13: try await transfers()
        case 13: try await addHolder()
        case 14: try await freezeOrUnfreeze()
        case 15:
            let hash = try Hash32(bytes: rng.bytes(32))
            try await registrar(
                .adoptList(
                    ListAdoption(
                        source: pick(["ofac", "un"], &rng), format: "sim", contentHash: hash,
                        entityCount: rng.next() % 1000)))
        case 16:
            let asset = pick(Self.assets, &rng)
            let unissued = await settlement.state.vessels[asset]?.unissued ?? 0
            if unissued > 0 {
                try await registrar(.issue(asset, to: pick(holders, &rng).publicKey, units: 1 + rng.next() % unissued))
            }
        case 17:
            store.failNextCommit()
            // Half the time the state cannot be read back after that failure either: settlement
            // stays stale (not ready, every batch failed) until a read succeeds.
            if rng.next() % 2 == 0 { store.failNextLoad() }
            // Now and then the process dies at the write after the failed one: the probe that
            // follows it (or whatever write comes next, when something else failed first).
            if rng.next() % 4 == 0 { store.crash(atWrite: 2, written: false) }
            ioErrors += 1
        case 18, 19:
            // A crash at one of the next few writes, whatever they turn out to be.
            store.crash(atWrite: 1 + Int(rng.next() % 6), written: rng.next() % 2 == 0)
        case 20: try await setRules()
        case 21: try await screen()
        case 22: try await vesselAction()
        case 23:
            // A KYC renewal: short or long, so some lapse again.
            let holder = pick(holders, &rng).publicKey
            var amendment = PartyAmendment(party: parties[holder]!)
            amendment.kycClaim = kyc(lasting: rng.next() % 2 == 0 ? 1_800_000 : 365 * 86_400_000)
            try await registrar(.amendParty(amendment))
        case 24: clock.rewind(rng.next() % 120_000)  // up to 2 minutes back
        default: clock.advance(rng.next() % 900_000)  // up to 15 minutes on: expiries pass
        }
        if store.isCrashed { try restart() }
    }

    /// A batch of transfers, queued together or in two batches through a held commit.
    mutating func transfers() async throws {
        var entries: [Entry] = []
        for _ in 0..<(1 + Int(rng.next() % 12)) { entries.append(await transfer()) }
        // Sometimes the same transfer twice in a batch.
        if rng.next() % 6 == 0, let first = entries.first { entries.append(first) }
        var outcomes: [Outcome]
        if entries.count >= 2, rng.next() % 3 == 0 {
            outcomes = try await pipelined(entries, failure: rng.next() % 3 == 0 ? PipelineFailure(&rng) : nil)
        } else {
            outcomes = try await settlement.submitAll(entries)
        }
        for outcome in outcomes {
            switch outcome {
            case .settled(let receipt):
                acknowledge(receipt)
                settledTransfers += 1
            case .rejected(_, let rejection):
                rejectedTransfers += 1
                refusals[rejection.code, default: 0] += 1
            case .failed: nonces = [:]  // Not kept: later nonces restart from the store's.
            }
        }
    }

    /// Freezes a key, a party or a vessel, everywhere or in one vessel, or lifts a freeze in force.
    mutating func freezeOrUnfreeze() async throws {
        if !frozen.isEmpty, rng.next() % 2 == 0 {
            let index = Int(rng.next() % UInt64(frozen.count))
            if case .settled = try await registrar(.unfreeze(frozen[index], reason: "sim")) { frozen.remove(at: index) }
            return
        }
        let holder = pick(holders, &rng).publicKey
        let asset = pick(Self.assets, &rng)
        let target: FreezeTarget =
            switch rng.next() % 4 {
            case 0: .key(holder, asset: nil)
            case 1: .key(holder, asset: asset)
            case 2: .party(parties[holder]!, asset: rng.next() % 2 == 0 ? nil : asset)
            default: .vessel(Self.troubled)
            }
        if case .settled = try await registrar(.freeze(target, reason: "sim")) { frozen.append(target) }
    }

    /// New compliance rules, or (two times in three) the defaults back: a holder limit, a minimum
    /// holding, excluded countries and KYC, each tight enough to refuse transfers now and then.
    mutating func setRules() async throws {
        guard rng.next() % 3 == 0 else {
            try await registrar(.setRules(.default))
            return
        }
        var excluded: [Country] = []
        for country in Self.countries.dropFirst() where rng.next() % 3 == 0 { excluded.append(try Country(country)) }
        let rules = ComplianceRules(
            maxHoldersPerVessel: UInt32(2 + rng.next() % 6), excludedCountries: excluded,
            minimumHolding: pick([20, 60], &rng), kycRequired: rng.next() % 4 != 0)
        try await registrar(.setRules(rules))
    }

    /// A screening decision on a holder's party or on the troubled vessel; half the time one in
    /// force is cleared instead.
    mutating func screen() async throws {
        let state = await settlement.state
        let flagged = parties.values.filter { state.parties[$0]?.screening != .clear }.sorted()
        if rng.next() % 2 == 0, state.vessels[Self.troubled]?.screening != .clear || !flagged.isEmpty {
            if state.vessels[Self.troubled]?.screening != .clear {
                try await registrar(.recordVesselScreening(Self.troubled, .clear, evidence: "sim cleared"))
            } else {
                try await registrar(.recordScreening(pick(flagged, &rng), .clear, evidence: "sim cleared"))
            }
            return
        }
        let status = pick([.clear, .review, .block] as [ScreeningStatus], &rng)
        if rng.next() % 3 != 0 {
            let party = parties[pick(holders, &rng).publicKey]!
            try await registrar(.recordScreening(party, status, evidence: "sim \(status.rawValue)"))
        } else {
            try await registrar(.recordVesselScreening(Self.troubled, status, evidence: "sim \(status.rawValue)"))
        }
    }

    /// Deregisters or reopens the troubled vessel, or registers or discharges a mortgage on a
    /// holder's units of either vessel.
    mutating func vesselAction() async throws {
        let asset = pick(Self.assets, &rng)
        let state = await settlement.state
        let vessels = state.vessels
        let record = vessels[asset]!
        // A closed vessel is mostly reopened soon, so both vessels trade most of the run.
        if vessels[Self.troubled]?.vessel.status == .deregistered, rng.next() % 4 != 0 {
            try await registrar(.reopenVessel(Self.troubled, reason: "sim"))
            return
        }
        switch rng.next() % 4 {
        case 0:
            try await registrar(
                vessels[Self.troubled]?.vessel.status == .deregistered
                    ? .reopenVessel(Self.troubled, reason: "sim") : .deregisterVessel(Self.troubled, reason: "sim"))
        case 1, 2:
            let holder = pick(holders, &rng).publicKey
            let held = state.balance(asset, holder)
            guard held > 1 else { return }
            try await registrar(
                .registerMortgage(
                    MortgageRegistration(
                        asset: asset, key: holder, units: 1 + rng.next() % (held / 2), mortgagee: Self.owner,
                        amount: "1000000", currency: "USD")))
        default:
            guard !record.mortgages.isEmpty else { return }
            try await registrar(.dischargeMortgage(asset, number: pick(record.mortgages, &rng).number))
        }
    }

    /// The process died at a write: a new settlement opens the store, as after a restart.
    /// A start that cannot read the state (a planned read error) is tried again, as a supervisor
    /// would.
    mutating func restart() throws {
        crashes += 1
        store.restart()
        let clock = self.clock
        var attempts = 0
        while true {
            attempts += 1
            do {
                settlement = try Settlement(store: store, registrarKey: registrar, config: config, clock: { clock.now })
                break
            } catch {
                if attempts == 3 { throw error }
            }
        }
        nonces = [:]
    }
}
