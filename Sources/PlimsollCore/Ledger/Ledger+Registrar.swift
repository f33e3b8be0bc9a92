import PlimsollCrypto

/// Registrar entries: signature and sequence first, then each action's own checks.
extension Ledger {
    mutating func applyRegistrar(_ entry: RegistrarEntry, _ context: ApplyContext) throws(Rejection) {
        // Checked here, against the keys in force at this entry, not before the batch: a
        // rotation earlier in the same block changes which key that is.
        let chainID = state.chainID
        let byRegistrar = entry.signatureValid(chainID: chainID, registrarKey: state.registrarKey)
        guard
            byRegistrar
                || (entry.action.sequencerMaySign
                    && entry.signatureValid(chainID: chainID, registrarKey: state.sequencerKey))
        else {
            throw Rejection(.badRegistrarSignature, "entry is not signed by this registry's registrar key")
        }
        guard entry.sequence > state.counters.registrarSequence else {
            throw Rejection(
                .sequenceReused, "registrar sequence \(entry.sequence) is not above \(state.counters.registrarSequence)"
            )
        }
        guard entry.sequence <= Limits.registrarSequenceMax else {
            throw Rejection(.malformed, "registrar sequence \(entry.sequence) is above \(Limits.registrarSequenceMax)")
        }
        // The sequencer's own entries take the next sequences only: a stolen sequencer key cannot
        // push the sequence out of the registrar's reach.
        guard byRegistrar || entry.sequence - state.counters.registrarSequence <= Limits.sequencerSequenceGapMax else {
            throw Rejection(
                .sequenceReused,
                "a sequencer-signed entry's sequence \(entry.sequence) is more than \(Limits.sequencerSequenceGapMax) above \(state.counters.registrarSequence)"
            )
        }
        let time = context.blockTimeMs
        let newParty = PartyID(state.counters.nextPartyID)
        switch entry.action {
        case .registerParty(let registration): try registerParty(registration)
        case .bindKey(let key, let party): try bindKey(key, to: party)
        case .declareOwnership(let declaration): try declareOwnership(declaration, at: time)
        case .endOwnership(let link): try endOwnership(link, at: time)
        case .registerVessel(let registration): try registerVessel(registration, at: time)
        case .amendVessel(let amendment): try amendVessel(amendment, at: time)
        case .issue(let asset, let key, let units): try issue(asset, to: key, units: units, at: time)
        case .freeze(let target, let reason): try freeze(target, reason: reason, on: true)
        case .unfreeze(let target, let reason): try freeze(target, reason: reason, on: false)
        case .forcedTransfer(let asset, let from, let to, let units, let order):
            try legacyForcedTransfer(asset, from: from, to: to, units: units, order: order)
        case .forcedTransferOrder(let asset, let from, let to, let units, let order, let licence):
            try forcedTransfer(asset, from: from, to: to, units: units, order: order, licence: licence)
        case .deregisterVessel(let asset, let reason): try deregister(asset, reason: reason)
        case .setRules(let rules): try setRules(rules)
        case .recordScreening(let party, let status, let evidence): try recordScreening(party, status, evidence)
        case .adoptList(let adoption): try adoptList(adoption)
        case .recordVesselScreening(let asset, let status, let evidence):
            try recordVesselScreening(asset, status, evidence)
        case .amendParty(let amendment): try amendParty(amendment, at: time)
        case .registerMortgage(let m): try registerMortgage(m, at: time)
        case .transferMortgage(let asset, let number, let to): try transferMortgage(asset, number: number, to: to)
        case .dischargeMortgage(let asset, let number): try dischargeMortgage(asset, number: number)
        case .consentToRelease(let consent): try consentToRelease(consent)
        case .rotateRegistrarKey(let rotation): try rotate(.registrar, rotation)
        case .rotateSequencerKey(let rotation): try rotate(.sequencer, rotation)
        case .reopenVessel(let asset, let reason): try reopen(asset, reason: reason)
        case .registerBareboatCharter(let charter): try registerCharter(charter)
        case .endBareboatCharter(let asset): try endCharter(asset)
        case .amendVesselCompanies(let asset, let ism, let society):
            try amendCompanies(asset, ismCompany: ism, classSociety: society)
        }
        updateCounters { $0.registrarSequence = entry.sequence }
        let (assets, parties) = subjects(of: entry.action, newParty: newParty)
        for asset in assets { dirty.vesselEvents.append((asset, currentLeafIndex)) }
        for party in Set(parties) { dirty.partyEvents.append((party, currentLeafIndex)) }
    }

