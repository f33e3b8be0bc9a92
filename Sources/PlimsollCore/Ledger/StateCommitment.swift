public import PlimsollCrypto

/// One record of the state, as the version 2 state commitment names it.
public enum StateRecord: Hashable, Sendable {
    /// Genesis, counters, compliance rules and the list versions in force.
    case registry
    case party(PartyID)
    /// A key's party, last nonce and freezes.
    case key(KeyRef)
    case vessel(AssetID)
    case link(LinkID)
    /// The units a key holds of a vessel (absent when zero).
    case holding(AssetID, KeyRef)

    /// The record's key in the tree: `TaggedHash("plimsoll/state-key/v2", kind || id)`.
    public var treeKey: Hash32 {
        var w = ByteWriter(capacity: 64)
        switch self {
        case .registry: w.u8(0x01)
        case .party(let id):
            w.u8(0x02)
            w.party(id)
        case .key(let key):
            w.u8(0x03)
            w.key(key)
        case .vessel(let asset):
            w.u8(0x04)
            w.asset(asset)
        case .link(let id):
            w.u8(0x05)
            w.u64(id.raw)
        case .holding(let asset, let key):
            w.u8(0x06)
            w.asset(asset)
            w.key(key)
        }
        return Hashing.tagged(Tags.stateKey, w.bytes)
    }
}

extension LedgerState {
    /// A record's canonical bytes (Docs/log-format.md), or nil when it does not exist.
    public func recordBytes(_ record: StateRecord) -> [UInt8]? {
        var w = ByteWriter(capacity: 256)
        switch record {
        case .registry: writeRegistryRecord(to: &w)
        case .party(let id):
            guard parties[id] != nil else { return nil }
            writePartyRecord(id, to: &w)
        case .key(let key):
            guard keys[key] != nil else { return nil }
            writeKeyRecord(key, to: &w)
        case .vessel(let asset):
            guard vessels[asset] != nil else { return nil }
            writeVesselRecord(asset, to: &w)
        case .link(let id):
            guard links[id] != nil else { return nil }
            writeLinkRecord(id, to: &w)
        case .holding(let asset, let key):
            let units = balance(asset, key)
            guard units > 0 else { return nil }
            w.asset(asset)
            w.key(key)
            w.u64(units)
        }
        return w.bytes
    }

    /// Every record that exists.
    public var allRecords: [StateRecord] {
        var records: [StateRecord] = [.registry]
        records += parties.keys.map(StateRecord.party)
        records += keys.keys.map(StateRecord.key)
        records += vessels.keys.map(StateRecord.vessel)
        records += links.keys.map(StateRecord.link)
        for (asset, holders) in balances { records += holders.keys.map { .holding(asset, $0) } }
        return records
    }
}

/// The version 2 state commitment: a `StateTree` over every record of the state, updated per
/// changed record (O(changed records x log n) per block, not a pass over the whole state) and
/// proving one record (a holding, a key's nonce and freezes, a party, a vessel) against a signed
/// header's `state_digest`.
public struct StateCommitment: Sendable, Equatable {
    public private(set) var tree: StateTree

    /// Builds the commitment of a whole state (at start-up, and for a version 1 tip).
    public init(state: LedgerState) {
        tree = StateTree()
        tree.update(state.allRecords.map { ($0.treeKey, Self.valueHash($0, state)) })
    }

    public var root: Hash32 { tree.root }

    /// The commitment after a block that changed `dirty`, `state` being the state after it;
    /// this one is left as it was.
    public func updated(with dirty: DirtySet, state: LedgerState) -> StateCommitment {
        var next = self
        next.update(with: dirty, state: state)
        return next
    }

    /// Moves the commitment past a block that changed `dirty`, `state` being the state after
    /// it: in place where no other copy shares the tree (`StateTree`), which is what keeps a
    /// block's cost from growing with the registry.
    public mutating func update(with dirty: DirtySet, state: LedgerState) {
        var records: [StateRecord] = []
        if dirty.counters { records.append(.registry) }
        records += dirty.parties.map(StateRecord.party)
        records += dirty.keys.map(StateRecord.key)
        records += dirty.vessels.map(StateRecord.vessel)
        records += dirty.links.map(StateRecord.link)
        records += dirty.balances.keys.map { .holding($0.asset, $0.key) }
        tree.update(records.map { ($0.treeKey, Self.valueHash($0, state)) })
    }

    /// A record's bytes (nil: absent) and the proof that the root holds exactly that.
    public func proof(_ record: StateRecord, in state: LedgerState) -> (value: [UInt8]?, proof: StateProof) {
        (state.recordBytes(record), tree.proof(for: record.treeKey))
    }

    static func valueHash(_ record: StateRecord, _ state: LedgerState) -> Hash32? {
        state.recordBytes(record).map { Hashing.sha256($0) }
    }
}
