/// The records one block changed, with their values after it: what a store writes for the
/// block, taken out of the state in O(changed records).
///
/// A store is handed these values rather than the whole state, so settlement can go on changing
/// its state in place (applying the next block while this one commits) without the store holding
/// a reference that would make the next mutation copy every dictionary of the registry.
public struct StateChanges: Sendable {
    /// The registry record (counters, rules, lists in force), when it changed.
    public var counters: RegistryCounters?
    public var parties: [PartyRecord] = []
    public var keys: [KeyRecord] = []
    public var vessels: [VesselRecord] = []
    public var links: [OwnershipLink] = []
    /// Each changed balance: the units after the block (0: the holding is gone) and the leaf
    /// index of the last entry that changed it.
    public var balances: [Balance] = []
    /// (vessel, leaf index) of registrar entries about a vessel, for its history.
    public var vesselEvents: [(AssetID, UInt64)] = []
    /// (party, leaf index) of registrar entries about a party, for its history.
    public var partyEvents: [(PartyID, UInt64)] = []

    public struct Balance: Sendable, Equatable {
        public let address: BalanceKey
        public let units: UInt64
        public let leafIndex: UInt64
        /// Whether the key held units of the vessel before the block: when it did, the store
        /// already lists it among the vessel's holders and need not write that again.
        public let heldBefore: Bool
    }

    public init() {}

    /// The values of every record `dirty` names, as they stand in `state` (the state after the
    /// block), balances in (asset, key) order.
    /// - Precondition: every party, key, vessel and link `dirty` names exists in `state` (records
    ///   are never deleted, only balances drop to zero).
    public init(dirty: DirtySet, state: LedgerState) {
        counters = dirty.counters ? state.counters : nil
        parties = dirty.parties.sorted().map { state.parties[$0]! }
        keys = dirty.keys.sorted().map { state.keys[$0]! }
        vessels = dirty.vessels.sorted().map { state.vessels[$0]! }
        links = dirty.links.sorted().map { state.links[$0]! }
        // Sorted on `BalanceKey.orderWords`: sorting the (address, leaf) pairs themselves moved
        // 128-byte elements holding a string reference, a few percent of all settlement time.
        let changed = Array(dirty.balances)
        var order = changed.indices.map { (words: changed[$0].key.orderWords, at: $0) }
        order.sort { $0.words < $1.words }
        balances = order.map { slot in
            let (address, leafIndex) = changed[slot.at]
            return Balance(
                address: address, units: state.balance(address.asset, address.key), leafIndex: leafIndex,
                heldBefore: (dirty.balancesBefore[address] ?? 0) > 0)
        }
        vesselEvents = dirty.vesselEvents
        partyEvents = dirty.partyEvents
    }
}

extension LedgerState {
    /// Writes a block's changes into a stored copy of the state (a store's own, in memory); the
    /// caller vouches that `changes` came from a block that extends this state, as for
    /// `init(genesis:counters:...)`.
    public mutating func apply(_ changes: StateChanges) {
        if let counters = changes.counters { self.counters = counters }
        setParties(changes.parties)
        for record in changes.keys { keys[record.key] = record }
        for record in changes.vessels { vessels[record.vessel.asset] = record }
        for link in changes.links { setLink(link) }
        for change in changes.balances { setBalance(change.units, change.address.asset, change.address.key) }
    }

    /// Sets one balance (0 removes it) and keeps `heldUnits` in step: the one place both the
    /// ledger's moves and a store's copy of the state change a balance.
    mutating func setBalance(_ units: UInt64, _ asset: AssetID, _ key: KeyRef) {
        heldUnits[asset, default: 0] -= balance(asset, key)
        heldUnits[asset, default: 0] += units
        if units == 0 {
            balances[asset]?[key] = nil
        } else {
            balances[asset, default: [:]][key] = units
        }
    }
}