    /// The vessels and parties a registrar action is about, for their histories.
    private func subjects(of action: RegistrarAction, newParty: PartyID) -> (assets: [AssetID], parties: [PartyID]) {
        func owner(of key: KeyRef) -> [PartyID] { state.keys[key].map { [$0.party] } ?? [] }
        switch action {
        case .registerParty: return ([], [newParty])
        case .bindKey(_, let party): return ([], [party])
        case .declareOwnership(let d): return ([], [d.owner, d.owned])
        case .endOwnership(let id): return ([], state.links[id].map { [$0.owner, $0.owned] } ?? [])
        case .registerVessel(let v): return ([v.asset], v.roles.all)
        case .amendVessel(let a): return ([a.asset], state.vessels[a.asset]?.vessel.roles.all ?? [])
        case .issue(let asset, let key, _): return ([asset], owner(of: key))
        case .freeze(let target, _), .unfreeze(let target, _):
            switch target {
            case .party(let party, let asset): return (asset.map { [$0] } ?? [], [party])
            case .key(let key, let asset): return (asset.map { [$0] } ?? [], owner(of: key))
            case .keyUnits(let key, let asset, _): return ([asset], owner(of: key))
            case .vessel(let asset): return ([asset], [])
            }
        case .forcedTransfer(let asset, let from, let to, _, _),
            .forcedTransferOrder(let asset, let from, let to, _, _, _):
            return ([asset], owner(of: from) + owner(of: to))
        case .deregisterVessel(let asset, _): return ([asset], [])
        case .setRules: return ([], [])
        case .recordScreening(let party, _, _): return ([], [party])
        case .adoptList: return ([], [])
        case .recordVesselScreening(let asset, _, _): return ([asset], [])
        case .amendParty(let a): return ([], [a.party])
        case .registerMortgage(let m): return ([m.asset], owner(of: m.key) + [m.mortgagee])
        case .transferMortgage(let asset, let number, let to):
            let from = state.vessels[asset]?.mortgages.first { $0.number == number }?.mortgagee
            return ([asset], (from.map { [$0] } ?? []) + [to])
        case .dischargeMortgage(let asset, _): return ([asset], [])
        case .consentToRelease(let c): return ([c.asset], owner(of: c.mortgageeKey))
        case .reopenVessel(let asset, _): return ([asset], [])
        case .registerBareboatCharter(let c): return ([c.asset], [c.charterer])
        case .amendVesselCompanies(let asset, let ism, _):
            if case .set(let party) = ism { return ([asset], [party]) }
            return ([asset], [])
        case .endBareboatCharter(let asset):
            return ([asset], state.vessels[asset]?.charter.map { [$0.charterer] } ?? [])
        case .rotateRegistrarKey, .rotateSequencerKey: return ([], [])
        }
    }

    /// A key rotation: signed by the key in force and by the new one, never to the other role's
    /// key (one key for both would undo the separation) nor to the same key.
    private mutating func rotate(_ role: KeyRotation.Role, _ rotation: KeyRotation) throws(Rejection) {
        let old = role == .registrar ? state.registrarKey : state.sequencerKey
        let other = role == .registrar ? state.sequencerKey : state.registrarKey
        guard rotation.newKey != old else {
            throw Rejection(.malformed, "the new \(role.name) key is the key in force")
        }
        guard rotation.newKey != other else {
            throw Rejection(.malformed, "the registrar and the sequencer keep separate keys")
        }
        // The entry is the registrar's (checked above): a rotation it carries without both
        // keys' signatures is the registrar's mistake, refused and audited as such.
        guard rotation.valid(chainID: state.chainID, role: role, old: old) else {
            throw Rejection(
                .malformed, "the \(role.name) key rotation is not signed by both the key in force and the new key")
        }
        updateCounters {
            switch role {
            case .registrar: $0.registrarKey = rotation.newKey
            case .sequencer: $0.sequencerKey = rotation.newKey
            }
        }
    }

