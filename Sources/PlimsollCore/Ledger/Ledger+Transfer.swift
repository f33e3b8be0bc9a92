/// Transfer checks in DESIGN.md's fixed order; the first failure is the answer.
extension Ledger {
    mutating func applyTransfer(_ signed: SignedTransfer, _ context: ApplyContext) throws(Rejection) {
        // Checks run on `self` without a local copy of the state: a copy alive during the
        // mutation below would force copy-on-write of every table, once per transfer.
        try checkTransfer(signed, context)
        let transfer = signed.transfer
        move(transfer.amount, of: transfer.asset, from: transfer.from, to: transfer.to)
        releaseMortgages(
            transfer.asset, from: transfer.from, to: transfer.to,
            leftAfter: state.balance(transfer.asset, transfer.from), forced: false)
        updateKey(transfer.from) { $0.lastNonce = transfer.nonce }
    }

    func checkTransfer(_ signed: SignedTransfer, _ context: ApplyContext) throws(Rejection) {
        let transfer = signed.transfer
        guard transfer.amount > 0, transfer.nonce > 0, transfer.from != transfer.to else {
            throw Rejection(.malformed, "amount and nonce must be positive and from must differ from to")
        }
        guard context.signatureValid, transfer.chainID == state.chainID else {
            throw Rejection(.badSignature, "signature does not verify for this registry")
        }
        guard let vesselRecord = state.vessels[transfer.asset] else {
            throw Rejection(.unknownAsset, "\(transfer.asset) is not registered")
        }
        let vessel = vesselRecord.vessel
        guard let sender = state.keys[transfer.from], let receiver = state.keys[transfer.to],
            let senderParty = state.parties[sender.party], let receiverParty = state.parties[receiver.party]
        else {
            throw Rejection(.unknownKey, "sender or receiver key is not bound to a party")
        }
        let blockSeconds = context.blockTimeMs / 1000
        guard blockSeconds <= transfer.expiresAt else {
            throw Rejection(.expired, "expired at \(transfer.expiresAt), block time \(blockSeconds)")
        }
        guard transfer.expiresAt <= context.receivedAtMs / 1000 + state.genesis.maxValiditySeconds else {
            throw Rejection(.expiryTooFar, "expires more than \(state.genesis.maxValiditySeconds) s after intake")
        }
        guard transfer.nonce > sender.lastNonce else {
            throw Rejection(
                .nonceReused, "nonce \(transfer.nonce) is not above the last settled nonce \(sender.lastNonce)")
        }
        guard vessel.status != .deregistered else {
            throw Rejection(.assetNotActive, "\(transfer.asset) is deregistered")
        }
        try checkNotFrozen(vessel, sender, senderParty, role: "sender")
        try checkNotFrozen(vessel, receiver, receiverParty, role: "receiver")
        try checkCompliance(senderParty, receiverParty, at: context.blockTimeMs)
        try checkVesselScreening(vesselRecord)
        let spendable = state.balance(transfer.asset, transfer.from) - sender.frozenUnits(of: transfer.asset)
        guard transfer.amount <= spendable else {
            throw Rejection(.insufficientUnits, "sender can spend \(spendable) units, not \(transfer.amount)")
        }
        try checkMortgages(
            vesselRecord, from: transfer.from, to: transfer.to, amount: transfer.amount,
            balance: state.balance(transfer.asset, transfer.from))
        try checkHolding(transfer.asset, from: transfer.from, to: transfer.to, amount: transfer.amount)
    }

    func checkNotFrozen(_ vessel: Vessel, _ key: KeyRecord, _ party: PartyRecord, role: String) throws(Rejection) {
        guard vessel.status != .frozen else { throw Rejection(.frozen, "\(vessel.asset) is frozen") }
        guard !key.isFrozen(for: vessel.asset) else { throw Rejection(.frozen, "\(role) key is frozen") }
        guard !party.isFrozen(for: vessel.asset) else {
            // A freeze that screening caused says why: the recorded evidence names the list
            // entry and the ownership path, which is what the refused holder needs to see.
            let why = party.screening == .block ? ", blocked by screening: \(party.screeningEvidence)" : ""
            throw Rejection(.frozen, "\(role) party \(party.party.id) is frozen\(why)")
        }
    }

    /// KYC, screening and country rules for each party involved, in DESIGN.md's order of codes.
    func checkCompliance(_ parties: PartyRecord..., at time: TimestampMs) throws(Rejection) {
        let rules = state.rules
        if rules.kycRequired {
            for record in parties where !record.party.kycValid(at: time) {
                throw Rejection(.kycExpired, "party \(record.party.id) has no KYC claim valid at settlement")
            }
        }
        for record in parties where record.screening == .block {
            throw Rejection(
                .sanctionsHit, "party \(record.party.id) is blocked by screening: \(record.screeningEvidence)")
        }
        for record in parties where record.screening == .review {
            throw Rejection(
                .screeningReview, "party \(record.party.id) is held for review: \(record.screeningEvidence)")
        }
        for record in parties where rules.excludedCountries.contains(record.party.country) {
            throw Rejection(.countryBlocked, "party \(record.party.id) is in excluded country \(record.party.country)")
        }
    }

    /// A vessel blocked or held for review by screening moves no units until the registrar decides.
    func checkVesselScreening(_ record: VesselRecord) throws(Rejection) {
        switch record.screening {
        case .clear: return
        case .block:
            throw Rejection(
                .sanctionsHit, "\(record.vessel.asset) is blocked by screening: \(record.screeningEvidence)")
        case .review:
            throw Rejection(
                .screeningReview, "\(record.vessel.asset) is held for review: \(record.screeningEvidence)")
        }
    }

    /// Holder limit and minimum holding after moving `amount` (sender `nil` = issuance).
    func checkHolding(_ asset: AssetID, from sender: KeyRef?, to receiver: KeyRef, amount: UInt64) throws(Rejection) {
        let rules = state.rules
        let senderAfter = sender.map { state.balance(asset, $0) - amount }
        let receiverBefore = state.balance(asset, receiver)
        let holdersAfter = state.holderCount(asset) + (receiverBefore == 0 ? 1 : 0) - (senderAfter == 0 ? 1 : 0)
        guard holdersAfter <= Int(rules.maxHoldersPerVessel) else {
            throw Rejection(
                .holderLimit, "\(asset) would have \(holdersAfter) holders, limit \(rules.maxHoldersPerVessel)")
        }
        let minimum = rules.minimumHolding
        if let senderAfter, senderAfter > 0, senderAfter < minimum {
            throw Rejection(.minHolding, "sender would keep \(senderAfter) units, minimum holding \(minimum)")
        }
        guard receiverBefore + amount >= minimum else {
            throw Rejection(
                .minHolding, "receiver would hold \(receiverBefore + amount) units, minimum holding \(minimum)")
        }
    }
}
