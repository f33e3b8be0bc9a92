import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// The version 2 state commitment: the incremental tree equals its definition computed from
/// scratch, every record proves against the root, absent records prove absent, and any change to
/// a proof or a value fails.
struct StateTreeTests {
    /// DESIGN of the tree, written out directly: the hash of a set of (key, value hash) pairs.
    static func reference(_ set: [(Hash32, Hash32)], depth: Int = 0) -> Hash32 {
        if set.isEmpty { return .zero }
        if set.count == 1 { return Hashing.tagged(Tags.stateLeaf, set[0].0.bytes + set[0].1.bytes) }
        let left = set.filter { !$0.0.bit(depth) }
        let right = set.filter { $0.0.bit(depth) }
        return Hashing.tagged(
            Tags.stateNode, reference(left, depth: depth + 1).bytes + reference(right, depth: depth + 1).bytes)
    }

    static func randomHash(_ rng: inout SplitMix64) -> Hash32 { try! Hash32(bytes: rng.bytes(32)) }

    /// An existing key (one time in `existingOneIn`), else one that shares the first key's bits up
    /// to byte `nearByte` (one time in `nearOneIn`: a long shared prefix, a deep split), else a
    /// random one.
    static func pickKey(
        _ existing: [Hash32], existingOneIn: UInt64, nearOneIn: UInt64, nearByte: Int, _ rng: inout SplitMix64
    ) -> Hash32 {
        if !existing.isEmpty && rng.next() % existingOneIn == 0 {
            return existing[Int(rng.next() % UInt64(existing.count))]
        }
        if let near = existing.first, rng.next() % nearOneIn == 0 {
            var bytes = near.bytes
            bytes[nearByte] ^= UInt8(1 + rng.next() % 255)
            return try! Hash32(bytes: bytes)
        }
        return randomHash(&rng)
    }