    private mutating func registerParty(_ p: PartyRegistration) throws(Rejection) {
        let id = PartyID(state.counters.nextPartyID)
        let party = Party(
            id: id, kind: p.kind, name: p.name, aliases: p.aliases, country: p.country, born: p.born,
            identifiers: p.identifiers, kycClaims: p.kycClaims
        )
        try checkParticulars(party)
        try checkUnique(party)
        insertParty(PartyRecord(party: party))
        updateCounters { $0.nextPartyID += 1 }
    }

    /// New particulars or a renewed KYC claim. Checked like a registration (texts, bounds, dates,
    /// no identifier or name-country-date shared with another party); each changed field goes
    /// into the party's history. Screening runs again after it, like after any registrar entry.
    private mutating func amendParty(_ a: PartyAmendment, at time: TimestampMs) throws(Rejection) {
        guard let record = state.parties[a.party] else { throw Rejection(.unknownParty, "no party \(a.party)") }
        guard !a.isEmpty else { throw Rejection(.malformed, "the amendment changes nothing") }
        var party = record.party
        var changes: [PartyRecord.ParticularsChange] = []
        // A history line keeps at most a text's bound of each value (aliases and identifiers
        // are lists): the record stays small, and the log keeps the amendment whole.
        func bounded(_ text: String) -> String {
            text.utf8.count <= Limits.textBytesMax ? text : String(text.prefix(Limits.textBytesMax / 4)) + "…"
        }
        func change(_ field: String, _ from: String, _ to: String) {
            if from != to { changes.append(.init(atMs: time, field: field, from: bounded(from), to: bounded(to))) }
        }
        let list = { (items: [String]) in items.joined(separator: "; ") }
        let ids = { (items: [Party.Identifier]) in list(items.map { "\($0.scheme):\($0.value)" }) }
        if let name = a.name {
            change("name", party.name, name)
            party.name = name
        }
        if let aliases = a.aliases {
            change("aliases", list(party.aliases), list(aliases))
            party.aliases = aliases
        }
        if let country = a.country {
            change("country", party.country.code, country.code)
            party.country = country
        }
        if let born = a.born {
            change("born", party.born ?? "", born)
            party.born = born
        }
        if let identifiers = a.identifiers {
            change("identifiers", ids(party.identifiers), ids(identifiers))
            party.identifiers = identifiers
        }
        if let claim = a.kycClaim {
            guard claim.expiresAtMs > time else { throw Rejection(.malformed, "the KYC claim has already expired") }
            let previous = party.kycClaims.first { $0.issuer == claim.issuer }
            party.kycClaims.removeAll { $0.issuer == claim.issuer }
            party.kycClaims.append(claim)
            change(
                "kyc", previous.map { "\($0.issuer) until \($0.expiresAtMs)" } ?? "",
                "\(claim.issuer) until \(claim.expiresAtMs)")
        }
        guard party != record.party else {
            throw Rejection(.malformed, "the amendment changes nothing: every field given equals the party's")
        }
        try checkParticulars(party)
        try checkUnique(party)
        updateParty(a.party) { record in
            record.party = party
            record.history = Array((record.history + changes).suffix(Limits.partyHistoryMax))
        }
    }

