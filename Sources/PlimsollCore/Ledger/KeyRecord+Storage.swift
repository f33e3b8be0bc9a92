/// A compact binary form of a key record for the store: written for every key a block touches,
/// so it must be cheap (JSON was most of the commit time).
extension KeyRecord {
    public var storageBytes: [UInt8] {
        var w = ByteWriter(capacity: 32)
        w.party(party)
        w.u64(lastNonce)
        w.bool(frozen)
        w.list(frozenAssets) { $0.asset($1) }
        w.list(frozenUnits) { w, item in
            w.asset(item.asset)
            w.u64(item.units)
        }
        return w.bytes
    }

    public init(key: KeyRef, storageBytes: [UInt8]) throws(CoreError) {
        var r = ByteReader(storageBytes)
        self.init(key: key, party: try r.party())
        lastNonce = try r.u64()
        frozen = try r.bool()
        frozenAssets = try r.list(max: Int(UInt16.max)) { r throws(CoreError) in try r.asset() }
        frozenUnits = try r.list(max: Int(UInt16.max)) { r throws(CoreError) in
            FrozenUnits(asset: try r.asset(), units: try r.u64())
        }
        try r.expectEnd()
    }
}