    @Test(arguments: SplitMix64.seeds([1, 2, 0xFEED]))
    func incrementalUpdatesEqualTheDefinition(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var tree = StateTree()
        var model: [Hash32: Hash32] = [:]
        #expect(tree.root == .zero)
        for round in 0..<40 {
            var changes: [(key: Hash32, valueHash: Hash32?)] = []
            var touched = Set<Hash32>()
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                // Update or delete an existing key, or add a new one (sometimes sharing a long prefix).
                let key = Self.pickKey(model.keys.sorted(), existingOneIn: 2, nearOneIn: 5, nearByte: 31, &rng)
                guard touched.insert(key).inserted else { continue }
                let value: Hash32? = rng.next() % 4 == 0 ? nil : Self.randomHash(&rng)
                changes.append((key, value))
                model[key] = value
            }
            let before = tree
            tree = tree.updating(changes)
            #expect(tree.root == Self.reference(model.map { ($0.key, $0.value) }), "seed \(seed), round \(round)")
            #expect(
                before.root != tree.root || changes.allSatisfy { $0.valueHash == nil },
                "seed \(seed): the old tree is untouched and differs")
        }
        #expect(model.count > 100, "seed \(seed): a tree of some size (\(model.count))")
        // Every member proves its value; tampering fails.
        for (key, valueHash) in model.prefix(60) {
            let proof = tree.proof(for: key)
            #expect(proof.terminal == .found)
            #expect(
                StateTree.leafHash(key: key, valueHash: valueHash)
                    == Self.leafFromProof(proof, tree: tree, key: key, valueHash: valueHash))
            if var siblings = Optional(proof.siblings), !siblings.isEmpty {
                siblings[0] = Self.randomHash(&rng)
                let bad = StateProof(key: key, siblings: siblings, terminal: .found)
                #expect(Self.rootFromLeaf(bad, StateTree.leafHash(key: key, valueHash: valueHash)) != tree.root)
            }
        }
        // Absent keys prove absent, and cannot be proved present.
        for _ in 0..<60 {
            let key = Self.randomHash(&rng)
            guard model[key] == nil else { continue }
            let proof = tree.proof(for: key)
            #expect(proof.terminal != .found)
            #expect(proof.root(value: nil) == tree.root, "seed \(seed): absence proves")
            #expect(proof.root(value: [1, 2, 3]) != tree.root)
        }
    }

    /// Updates change unshared branches in place and copy shared ones: a copy kept before any
    /// number of later updates keeps its root and proves its own values, while the live tree
    /// follows its changes (each checked against the definition).
    @Test(arguments: SplitMix64.seeds([7, 0xC0FFEE]))
    func inPlaceUpdatesLeaveKeptCopiesWhole(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var tree = StateTree()
        var model: [Hash32: Hash32] = [:]
        var kept: [(tree: StateTree, model: [Hash32: Hash32])] = []
        for round in 0..<60 {
            if rng.next() % 3 == 0 { kept.append((tree, model)) }
            var changes: [(key: Hash32, valueHash: Hash32?)] = []
            var touched = Set<Hash32>()
            let existing = model.keys.sorted()
            for _ in 0..<(1 + Int(rng.next() % 30)) {
                let key =
                    !existing.isEmpty && rng.next() % 2 == 0
                    ? existing[Int(rng.next() % UInt64(existing.count))] : Self.randomHash(&rng)
                guard touched.insert(key).inserted else { continue }
                let value: Hash32? = rng.next() % 5 == 0 ? nil : Self.randomHash(&rng)
                changes.append((key, value))
                model[key] = value
            }
            tree.update(changes)
            #expect(tree.root == Self.reference(model.map { ($0.key, $0.value) }), "seed \(seed), round \(round)")
        }
        #expect(kept.count > 5, "seed \(seed): copies were kept along the way")
        for (index, copy) in kept.enumerated() {
            #expect(
                copy.tree.root == Self.reference(copy.model.map { ($0.key, $0.value) }),
                "seed \(seed): kept copy \(index) is whole")
            for (key, valueHash) in copy.model {
                let proof = copy.tree.proof(for: key)
                #expect(Self.leafFromProof(proof, tree: copy.tree, key: key, valueHash: valueHash) != nil)
            }
        }
    }

    /// Updates of thousands of keys go in runs, each warmed first: the same root as the definition
    /// and as the same changes made one key at a time, deletions and near keys included, and a
    /// copy kept before a large update keeps its root.
    @Test(arguments: SplitMix64.seeds([11, 0xBEEF]))
    func largeUpdatesInRunsEqualTheDefinition(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var tree = StateTree()
        var oneByOne = StateTree()
        var model: [Hash32: Hash32] = [:]
        for round in 0..<4 {
            let kept = (tree: tree, root: Self.reference(model.map { ($0.key, $0.value) }))
            var changes: [(key: Hash32, valueHash: Hash32?)] = []
            var touched = Set<Hash32>()
            let existing = model.keys.sorted()
            // More keys than several runs hold, and at the end one run and a single key more.
            let wanted = round == 3 ? 257 : 1_500 + Int(rng.next() % 1_000)
            while changes.count < wanted {
                let key = Self.pickKey(existing, existingOneIn: 3, nearOneIn: 7, nearByte: 30, &rng)
                guard touched.insert(key).inserted else { continue }
                let value: Hash32? = rng.next() % 4 == 0 ? nil : Self.randomHash(&rng)
                changes.append((key, value))
                model[key] = value
            }
            tree.update(changes)
            for change in changes { oneByOne.update([change]) }
            let expected = Self.reference(model.map { ($0.key, $0.value) })
            #expect(tree.root == expected, "seed \(seed), round \(round)")
            #expect(oneByOne.root == expected, "seed \(seed), round \(round): one key at a time")
            #expect(kept.tree.root == kept.root, "seed \(seed), round \(round): the copy kept before")
        }
        #expect(model.count > 2_000, "seed \(seed): a tree of some size (\(model.count))")
        for (key, valueHash) in model.prefix(200) {
            #expect(Self.leafFromProof(tree.proof(for: key), tree: tree, key: key, valueHash: valueHash) != nil)
        }
    }

    static func rootFromLeaf(_ proof: StateProof, _ leaf: Hash32) -> Hash32 {
        var current = leaf
        for depth in stride(from: proof.siblings.count - 1, through: 0, by: -1) {
            let sibling = proof.siblings[depth]
            current = Hashing.tagged(
                Tags.stateNode, proof.key.bit(depth) ? sibling.bytes + current.bytes : current.bytes + sibling.bytes)
        }
        return current
    }

    /// The leaf hash under which the proof reaches the root (checked by folding).
    static func leafFromProof(_ proof: StateProof, tree: StateTree, key: Hash32, valueHash: Hash32) -> Hash32? {
        let leaf = StateTree.leafHash(key: key, valueHash: valueHash)
        return rootFromLeaf(proof, leaf) == tree.root ? leaf : nil
    }

    /// A ledger under a random workload: the commitment kept up to date block by block from the
    /// dirty records equals the one built from the whole state, and every holding proves.
    @Test(arguments: SplitMix64.seeds([3, 0xABCD]))
    func theCommitmentFollowsTheLedgerRecordByRecord(seed: UInt64) throws {
        var fixture = LedgerFixture(seed: seed)
        var commitment = StateCommitment(state: fixture.state)
        let owner = fixture.party("Owner AS", kind: .organization)
        var holders = (0..<6).map { fixture.holder("Holder \($0)") }
        fixture.vessel(IMOs.a, units: 600, owner: owner, issue: holders.map { ($0.key, 100) })
        commitment = commitment.updated(with: fixture.ledger.dirty, state: fixture.state)
        fixture.ledger.clearDirty()
        #expect(commitment == StateCommitment(state: fixture.state))
        var rng = SplitMix64(seed: seed)
        var nonces = [UInt64](repeating: 0, count: holders.count)
        for block in 0..<30 {
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let from = Int(rng.next() % 6)
                let to = (Int(rng.next() % 5) + 1 + from) % 6
                let held = fixture.state.balance(IMOs.a, holders[from].key.publicKey)
                nonces[from] += 1
                _ = try? fixture.apply(
                    fixture.transfer(
                        holders[from].key, to: holders[to].key.publicKey, IMOs.a, amount: 1 + rng.next() % max(1, held),
                        nonce: nonces[from]))
            }
            if block % 7 == 3 { holders.append(fixture.holder("Late \(block)")) }
            commitment = commitment.updated(with: fixture.ledger.dirty, state: fixture.state)
            fixture.ledger.clearDirty()
            #expect(commitment.root == StateCommitment(state: fixture.state).root, "seed \(seed), block \(block)")
        }
        for holder in holders {
            let (value, proof) = commitment.proof(.holding(IMOs.a, holder.key.publicKey), in: fixture.state)
            #expect(proof.root(value: value) == commitment.root, "seed \(seed): a holding proves, held or not")
            let units = fixture.state.balance(IMOs.a, holder.key.publicKey)
            #expect((value == nil) == (units == 0))
            if let value {
                var forged = value
                forged[forged.count - 1] ^= 1
                #expect(proof.root(value: forged) != commitment.root, "another unit count does not prove")
            }
        }
    }
}
