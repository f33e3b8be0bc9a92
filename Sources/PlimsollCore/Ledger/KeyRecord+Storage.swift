/// A compact binary form of a key record for the store: written for every key a block touches,
/// so it must be cheap (JSON was most of the commit time). It is the state commitment's record
/// for the key without the key in front (`KeyRecord.recordBytes`).
extension KeyRecord {
    public var storageBytes: [UInt8] {
        var w = ByteWriter(capacity: 32)
        writeStorage(to: &w)
        return w.bytes
    }

    public init(key: KeyRef, storageBytes: [UInt8]) throws(CoreError) {
        var r = ByteReader(storageBytes)
        try self.init(key: key, reading: &r)
        try r.expectEnd()
    }

    /// `party u64 || last_nonce u64 || frozen u8 || list<asset> frozen_assets ||
    /// list<asset || u64 units> frozen_units`.
    func writeStorage(to w: inout ByteWriter) {
        w.party(party)
        w.u64(lastNonce)
        w.bool(frozen)
        w.list(frozenAssets) { $0.asset($1) }
        w.list(frozenUnits) { w, item in
            w.asset(item.asset)
            w.u64(item.units)
        }
    }

    init(key: KeyRef, reading r: inout ByteReader) throws(CoreError) {
        self.init(key: key, party: try r.party())
        lastNonce = try r.u64()
        frozen = try r.bool()
        frozenAssets = try r.list(max: Int(UInt16.max)) { r throws(CoreError) in try r.asset() }
        frozenUnits = try r.list(max: Int(UInt16.max)) { r throws(CoreError) in
            FrozenUnits(asset: try r.asset(), units: try r.u64())
        }
    }
}
