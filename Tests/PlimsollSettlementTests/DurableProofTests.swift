import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore
import PlimsollTesting
import Testing

/// Settlement keeps one state tree and changes it in place, so a holding proof asked while a
/// block commits is taken from that block and answered only once it is durable; when the block
/// is voided, the proof is taken again from the state read back. Either way the answer proves
/// against a header the store holds.
struct DurableProofTests {
    static let timeMs: TimestampMs = 1_800_000_000_000

    struct World {
        let store: MemoryStore
        let settlement: Settlement
        let registrar: SigningKey
        let alice: SigningKey
        let bob: SigningKey
    }

    static func world(seed: UInt64) async throws -> World {
        var rng = SplitMix64(seed: seed)
        let registrar = SigningKey.generate(using: &rng)
        let genesis = try Genesis(name: "Proofs", registrarKey: registrar.publicKey, createdAtMs: timeMs)
        let store = MemoryStore(genesis: genesis, sequencerKey: registrar)
        let settlement = try Settlement(store: store, registrarKey: registrar, clock: { timeMs + 1_000 })
        let (alice, bob) = (SigningKey.generate(using: &rng), SigningKey.generate(using: &rng))
        _ = try await RegistrySeed.seed(
            settlement, holders: [("Alice", alice), ("Bob", bob)], vessels: [(IMOs.a, 1_000)],
            issues: [.init(vessel: IMOs.a, holder: 0, units: 600)], kycUntilMs: timeMs + 86_400_000)
        return World(store: store, settlement: settlement, registrar: registrar, alice: alice, bob: bob)
    }

    static func send(_ world: World, amount: UInt64, nonce: UInt64) -> Entry {
        .transfer(
            Transfer(
                chainID: world.store.genesis.chainID, asset: IMOs.a, from: world.alice.publicKey,
                to: world.bob.publicKey, amount: amount, nonce: nonce, expiresAt: timeMs / 1000 + 3_600
            ).signed(by: world.alice))
    }

    /// Waits (bounded) until the store holds a commit at its gate.
    static func untilHeld(_ store: MemoryStore) async throws {
        var spins = 0
        while !store.holdsACommit, spins < 10_000 {
            spins += 1
            await Task.yield()
        }
        try #require(store.holdsACommit, "the transfer's block reaches the store's gate")
    }

    /// Waits (bounded) until `count` holding proofs wait for the held block.
    static func untilWaiting(_ count: Int, _ settlement: Settlement) async throws {
        var spins = 0
        while await settlement.proofsWaiting < count, spins < 10_000 {
            spins += 1
            await Task.yield()
        }
        #expect(await settlement.proofsWaiting == count, "the proofs wait for the block being committed")
    }

    /// Checks a proof against the store: its header is durable, it verifies, and it names `units`.
    static func expect(_ proof: HoldingProof?, _ world: World, units: UInt64) throws {
        let proof = try #require(proof)
        let head = proof.header.header
        #expect(world.store.blocks.contains { $0.header.header.hash == head.hash }, "a durable header")
        try proof.verify(signer: world.registrar.publicKey, chainID: world.store.genesis.chainID)
        #expect(proof.units == units)
    }

    @Test func aProofAskedWhileItsBlockCommitsIsAnsweredOnceTheBlockIsDurable() async throws {
        let world = try await Self.world(seed: 3)
        world.store.holdNextCommit()
        let settled = Task { try await world.settlement.submit(Self.send(world, amount: 100, nonce: 1)) }
        try await Self.untilHeld(world.store)
        #expect(await world.settlement.undurableBlocks == 1)
        let settlement = world.settlement
        let bob = world.bob.publicKey
        let proof = Task { await settlement.holdingProof(asset: IMOs.a, key: bob) }
        try await Self.untilWaiting(1, settlement)
        world.store.releaseHeldCommit()
        guard case .settled(let receipt) = try await settled.value else {
            Issue.record("the transfer settles")
            return
        }
        let answered = try #require(await proof.value)
        try Self.expect(answered, world, units: 100)
        #expect(answered.header.header.height == receipt.height, "the block it waited for")
        #expect(await world.settlement.holdingProof(asset: IMOs.a, key: bob) == answered, "idle: at once, the same")
    }

