import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

/// How a pipelined step's held commit goes wrong: an I/O error at it, or a crash at it or at the
/// write after it (the commit of a block stacked on it), landed or not.
enum PipelineFailure {
    case ioError
    case crash(atWrite: Int, landed: Bool)

    init(_ rng: inout SplitMix64) {
        self = rng.next() % 3 == 0 ? .ioError : .crash(atWrite: 1 + Int(rng.next() % 2), landed: rng.next() % 2 == 0)
    }

    /// Whether the held commit itself fails, which voids every block applied on top of it.
    var failsTheHeldCommit: Bool {
        switch self {
        case .ioError: true
        case .crash(let write, _): write == 1
        }
    }
}

extension SettlementSimulation {
    /// Two batches in the pipeline at once, deterministically: the first block's commit is held
    /// at the store's gate while the second batch is verified and applied on top of it (when
    /// settlement cuts a batch that small ahead of a commit, `config`); a holding proof asked
    /// meanwhile is answered only against a durable header. Then the held commit lands, or fails
    /// (`failure`: an I/O error or a crash) and takes with it every batch applied on top of it
    /// (none of which may be acknowledged), or lands and the process crashes at the next write; a
    /// second batch that waited for the commit is applied after it, on what is durable.
    mutating func pipelined(_ entries: [Entry], failure: PipelineFailure?) async throws -> [Outcome] {
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
        // Each proof with the write (counted from the release) of the block it waits for.
        var proofs: [(Task<HoldingProof?, Never>, String, write: Int)] = []
        if held { proofs.append((await askProof(&spins), "while a block commits", 1)) }
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
            proofs.append((await askProof(&spins), "over two undurable blocks", 2))
        }
        let voids = held && failure?.failsTheHeldCommit == true
        if held, let failure {
            switch failure {
            case .ioError:
                store.failNextCommit()
                ioErrors += 1
            case .crash(let write, let landed): store.crash(atWrite: write, written: landed)
            }
        }
        if stacked, voids { voidedBlocks += 1 }
        let released = store.writeCount
        if held { store.releaseHeldCommit() }
        let (early, late) = (try await firstOutcomes.value, try await secondOutcomes.value)
        let outcomes = early + late
        let builtOnTheFailure = stacked ? outcomes : early
        if voids, builtOnTheFailure.contains(where: { if case .settled = $0 { true } else { false } }) {
            incidents.append("an entry built on a block that failed to commit was acknowledged")
        }
        for (proof, when, write) in proofs {
            await expectDurableProof(await proof.value, when, blockWrite: released + write)
        }
        return outcomes
    }

    /// Asks a holding proof of a random holder while a commit is held, and waits (bounded) until
    /// it waits for that commit, so the waiting path is what the step exercises.
    private mutating func askProof(_ spins: inout Int) async -> Task<HoldingProof?, Never> {
        let (settlement, holder, asset) = (settlement, pick(holders, &rng).publicKey, pick(Self.assets, &rng))
        let waiting = await settlement.proofsWaiting
        let task = Task { await settlement.holdingProof(asset: asset, key: holder) }
        while await settlement.proofsWaiting <= waiting {
            guard await until(&spins) else { break }
        }
        return task
    }

    /// A holding proof asked while blocks were applied but not durable must be answered against
    /// a header the store holds (what a crash cannot take back), verify against it, and name the
    /// units the key held after that block.
    private mutating func expectDurableProof(_ proof: HoldingProof?, _ when: String, blockWrite: Int) async {
        guard let proof else {
            // Only when the write of the block the proof waited for failed and the process has
            // crashed since: then the state cannot be read back. After an I/O error alone the
            // proof reads the state back itself, and a block that landed answers its proofs.
            if store.writeFailed(blockWrite), store.isCrashed { return }
            incidents.append("no holding proof \(when), and the state could be read back")
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
        if index == store.blocks.count - 1, proof.units != store.state.balance(proof.asset, proof.key) {
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
}
