public import PlimsollCrypto

/// Log entry bytes: `0x00 || genesis`, `kind || seq u64 || body || sig 64` for registrar entries,
/// `0x10 || payload || sig` for transfers. Docs/log-format.md writes every body out field by field.
extension Entry {
    public var bytes: [UInt8] {
        switch self {
        case .genesis(let genesis):
            return [Self.genesisKind] + genesis.canonicalBytes
        case .registrar(let entry):
            var writer = ByteWriter(capacity: 160)
            writer.u8(entry.action.kind)
            writer.u64(entry.sequence)
            entry.action.encodeBody(to: &writer)
            writer.raw(entry.signature.bytes)
            return writer.bytes
        case .transfer(let signed):
            return signed.entryBytes
        }
    }

    /// Parses entry bytes, refusing unknown kinds, bad fields and trailing bytes.
    /// `keys`, when given, parses each distinct key once across many entries (a log replay).
    /// - Throws: `CoreError` (`MALFORMED`, `BAD_IMO`, ...), naming the offset that broke.
    public init(bytes: [UInt8], keys: XOnlyKeyCache? = nil) throws(CoreError) {
        var reader = ByteReader(bytes, keys: keys)
        let kind = try reader.u8()
        switch kind {
        case Self.genesisKind:
            self = .genesis(try Genesis(canonicalBytes: Array(bytes.dropFirst())))
            return
        case SignedTransfer.entryKind:
            self = .transfer(try SignedTransfer(reading: &reader, entryBytes: bytes))
        default:
            let sequence = try reader.u64()
            let action = try RegistrarAction(kind: kind, reading: &reader)
            let signature = SchnorrSignature(checkedBytes: try reader.raw(64))
            self = .registrar(RegistrarEntry(sequence: sequence, action: action, signature: signature))
        }
        try reader.expectEnd()
    }
}

extension SignedTransfer {
    /// Reads a transfer entry from `reader`, which stands just after the kind byte of
    /// `entryBytes`. The bytes read are the canonical encoding (fixed widths, a checked asset and
    /// keys), so the payload is hashed and the leaf hash taken from them as they are, not from an
    /// encoding made again.
    init(reading reader: inout ByteReader, entryBytes: [UInt8]) throws(CoreError) {
        let chainID = try reader.hash()
        let assetLength = Int(try reader.u8())
        guard assetLength == 10, let text = String(validating: try reader.raw(assetLength), as: UTF8.self) else {
            throw CoreError(.malformed, "transfer asset must be 10 ASCII bytes")
        }
        let asset = try AssetID(text)
        let from = try reader.key()
        let to = try reader.key()
        let (amount, nonce, expiresAt) = (try reader.u64(), try reader.u64(), try reader.u64())
        let payloadEnd = reader.offset
        let signature = SchnorrSignature(checkedBytes: try reader.raw(64))
        try reader.expectEnd()  // Before the entry bytes are taken as the transfer's own.
        let transfer = Transfer(
            chainID: chainID, asset: asset, from: from, to: to, amount: amount, nonce: nonce, expiresAt: expiresAt,
            canonicalPayload: Array(entryBytes[1..<payloadEnd]))
        self.init(transfer: transfer, signature: signature, entryBytes: entryBytes)
    }
}