    /// What a party's particulars must be, at registration and after every amendment: texts
    /// within their bounds, lists within theirs, a plausible date.
    private func checkParticulars(_ p: Party) throws(Rejection) {
        try Validate.text(p.name, "party name")
        guard p.aliases.count <= Limits.aliasesMax, p.identifiers.count <= Limits.identifiersMax,
            p.kycClaims.count <= Limits.kycClaimsMax
        else { throw Rejection(.malformed, "too many aliases, identifiers or KYC claims") }
        for alias in p.aliases { try Validate.text(alias, "alias") }
        for id in p.identifiers {
            try Validate.text(id.scheme, "identifier scheme")
            try Validate.text(id.value, "identifier value")
        }
        for claim in p.kycClaims { try Validate.text(claim.issuer, "KYC issuer") }
        if let born = p.born { try Validate.date(born) }
    }

    /// No other party has the same kind, name, country and date, or shares an identifier.
    private func checkUnique(_ p: Party) throws(Rejection) {
        switch state.partyIndex.conflict(with: p) {
        case nil: return
        case .particulars(let other):
            throw Rejection(.duplicate, "party \(other) is already registered with the same name, country and date")
        case .identifier(let shared, let other):
            throw Rejection(.duplicate, "identifier \(shared.scheme) \(shared.value) belongs to party \(other)")
        }
    }

    private mutating func bindKey(_ key: KeyRef, to party: PartyID) throws(Rejection) {
        guard state.parties[party] != nil else { throw Rejection(.unknownParty, "no party \(party)") }
        if let bound = state.keys[key] {
            throw Rejection(.keyAlreadyBound, "key is already bound to party \(bound.party)")
        }
        insertKey(KeyRecord(key: key, party: party))
        updateParty(party) { record in
            record.keys.append(key)
            record.keys.sort()
        }
    }

    private mutating func declareOwnership(_ d: OwnershipDeclaration, at time: TimestampMs) throws(Rejection) {
        guard state.parties[d.owner] != nil else { throw Rejection(.unknownParty, "no owner party \(d.owner)") }
        guard state.parties[d.owned] != nil else { throw Rejection(.unknownParty, "no owned party \(d.owned)") }
        guard d.owner != d.owned else { throw Rejection(.malformed, "a party cannot own itself") }
        guard d.shareBps <= 10_000 else { throw Rejection(.badShare, "share \(d.shareBps) bps exceeds 10000") }
        let active = state.links(owning: d.owned).filter { $0.isEffective(at: time) }
        if active.contains(where: { $0.owner == d.owner && $0.kind == d.kind }) {
            throw Rejection(.duplicate, "an active \(d.kind.rawValue) link from \(d.owner) to \(d.owned) exists")
        }
        let held = active.filter { $0.kind == d.kind }.reduce(0) { $0 + Int($1.shareBps) }
        guard held + Int(d.shareBps) <= 10_000 else {
            throw Rejection(
                .badShare, "\(d.kind.rawValue) in party \(d.owned) would total \(held + Int(d.shareBps)) bps")
        }
        let link = OwnershipLink(
            id: LinkID(state.counters.nextLinkID), owner: d.owner, owned: d.owned, shareBps: d.shareBps,
            kind: d.kind, evidence: d.evidence, effectiveFromMs: time
        )
        insertLink(link)
        updateCounters { $0.nextLinkID += 1 }
    }

    private mutating func endOwnership(_ id: LinkID, at time: TimestampMs) throws(Rejection) {
        guard var link = state.links[id] else { throw Rejection(.unknownLink, "no ownership link \(id)") }
        guard link.effectiveToMs == nil else { throw Rejection(.alreadyEnded, "link \(id) has already ended") }
        link.effectiveToMs = max(time, link.effectiveFromMs)
        insertLink(link)
    }

