import PlimsollCrypto

/// Mortgages over units (DESIGN.md grows here with the ship's register): registered, ranked by
/// number, moved to another mortgagee, discharged; mortgaged units leave the mortgagor's key
/// only with the mortgagee's signed consent, or under a forced sale.
extension Ledger {
    mutating func registerMortgage(_ m: MortgageRegistration, at time: TimestampMs) throws(Rejection) {
        guard let record = state.vessels[m.asset] else {
            throw Rejection(.unknownAsset, "\(m.asset) is not registered")
        }
        guard record.vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(m.asset) is deregistered")
        }
        guard state.keys[m.key] != nil else { throw Rejection(.unknownKey, "the mortgagor's key is not bound") }
        try checkMortgagee(m.mortgagee)
        try Validate.reference(m.amount, "amount")
        guard m.amount.utf8.count <= 64 else { throw Rejection(.malformed, "amount is at most 64 bytes") }
        guard m.currency.utf8.count == 3, m.currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw Rejection(
                .malformed, "currency must be three capital letters (ISO 4217), got \"\(m.currency.prefix(8))\"")
        }
        guard m.units > 0 else { throw Rejection(.malformed, "a mortgage covers at least one unit") }
        guard record.mortgages.count < Limits.mortgagesPerVesselMax else {
            throw Rejection(.malformed, "\(m.asset) has \(Limits.mortgagesPerVesselMax) mortgages in force")
        }
        let free = state.balance(m.asset, m.key) - min(state.balance(m.asset, m.key), record.mortgages.units(of: m.key))
        guard m.units <= free else {
            throw Rejection(.insufficientUnits, "the key holds \(free) units not yet mortgaged, not \(m.units)")
        }
        updateVessel(m.asset) { record in
            record.mortgages.append(
                Mortgage(
                    number: record.nextMortgageNumber, key: m.key, units: m.units, mortgagee: m.mortgagee,
                    amount: m.amount, currency: m.currency, registeredAtMs: time))
            record.nextMortgageNumber += 1
        }
    }

    mutating func transferMortgage(_ asset: AssetID, number: UInt64, to mortgagee: PartyID) throws(Rejection) {
        let index = try mortgageIndex(asset, number)
        try checkMortgagee(mortgagee)
        guard state.vessels[asset]!.mortgages[index].mortgagee != mortgagee else {
            throw Rejection(.duplicate, "mortgage \(number) of \(asset) is already held by party \(mortgagee)")
        }
        updateVessel(asset) { record in
            record.mortgages[index].mortgagee = mortgagee
            record.mortgages[index].consent = nil
        }
    }

    mutating func dischargeMortgage(_ asset: AssetID, number: UInt64) throws(Rejection) {
        let index = try mortgageIndex(asset, number)
        updateVessel(asset) { $0.mortgages.remove(at: index) }
    }

    /// Records the mortgagee's consent, checked against the mortgagee's own key: the signature
    /// must verify and the key must be bound to the mortgagee.
    mutating func consentToRelease(_ c: MortgageConsent) throws(Rejection) {
        let index = try mortgageIndex(c.asset, c.number)
        let mortgage = state.vessels[c.asset]!.mortgages[index]
        guard state.keys[c.mortgageeKey]?.party == mortgage.mortgagee else {
            throw Rejection(
                .unknownKey, "the consenting key is not bound to the mortgagee, party \(mortgage.mortgagee)")
        }
        guard state.keys[c.to] != nil else { throw Rejection(.unknownKey, "the receiving key is not bound") }
        guard c.units > 0, c.units <= mortgage.units, c.to != mortgage.key else {
            throw Rejection(.malformed, "consent covers 1 to \(mortgage.units) units, to another key")
        }
        guard c.sequence == mortgage.consents + 1 else {
            throw Rejection(
                .sequenceReused,
                "consent \(c.sequence) to mortgage \(c.number) is not the next one (\(mortgage.consents + 1)): a consent is used once"
            )
        }
        let message = MortgageConsent.message(
            chainID: state.chainID, asset: c.asset, number: c.number, mortgagor: mortgage.key,
            mortgagee: mortgage.mortgagee, sequence: c.sequence, to: c.to, units: c.units)
        guard c.mortgageeKey.verify(signature: c.signature, hash: message) else {
            throw Rejection(.badSignature, "the mortgagee's consent signature does not verify")
        }
        updateVessel(c.asset) { record in
            record.mortgages[index].consent = Mortgage.Consent(to: c.to, units: c.units)
            record.mortgages[index].consents = c.sequence
        }
    }

    /// A transfer may leave its sender with fewer units than are mortgaged only as far as
    /// mortgagees consented to release units to this receiver; checked after `INSUFFICIENT_UNITS`.
    /// Frozen units may be mortgaged too: the two bounds are checked apart, against the balance.
    func checkMortgages(
        _ record: VesselRecord, from: KeyRef, to: KeyRef, amount: UInt64, balance: UInt64
    )
        throws(Rejection)
    {
        let mortgaged = record.mortgages.units(of: from)
        let left = balance - min(balance, amount)
        guard mortgaged > left else { return }
        let needed = mortgaged - left
        let consented = Self.consented(record.mortgages, from: from, to: to)
        guard needed <= consented else {
            let holders = Set(record.mortgages.filter { $0.key == from }.map(\.mortgagee)).sorted().map {
                "party \($0)"
            }
            throw Rejection(
                .mortgaged,
                "\(mortgaged) of the sender's units of \(record.vessel.asset) are mortgaged (to \(holders.joined(separator: ", "))); moving \(needed) of them needs the mortgagee's consent"
            )
        }
    }

    /// Units the mortgagees of `from` consented to release to `to`, each consent bounded by what
    /// its mortgage still covers.
    static func consented(_ mortgages: [Mortgage], from: KeyRef, to: KeyRef) -> UInt64 {
        mortgages.filter { $0.key == from && $0.consent?.to == to }.reduce(0) {
            $0 + min($1.consent?.units ?? 0, $1.units)
        }
    }

    /// After a move out of `from` that leaves it `leftAfter` units: the mortgaged units it took
    /// are released. A transfer releases only what consents to `to` allow (checked before), most
    /// junior mortgage first; a forced sale under an order releases any, most junior first. A
    /// mortgage left with no units stays registered until a discharge (`0x15`) ends it.
    mutating func releaseMortgages(_ asset: AssetID, from: KeyRef, to: KeyRef, leftAfter: UInt64, forced: Bool) {
        guard let record = state.vessels[asset] else { return }
        let mortgaged = record.mortgages.units(of: from)
        guard mortgaged > leftAfter else { return }
        var excess = mortgaged - leftAfter
        updateVessel(asset) { record in
            for index in record.mortgages.indices.reversed() where excess > 0 && record.mortgages[index].key == from {
                guard let consent = record.mortgages[index].consent, consent.to == to else { continue }
                let released = min(excess, consent.units, record.mortgages[index].units)
                record.mortgages[index].units -= released
                record.mortgages[index].consent?.units -= released
                excess -= released
            }
            if forced {
                for index in record.mortgages.indices.reversed()
                where excess > 0 && record.mortgages[index].key == from {
                    let released = min(excess, record.mortgages[index].units)
                    record.mortgages[index].units -= released
                    excess -= released
                }
            }
            for index in record.mortgages.indices {
                // A consent never covers more than its mortgage still does; a spent one lapses.
                if let consent = record.mortgages[index].consent {
                    let units = min(consent.units, record.mortgages[index].units)
                    record.mortgages[index].consent = units == 0 ? nil : Mortgage.Consent(to: consent.to, units: units)
                }
            }
        }
        precondition(excess == 0, "a transfer released mortgaged units beyond its consents")
    }

    /// A bareboat charter: the charterer, screened like an owner, becomes the vessel's charterer
    /// for the period; the underlying flag is the vessel's own, the bareboat flag another.
    mutating func registerCharter(_ c: BareboatCharter) throws(Rejection) {
        guard let record = state.vessels[c.asset] else {
            throw Rejection(.unknownAsset, "\(c.asset) is not registered")
        }
        guard record.vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(c.asset) is deregistered")
        }
        guard record.charter == nil else {
            throw Rejection(
                .duplicate, "\(c.asset) is already bareboat chartered to party \(record.charter!.charterer)")
        }
        try checkMortgagee(c.charterer)
        guard c.fromMs < c.toMs, c.toMs <= Limits.storedIntegerMax else {
            throw Rejection(.malformed, "a charter period runs from a time to a later one")
        }
        guard c.underlyingFlag == record.vessel.flag, c.bareboatFlag != c.underlyingFlag else {
            throw Rejection(
                .malformed,
                "the underlying flag is the vessel's (\(record.vessel.flag)) and the bareboat flag another one")
        }
        updateVessel(c.asset) { record in
            record.charter = c
            record.vessel.roles.charterer = c.charterer
        }
    }

    mutating func endCharter(_ asset: AssetID) throws(Rejection) {
        guard let record = state.vessels[asset] else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard let charter = record.charter else { throw Rejection(.malformed, "\(asset) has no bareboat charter") }
        updateVessel(asset) { record in
            record.charter = nil
            if record.vessel.roles.charterer == charter.charterer { record.vessel.roles.charterer = nil }
        }
    }

    private func mortgageIndex(_ asset: AssetID, _ number: UInt64) throws(Rejection) -> Int {
        guard let record = state.vessels[asset] else { throw Rejection(.unknownAsset, "\(asset) is not registered") }
        guard let index = record.mortgages.firstIndex(where: { $0.number == number }) else {
            throw Rejection(.unknownMortgage, "\(asset) has no mortgage \(number) in force")
        }
        return index
    }

    /// Mortgagees and charterers are screened like owners: a blocked, reviewed or frozen party
    /// cannot hold a mortgage or charter the vessel.
    private func checkMortgagee(_ party: PartyID) throws(Rejection) {
        guard let record = state.parties[party] else { throw Rejection(.unknownParty, "no party \(party)") }
        switch record.screening {
        case .block: throw Rejection(.sanctionsHit, "mortgagee party \(party) is blocked by screening")
        case .review: throw Rejection(.screeningReview, "mortgagee party \(party) is held for review")
        case .clear: break
        }
        guard !record.frozen else { throw Rejection(.frozen, "mortgagee party \(party) is frozen") }
    }
}