    /// A client that goes away while its proof waits takes its waiter with it.
    @Test func aCancelledProofStopsWaiting() async throws {
        let world = try await Self.world(seed: 5)
        world.store.holdNextCommit()
        let settled = Task { try await world.settlement.submit(Self.send(world, amount: 10, nonce: 1)) }
        try await Self.untilHeld(world.store)
        let settlement = world.settlement
        let bob = world.bob.publicKey
        let proof = Task { await settlement.holdingProof(asset: IMOs.a, key: bob) }
        try await Self.untilWaiting(1, settlement)
        proof.cancel()
        #expect(await proof.value == nil, "a cancelled proof answers nothing")
        #expect(await settlement.proofsWaiting == 0, "and leaves no waiter behind")
        world.store.releaseHeldCommit()
        guard case .settled = try await settled.value else {
            Issue.record("the transfer settles")
            return
        }
    }

    /// Holds a transfer's block at the store's gate, asks a proof for each of `keys` meanwhile,
    /// then fails that block's commit (and the read back after it, when `readBackFails`); the
    /// proofs' answers.
    static func proofsThroughAVoidedBlock(
        _ world: World, keys: [KeyRef], readBackFails: Bool = false
    ) async throws -> [HoldingProof?] {
        world.store.holdNextCommit()
        let settled = Task { try await world.settlement.submit(Self.send(world, amount: 250, nonce: 1)) }
        try await Self.untilHeld(world.store)
        let settlement = world.settlement
        let proofs = keys.map { key in Task { await settlement.holdingProof(asset: IMOs.a, key: key) } }
        try await Self.untilWaiting(keys.count, settlement)
        world.store.failNextCommit()
        if readBackFails { world.store.failNextLoad() }
        world.store.releaseHeldCommit()
        guard case .failed = try await settled.value else {
            Issue.record("the block's commit failed, so the transfer fails")
            return []
        }
        var answers: [HoldingProof?] = []
        for proof in proofs { answers.append(await proof.value) }
        return answers
    }

    @Test func aProofWhoseBlockIsVoidedIsTakenAgainFromTheDurableState() async throws {
        let world = try await Self.world(seed: 4)
        let durableHeight = world.store.blocks.count - 1
        let settlement = world.settlement
        let answers = try await Self.proofsThroughAVoidedBlock(
            world, keys: [world.alice.publicKey, world.bob.publicKey])
        try #require(answers.count == 2)
        let (forAlice, forBob) = (answers[0], answers[1])
        try Self.expect(forAlice, world, units: 600)
        try Self.expect(forBob, world, units: 0)
        #expect(await settlement.proofsWaiting == 0)
        #expect(forAlice?.header.header.height == UInt64(durableHeight), "the durable head, not the voided block")
    }

    /// The read back after the failed commit fails once too (a transient read error): the proof
    /// that waited for the voided block reads the state again itself and is answered from it,
    /// instead of answering nothing while commits already succeed again.
    @Test func aProofWaitsOutAReadBackThatFailsOnce() async throws {
        let world = try await Self.world(seed: 6)
        let durableHeight = world.store.blocks.count - 1
        let answers = try await Self.proofsThroughAVoidedBlock(world, keys: [world.bob.publicKey], readBackFails: true)
        let answered = try #require(answers.first)
        #expect(world.store.failedLoads == 1, "the read back after the failed commit failed")
        try Self.expect(answered, world, units: 0)
        #expect(answered?.header.header.height == UInt64(durableHeight), "the durable head, not the voided block")
    }
}