    private mutating func registerVessel(_ v: VesselRegistration, at time: TimestampMs) throws(Rejection) {
        if let existing = state.vessels[v.asset] {
            guard existing.vessel.status != .deregistered else {
                throw Rejection(
                    .duplicate,
                    "\(v.asset) was closed on the register; an IMO number is never registered again as a new vessel: reopen it"
                )
            }
            throw Rejection(.duplicate, "\(v.asset) is already registered")
        }
        try Validate.text(v.name, "vessel name")
        try Validate.text(v.type, "vessel type")
        guard v.units > 0, v.units <= Limits.vesselUnitsMax else {
            throw Rejection(.malformed, "units must be 1 ... \(Limits.vesselUnitsMax)")
        }
        for party in v.roles.all where state.parties[party] == nil {
            throw Rejection(.unknownParty, "no party \(party)")
        }
        let vessel = Vessel(
            asset: v.asset, name: v.name, flag: v.flag, type: v.type, grossTonnage: v.grossTonnage, roles: v.roles,
            totalUnits: v.units, registeredAtMs: time
        )
        insertVessel(VesselRecord(vessel: vessel, unissued: v.units))
    }

    private mutating func amendVessel(_ a: VesselAmendment, at time: TimestampMs) throws(Rejection) {
        guard let record = state.vessels[a.asset] else {
            throw Rejection(.unknownAsset, "\(a.asset) is not registered")
        }
        guard record.vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(a.asset) is deregistered")
        }
        if let name = a.name { try Validate.text(name, "vessel name") }
        if let type = a.type { try Validate.text(type, "vessel type") }
        guard (a.charterer == nil && a.flag == nil) || record.charter == nil else {
            throw Rejection(
                .malformed,
                "\(a.asset) is under a registered bareboat charter: its charterer and flag change only after it ends (0x19)"
            )
        }
        var parties = [a.owner].compactMap { $0 }
        for change in [a.manager, a.operator, a.charterer] {
            if case .set(let party) = change { parties.append(party) }
        }
        for party in parties where state.parties[party] == nil { throw Rejection(.unknownParty, "no party \(party)") }
        updateVessel(a.asset) { record in
            var vessel = record.vessel
            if let name = a.name, name != vessel.name {
                vessel.nameHistory.append(Vessel.Change(atMs: time, from: vessel.name, to: name))
                vessel.name = name
            }
            if let flag = a.flag, flag != vessel.flag {
                vessel.flagHistory.append(Vessel.Change(atMs: time, from: vessel.flag.code, to: flag.code))
                vessel.flag = flag
            }
            if let type = a.type { vessel.type = type }
            if let tonnage = a.grossTonnage { vessel.grossTonnage = tonnage }
            if let owner = a.owner { vessel.roles.owner = owner }
            func apply(_ change: VesselAmendment.RoleChange?, _ role: inout PartyID?) {
                switch change {
                case .set(let party): role = party
                case .clear: role = nil
                case nil: break
                }
            }
            apply(a.manager, &vessel.roles.manager)
            apply(a.operator, &vessel.roles.operator)
            apply(a.charterer, &vessel.roles.charterer)
            record.vessel = vessel
        }
    }

    private mutating func issue(_ asset: AssetID, to key: KeyRef, units: UInt64, at time: TimestampMs) throws(Rejection)
    {
        guard let record = state.vessels[asset] else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard let keyRecord = state.keys[key], let party = state.parties[keyRecord.party] else {
            throw Rejection(.unknownKey, "key is not bound to a party")
        }
        guard units > 0 else { throw Rejection(.malformed, "units must be positive") }
        guard record.vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(asset) is deregistered")
        }
        try checkNotFrozen(record.vessel, keyRecord, party, role: "receiver")
        try checkCompliance(party, at: time)
        try checkVesselScreening(record)
        guard units <= record.unissued else {
            throw Rejection(.insufficientUnits, "\(asset) has \(record.unissued) units left to issue, not \(units)")
        }
        try checkHolding(asset, from: nil, to: key, amount: units)
        move(units, of: asset, from: nil, to: key)
    }

    /// A `0x0a` forced transfer, exactly as earlier versions applied it, so their logs replay.
    private mutating func legacyForcedTransfer(
        _ asset: AssetID, from: KeyRef, to: KeyRef, units: UInt64, order: String
    ) throws(Rejection) {
        try Validate.text(order, "order reference")
        guard state.vessels[asset] != nil else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard let sender = state.keys[from], state.keys[to] != nil else {
            throw Rejection(.unknownKey, "sender or receiver key is not bound to a party")
        }
        try move(asset, from: from, sender: sender, to: to, units: units)
    }

    /// Moves forced units: an order overrides freezes and compliance rules; frozen units still
    /// cannot exceed what is left.
    private mutating func move(
        _ asset: AssetID, from: KeyRef, sender: KeyRecord, to: KeyRef, units: UInt64
    ) throws(Rejection) {
        guard units > 0, from != to else { throw Rejection(.malformed, "units must be positive and keys must differ") }
        let held = state.balance(asset, from)
        guard units <= held else { throw Rejection(.insufficientUnits, "key holds \(held) units, not \(units)") }
        move(units, of: asset, from: from, to: to)
        let frozen = sender.frozenUnits(of: asset)
        if frozen > held - units { updateKey(from) { $0.setFrozenUnits(held - units, of: asset) } }
        // A forced sale under an order releases the mortgaged units it moved.
        releaseMortgages(asset, from: from, to: to, leftAfter: held - units, forced: true)
    }

    /// A forced transfer under a court or authority order. It overrides the sender's freezes and
    /// the compliance rules, but never silently feeds a sanctioned party: a receiver that is
    /// blocked by screening or frozen needs an order or licence that says so (`licence`).
    private mutating func forcedTransfer(
        _ asset: AssetID, from: KeyRef, to: KeyRef, units: UInt64, order: String, licence: String?
    ) throws(Rejection) {
        try Validate.reference(order, "order reference")
        if let licence { try Validate.reference(licence, "licence") }
        guard let vessel = state.vessels[asset]?.vessel else {
            throw Rejection(.unknownAsset, "\(asset) is not registered")
        }
        guard vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(asset) is deregistered: its units cannot move, even under an order")
        }
        guard let sender = state.keys[from], let receiver = state.keys[to] else {
            throw Rejection(.unknownKey, "sender or receiver key is not bound to a party")
        }
        if licence == nil, let party = state.parties[receiver.party] {
            if party.screening == .block {
                throw Rejection(
                    .sanctionsHit,
                    "receiver party \(party.party.id) is blocked by screening; a forced transfer to it needs a licence that says so"
                )
            }
            if party.isFrozen(for: asset) || receiver.isFrozen(for: asset) {
                throw Rejection(
                    .frozen,
                    "receiver party \(party.party.id) or its key is frozen; a forced transfer to it needs a licence")
            }
        }
        try move(asset, from: from, sender: sender, to: to, units: units)
    }

    private mutating func amendCompanies(
        _ asset: AssetID, ismCompany: VesselAmendment.RoleChange?, classSociety: String?
    ) throws(Rejection) {
        guard let record = state.vessels[asset] else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard record.vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(asset) is deregistered")
        }
        guard ismCompany != nil || classSociety != nil else {
            throw Rejection(.malformed, "the amendment changes nothing")
        }
        if case .set(let party) = ismCompany, state.parties[party] == nil {
            throw Rejection(.unknownParty, "no party \(party)")
        }
        if let society = classSociety, !society.isEmpty { try Validate.reference(society, "class society") }
        let newISM: PartyID? =
            switch ismCompany {
            case .set(let party): party
            case .clear: nil
            case nil: record.ismCompany
            }
        let newSociety = classSociety.map { $0.isEmpty ? nil : $0 } ?? record.classSociety
        guard newISM != record.ismCompany || newSociety != record.classSociety else {
            throw Rejection(.malformed, "the amendment changes nothing")
        }
        updateVessel(asset) { record in
            switch ismCompany {
            case .set(let party): record.ismCompany = party
            case .clear: record.ismCompany = nil
            case nil: break
            }
            if let society = classSociety { record.classSociety = society.isEmpty ? nil : society }
        }
    }

    private mutating func reopen(_ asset: AssetID, reason: String) throws(Rejection) {
        try Validate.reference(reason, "reason")
        guard let record = state.vessels[asset] else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard record.vessel.status == .deregistered else {
            throw Rejection(.malformed, "\(asset) is \(record.vessel.status.rawValue), not closed: nothing to reopen")
        }
        updateVessel(asset) { $0.vessel.status = .active }
    }

    private mutating func deregister(_ asset: AssetID, reason: String) throws(Rejection) {
        try Validate.text(reason, "reason")
        guard let record = state.vessels[asset] else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard record.vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(asset) is already deregistered")
        }
        updateVessel(asset) { $0.vessel.status = .deregistered }
    }

    private mutating func setRules(_ rules: ComplianceRules) throws(Rejection) {
        guard rules.maxHoldersPerVessel >= 1, rules.excludedCountries.count <= Limits.excludedCountriesMax else {
            throw Rejection(
                .malformed,
                "holder limit must be at least 1 and at most \(Limits.excludedCountriesMax) countries excluded")
        }
        updateCounters { $0.rules = rules }
    }

    private mutating func adoptList(_ adoption: ListAdoption) throws(Rejection) {
        guard !adoption.source.isEmpty, adoption.source.utf8.count <= 64, !adoption.format.isEmpty,
            adoption.format.utf8.count <= 64
        else {
            throw Rejection(.malformed, "list source and format must be 1 to 64 bytes")
        }
        if state.counters.lists.contains(adoption) {
            throw Rejection(
                .duplicate, "list \(adoption.source) \(adoption.contentHash.hex.prefix(16)) is already in force")
        }
        updateCounters { counters in
            counters.lists.removeAll { $0.source == adoption.source }
            counters.lists.append(adoption)
            counters.lists.sort { $0.source < $1.source }
        }
    }

    private mutating func recordVesselScreening(
        _ asset: AssetID, _ status: ScreeningStatus, _ evidence: String
    ) throws(Rejection) {
        guard state.vessels[asset] != nil else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        try Validate.evidence(evidence)
        updateVessel(asset) { record in
            record.screening = status
            record.screeningEvidence = evidence
        }
    }

    private mutating func recordScreening(
        _ party: PartyID, _ status: ScreeningStatus, _ evidence: String
    ) throws(Rejection) {
        guard state.parties[party] != nil else { throw Rejection(.unknownParty, "no party \(party)") }
        try Validate.evidence(evidence)
        updateParty(party) { record in
            record.screening = status
            record.screeningEvidence = evidence
        }
    }
}

