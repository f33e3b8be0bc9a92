import PlimsollCore
import PlimsollCrypto
import PlimsollTesting
import Testing

/// A block's changed balances reach the stores in `BalanceKey` order: `StateChanges` sorts them on
/// `BalanceKey.orderWords` (indices, not whole addresses), which must come out in exactly that order.
@Suite struct StateChangesOrderTests {
    @Test(arguments: SplitMix64.seeds([3, 17, 0xBA1A_1CE5]))
    func balancesComeInBalanceKeyOrder(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let registrar = SigningKey.generate(using: &rng)
        let genesis = try Genesis(
            name: "Order", registrarKey: registrar.publicKey, createdAtMs: 1_700_000_000_000,
            maxValiditySeconds: 86_400)
        let state = LedgerState(genesis: genesis)
        let assets = try ["IMO9176187", "IMO8660313", "IMO9074729", "IMO9321483"].map { try AssetID($0) }
        let keys = (0..<300).map { _ in SigningKey.generate(using: &rng).publicKey }
        var dirty = DirtySet()
        for leaf in 0..<600 {
            let address = BalanceKey(
                asset: assets[Int(rng.next() % UInt64(assets.count))], key: keys[Int(rng.next() % UInt64(keys.count))])
            dirty.balances[address] = UInt64(leaf)
            dirty.balancesBefore[address] = rng.next() % 3
        }
        let changes = StateChanges(dirty: dirty, state: state)
        #expect(changes.balances.map(\.address) == dirty.balances.keys.sorted())
        for change in changes.balances {
            #expect(change.leafIndex == dirty.balances[change.address])
            #expect(change.heldBefore == (dirty.balancesBefore[change.address]! > 0))
        }
    }
}