extension RegistrarAction {
    func encodeBody(to w: inout ByteWriter) {
        switch self {
        case .registerParty(let p):
            w.enumeration(p.kind)
            w.text(p.name)
            w.list(p.aliases) { $0.text($1) }
            w.text(p.country.code)
            w.optional(p.born) { $0.text($1) }
            w.list(p.identifiers) { w, id in
                w.text(id.scheme)
                w.text(id.value)
            }
            w.list(p.kycClaims) { w, claim in
                w.text(claim.issuer)
                w.u64(claim.expiresAtMs)
            }
        case .bindKey(let key, let party):
            w.key(key)
            w.party(party)
        case .declareOwnership(let d):
            w.party(d.owner)
            w.party(d.owned)
            w.u16(d.shareBps)
            w.enumeration(d.kind)
            w.hash(d.evidence)
        case .endOwnership(let link):
            w.u64(link.raw)
        case .registerVessel(let v):
            w.asset(v.asset)
            w.text(v.name)
            w.text(v.flag.code)
            w.text(v.type)
            w.u32(v.grossTonnage)
            w.party(v.roles.owner)
            w.optional(v.roles.manager) { $0.party($1) }
            w.optional(v.roles.operator) { $0.party($1) }
            w.optional(v.roles.charterer) { $0.party($1) }
            w.u64(v.units)
        case .amendVessel(let a):
            w.asset(a.asset)
            w.optional(a.name) { $0.text($1) }
            w.optional(a.flag) { $0.text($1.code) }
            w.optional(a.type) { $0.text($1) }
            w.optional(a.grossTonnage) { $0.u32($1) }
            w.optional(a.owner) { $0.party($1) }
            for change in [a.manager, a.operator, a.charterer] { w.roleChange(change) }
        case .issue(let asset, let key, let units):
            w.asset(asset)
            w.key(key)
            w.u64(units)
        case .freeze(let target, let reason), .unfreeze(let target, let reason):
            w.freezeTarget(target)
            w.text(reason)
        case .forcedTransfer(let asset, let from, let to, let units, let order):
            w.asset(asset)
            w.key(from)
            w.key(to)
            w.u64(units)
            w.text(order)
        case .forcedTransferOrder(let asset, let from, let to, let units, let order, let licence):
            // The 0x0a body, then the licence.
            RegistrarAction.forcedTransfer(asset, from: from, to: to, units: units, order: order).encodeBody(to: &w)
            w.optional(licence) { $0.text($1) }
        case .deregisterVessel(let asset, let reason):
            w.asset(asset)
            w.text(reason)
        case .setRules(let rules):
            w.u32(rules.maxHoldersPerVessel)
            w.list(rules.excludedCountries) { $0.text($1.code) }
            w.u64(rules.minimumHolding)
            w.bool(rules.kycRequired)
        case .recordScreening(let party, let status, let evidence):
            w.party(party)
            w.enumeration(status)
            w.text(evidence)
        case .adoptList(let adoption):
            w.listAdoption(adoption)
        case .registerMortgage(let m):
            w.asset(m.asset)
            w.key(m.key)
            w.u64(m.units)
            w.party(m.mortgagee)
            w.text(m.amount)
            w.text(m.currency)
        case .transferMortgage(let asset, let number, let to):
            w.asset(asset)
            w.u64(number)
            w.party(to)
        case .registerBareboatCharter(let c):
            w.asset(c.asset)
            w.party(c.charterer)
            w.u64(c.fromMs)
            w.u64(c.toMs)
            w.text(c.underlyingFlag.code)
            w.text(c.bareboatFlag.code)
        case .endBareboatCharter(let asset):
            w.asset(asset)
        case .amendVesselCompanies(let asset, let ism, let society):
            w.asset(asset)
            w.roleChange(ism)
            w.optional(society) { $0.text($1) }
        case .rotateRegistrarKey(let rotation), .rotateSequencerKey(let rotation):
            w.key(rotation.newKey)
            w.raw(rotation.oldKeySignature.bytes)
            w.raw(rotation.newKeySignature.bytes)
        case .reopenVessel(let asset, let reason):
            w.asset(asset)
            w.text(reason)
        case .dischargeMortgage(let asset, let number):
            w.asset(asset)
            w.u64(number)
        case .consentToRelease(let c):
            w.asset(c.asset)
            w.u64(c.number)
            w.u64(c.sequence)
            w.key(c.to)
            w.u64(c.units)
            w.key(c.mortgageeKey)
            w.raw(c.signature.bytes)
        case .amendParty(let a):
            w.party(a.party)
            w.optional(a.name) { $0.text($1) }
            w.optional(a.aliases) { w, aliases in w.list(aliases) { $0.text($1) } }
            w.optional(a.country) { $0.text($1.code) }
            w.optional(a.born) { $0.text($1) }
            w.optional(a.identifiers) { w, identifiers in
                w.list(identifiers) { w, id in
                    w.text(id.scheme)
                    w.text(id.value)
                }
            }
            w.optional(a.kycClaim) { w, claim in
                w.text(claim.issuer)
                w.u64(claim.expiresAtMs)
            }
        case .recordVesselScreening(let asset, let status, let evidence):
            w.asset(asset)
            w.enumeration(status)
            w.text(evidence)
        }
    }
}

extension ByteWriter {
    mutating func listAdoption(_ adoption: ListAdoption) {
        text(adoption.source)
        text(adoption.format)
        hash(adoption.contentHash)
        u64(adoption.entityCount)
    }

    mutating func roleChange(_ change: VesselAmendment.RoleChange?) {
        switch change {
        case nil: u8(0)
        case .set(let party):
            u8(1)
            self.party(party)
        case .clear: u8(2)
        }
    }

    mutating func freezeTarget(_ target: FreezeTarget) {
        switch target {
        case .party(let party, let asset):
            u8(0)
            self.party(party)
            optional(asset) { $0.asset($1) }
        case .key(let key, let asset):
            u8(1)
            self.key(key)
            optional(asset) { $0.asset($1) }
        case .keyUnits(let key, let asset, let units):
            u8(2)
            self.key(key)
            self.asset(asset)
            u64(units)
        case .vessel(let asset):
            u8(3)
            self.asset(asset)
        }
    }
}