/// Text and date checks shared by registrar entries.
enum Validate {
    static func text(_ value: String, _ field: String) throws(Rejection) {
        let count = value.utf8.count
        guard count > 0, count <= Limits.textBytesMax else {
            throw Rejection(.malformed, "\(field) must be 1 to \(Limits.textBytesMax) UTF-8 bytes")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Rejection(.malformed, "\(field) contains a control character")
        }
    }

    /// A screening decision's evidence: bounded, may be empty.
    static func evidence(_ value: String) throws(Rejection) {
        guard value.utf8.count <= Limits.evidenceBytesMax else {
            throw Rejection(.malformed, "evidence exceeds \(Limits.evidenceBytesMax) bytes")
        }
    }

    /// An order or licence reference: text as above, and not blank (spaces are no reference).
    static func reference(_ value: String, _ field: String) throws(Rejection) {
        try text(value, field)
        guard value.contains(where: { !$0.isWhitespace }) else { throw Rejection(.malformed, "\(field) is blank") }
    }

    /// "YYYY-MM-DD" with a plausible month and day (`DayText`).
    static func date(_ value: String) throws(Rejection) {
        guard DayText.isValid(value) else {
            throw Rejection(.malformed, "date must be YYYY-MM-DD, got \"\(value.prefix(16))\"")
        }
    }
}

/// A day as party records hold it: "YYYY-MM-DD", year from 1800, a plausible month and day. One
/// check for the ledger and for the edges that take such a date.
public enum DayText {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return false }
        return year >= 1800 && (1...12).contains(month) && (1...31).contains(day)
    }
}
