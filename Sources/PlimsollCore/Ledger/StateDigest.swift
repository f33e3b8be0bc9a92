public import PlimsollCrypto

/// The version 1 state digest of a block header: `TaggedHash("plimsoll/state/v1", ...)` over every
/// part of the state in a fixed order (sorted by id, key or asset), each part in its canonical
/// encoding. Headers of version 2 carry the state commitment instead (`StateCommitment`); the two
/// share the per-record encodings below.
///
/// Replaying the log from genesis must give the same digest as the live store (DESIGN.md).
extension LedgerState {
    public var digest: Hash32 {
        var hasher = TaggedHasher(Tags.state)
        var w = ByteWriter(capacity: 4096)
        func flush() {
            hasher.update(w.bytes)
            w = ByteWriter(capacity: 4096)
        }
        writeRegistryRecord(to: &w)
        w.u32(UInt32(parties.count))
        for id in parties.keys.sorted() {
            writePartyRecord(id, to: &w)
            if w.bytes.count > 3000 { flush() }
        }
        w.u32(UInt32(keys.count))
        for key in keys.keys.sorted() {
            writeKeyRecord(key, to: &w)
            if w.bytes.count > 3000 { flush() }
        }
        w.u32(UInt32(vessels.count))
        for asset in vessels.keys.sorted() {
            writeVesselRecord(asset, to: &w)
            if w.bytes.count > 3000 { flush() }
        }
        w.u32(UInt32(links.count))
        for id in links.keys.sorted() {
            writeLinkRecord(id, to: &w)
        }
        for asset in balances.keys.sorted() {
            let holders = balances[asset]!
            w.asset(asset)
            w.u32(UInt32(holders.count))
            for key in holders.keys.sorted() {
                w.key(key)
                w.u64(holders[key]!)
                if w.bytes.count > 3000 { flush() }
            }
        }
        flush()
        return hasher.finalize()
    }

    /// Genesis, counters, rules and the list versions in force.
    func writeRegistryRecord(to w: inout ByteWriter) {
        w.raw(genesis.canonicalBytes)
        w.u64(counters.nextPartyID)
        w.u64(counters.nextLinkID)
        w.u64(counters.registrarSequence)
        RegistrarAction.setRules(counters.rules).encodeBody(to: &w)
        w.list(counters.lists) { $0.listAdoption($1) }
        // Only a registry whose keys rotated adds bytes: records of older logs stay as they were.
        if counters.registrarKey != nil || counters.sequencerKey != nil {
            w.u8(0x01)
            w.key(registrarKey)
            w.key(sequencerKey)
        }
    }

    func writePartyRecord(_ id: PartyID, to w: inout ByteWriter) {
        let record = parties[id]!
        w.party(id)
        RegistrarAction.registerParty(
            PartyRegistration(
                kind: record.party.kind, name: record.party.name, aliases: record.party.aliases,
                country: record.party.country, born: record.party.born, identifiers: record.party.identifiers,
                kycClaims: record.party.kycClaims
            )
        ).encodeBody(to: &w)
        w.enumeration(record.screening)
        w.text(record.screeningEvidence)
        w.bool(record.frozen)
        w.list(record.frozenAssets) { $0.asset($1) }
        w.list(record.keys) { $0.key($1) }
        // Only a party with amendments adds bytes: records of older logs stay as they were.
        if !record.history.isEmpty {
            w.list(record.history) { w, change in
                w.u64(change.atMs)
                w.text(change.field)
                w.text(change.from)
                w.text(change.to)
            }
        }
    }

    func writeKeyRecord(_ key: KeyRef, to w: inout ByteWriter) {
        let record = keys[key]!
        precondition(record.key == key, "a key's record is filed under that key")
        record.writeRecord(to: &w)
    }

    func writeVesselRecord(_ asset: AssetID, to w: inout ByteWriter) {
        let record = vessels[asset]!
        let vessel = record.vessel
        RegistrarAction.registerVessel(
            VesselRegistration(
                asset: asset, name: vessel.name, flag: vessel.flag, type: vessel.type,
                grossTonnage: vessel.grossTonnage, roles: vessel.roles, units: vessel.totalUnits
            )
        ).encodeBody(to: &w)
        w.enumeration(vessel.status)
        w.u64(vessel.registeredAtMs)
        for history in [vessel.nameHistory, vessel.flagHistory] {
            w.list(history) { w, change in
                w.u64(change.atMs)
                w.text(change.from)
                w.text(change.to)
            }
        }
        w.u64(record.unissued)
        // What vessel records gained after the first release (a recorded screening decision,
        // mortgages, a bareboat charter) adds bytes only to a vessel that has any of it, so the
        // records and commitments of older logs stay as they were.
        guard
            record.screening != .clear || !record.screeningEvidence.isEmpty || record.nextMortgageNumber > 1
                || record.charter != nil || record.ismCompany != nil || record.classSociety != nil
        else { return }
        w.enumeration(record.screening)
        w.text(record.screeningEvidence)
        w.u64(record.nextMortgageNumber)
        w.list(record.mortgages) { w, m in
            // As the registration's body (0x13) with today's units and mortgagee, then the rest.
            w.u64(m.number)
            RegistrarAction.registerMortgage(
                MortgageRegistration(
                    asset: asset, key: m.key, units: m.units, mortgagee: m.mortgagee, amount: m.amount,
                    currency: m.currency)
            ).encodeBody(to: &w)
            w.u64(m.registeredAtMs)
            w.u64(m.consents)
            w.optional(m.consent) { w, consent in
                w.key(consent.to)
                w.u64(consent.units)
            }
        }
        w.optional(record.charter) { w, charter in
            RegistrarAction.registerBareboatCharter(charter).encodeBody(to: &w)
        }
        w.optional(record.ismCompany) { $0.party($1) }
        w.optional(record.classSociety) { $0.text($1) }
    }

    func writeLinkRecord(_ id: LinkID, to w: inout ByteWriter) {
        let link = links[id]!
        w.u64(id.raw)
        RegistrarAction.declareOwnership(
            OwnershipDeclaration(
                owner: link.owner, owned: link.owned, shareBps: link.shareBps, kind: link.kind, evidence: link.evidence)
        ).encodeBody(to: &w)
        w.u64(link.effectiveFromMs)
        w.optional(link.effectiveToMs) { $0.u64($1) }
    }
}
