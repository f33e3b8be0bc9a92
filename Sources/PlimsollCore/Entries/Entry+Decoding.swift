import PlimsollCrypto

extension RegistrarAction {
    init(kind: UInt8, reading r: inout ByteReader) throws(CoreError) {
        switch kind {
        case 0x01:
            self = .registerParty(
                PartyRegistration(
                    kind: try r.enumeration(Party.Kind.self), name: try r.text(),
                    aliases: try r.list(max: Limits.aliasesMax) { r throws(CoreError) in try r.text() },
                    country: try r.country(),
                    born: try r.optional { r throws(CoreError) in try r.text(max: 10) },
                    identifiers: try r.list(max: Limits.identifiersMax) { r throws(CoreError) in
                        Party.Identifier(scheme: try r.text(), value: try r.text())
                    },
                    kycClaims: try r.list(max: Limits.kycClaimsMax) { r throws(CoreError) in
                        Party.KYCClaim(issuer: try r.text(), expiresAtMs: try r.u64())
                    }
                )
            )
        case 0x02:
            self = .bindKey(try r.key(), to: try r.party())
        case 0x03:
            self = .declareOwnership(
                OwnershipDeclaration(
                    owner: try r.party(), owned: try r.party(), shareBps: try r.u16(),
                    kind: try r.enumeration(OwnershipLink.Kind.self), evidence: try r.hash()
                )
            )
        case 0x04:
            self = .endOwnership(LinkID(try r.u64()))
        case 0x05:
            let asset = try r.asset()
            let name = try r.text()
            let flag = try r.country()
            let type = try r.text()
            let tonnage = try r.u32()
            let roles = Vessel.Roles(
                owner: try r.party(), manager: try r.optional { r throws(CoreError) in try r.party() },
                operator: try r.optional { r throws(CoreError) in try r.party() },
                charterer: try r.optional { r throws(CoreError) in try r.party() }
            )
            self = .registerVessel(
                VesselRegistration(
                    asset: asset, name: name, flag: flag, type: type, grossTonnage: tonnage, roles: roles,
                    units: try r.u64()
                )
            )
        case 0x06:
            var amendment = VesselAmendment(asset: try r.asset())
            amendment.name = try r.optional { r throws(CoreError) in try r.text() }
            amendment.flag = try r.optional { r throws(CoreError) in try r.country() }
            amendment.type = try r.optional { r throws(CoreError) in try r.text() }
            amendment.grossTonnage = try r.optional { r throws(CoreError) in try r.u32() }
            amendment.owner = try r.optional { r throws(CoreError) in try r.party() }
            amendment.manager = try r.roleChange()
            amendment.operator = try r.roleChange()
            amendment.charterer = try r.roleChange()
            self = .amendVessel(amendment)
        case 0x07:
            self = .issue(try r.asset(), to: try r.key(), units: try r.u64())
        case 0x08:
            self = .freeze(try r.freezeTarget(), reason: try r.text())
        case 0x09:
            self = .unfreeze(try r.freezeTarget(), reason: try r.text())
        case 0x0a:
            self = .forcedTransfer(
                try r.asset(), from: try r.key(), to: try r.key(), units: try r.u64(), order: try r.text())
        case 0x0f:
            self = .forcedTransferOrder(
                try r.asset(), from: try r.key(), to: try r.key(), units: try r.u64(), order: try r.text(),
                licence: try r.optional { r throws(CoreError) in try r.text() })
        case 0x0b:
            self = .deregisterVessel(try r.asset(), reason: try r.text())
        case 0x0c:
            self = .setRules(
                ComplianceRules(
                    maxHoldersPerVessel: try r.u32(),
                    excludedCountries: try r.list(max: Limits.excludedCountriesMax) { r throws(CoreError) in
                        try r.country()
                    },
                    minimumHolding: try r.u64(), kycRequired: try r.bool()
                )
            )
        case 0x0d:
            self = .recordScreening(
                try r.party(), try r.enumeration(ScreeningStatus.self),
                evidence: try r.text(max: Limits.evidenceBytesMax))
        case 0x18:
            self = .registerBareboatCharter(
                BareboatCharter(
                    asset: try r.asset(), charterer: try r.party(), fromMs: try r.u64(), toMs: try r.u64(),
                    underlyingFlag: try r.country(), bareboatFlag: try r.country()))
        case 0x1a:
            self = .amendVesselCompanies(
                try r.asset(), ismCompany: try r.roleChange(),
                classSociety: try r.optional { r throws(CoreError) in try r.text() })
        case 0x19:
            self = .endBareboatCharter(try r.asset())
        case 0x1b, 0x1c:
            let rotation = KeyRotation(
                newKey: try r.key(), oldKeySignature: SchnorrSignature(checkedBytes: try r.raw(64)),
                newKeySignature: SchnorrSignature(checkedBytes: try r.raw(64)))
            self = kind == 0x1b ? .rotateRegistrarKey(rotation) : .rotateSequencerKey(rotation)
        case 0x17:
            self = .reopenVessel(try r.asset(), reason: try r.text())
        case 0x13:
            self = .registerMortgage(
                MortgageRegistration(
                    asset: try r.asset(), key: try r.key(), units: try r.u64(), mortgagee: try r.party(),
                    amount: try r.text(max: 64), currency: try r.text(max: 3)))
        case 0x14:
            self = .transferMortgage(try r.asset(), number: try r.u64(), to: try r.party())
        case 0x15:
            self = .dischargeMortgage(try r.asset(), number: try r.u64())
        case 0x16:
            self = .consentToRelease(
                MortgageConsent(
                    asset: try r.asset(), number: try r.u64(), sequence: try r.u64(), to: try r.key(),
                    units: try r.u64(),
                    mortgageeKey: try r.key(), signature: SchnorrSignature(checkedBytes: try r.raw(64))))
        case 0x12:
            var amendment = PartyAmendment(party: try r.party())
            amendment.name = try r.optional { r throws(CoreError) in try r.text() }
            amendment.aliases = try r.optional { r throws(CoreError) in
                try r.list(max: Limits.aliasesMax) { r throws(CoreError) in try r.text() }
            }
            amendment.country = try r.optional { r throws(CoreError) in try r.country() }
            amendment.born = try r.optional { r throws(CoreError) in try r.text(max: 10) }
            amendment.identifiers = try r.optional { r throws(CoreError) in
                try r.list(max: Limits.identifiersMax) { r throws(CoreError) in
                    Party.Identifier(scheme: try r.text(), value: try r.text())
                }
            }
            amendment.kycClaim = try r.optional { r throws(CoreError) in
                Party.KYCClaim(issuer: try r.text(), expiresAtMs: try r.u64())
            }
            self = .amendParty(amendment)
        case 0x11:
            self = .recordVesselScreening(
                try r.asset(), try r.enumeration(ScreeningStatus.self),
                evidence: try r.text(max: Limits.evidenceBytesMax))
        case 0x0e:
            self = .adoptList(
                ListAdoption(
                    source: try r.text(max: 64), format: try r.text(max: 64), contentHash: try r.hash(),
                    entityCount: try r.u64()))
        default:
            throw CoreError(.malformed, "unknown entry kind 0x\(String(kind, radix: 16))")
        }
    }
}

extension ByteReader {
    mutating func roleChange() throws(CoreError) -> VesselAmendment.RoleChange? {
        switch try u8() {
        case 0: return nil
        case 1: return .set(try party())
        case 2: return .clear
        case let tag: throw CoreError(.malformed, "role change tag \(tag)")
        }
    }

    mutating func freezeTarget() throws(CoreError) -> FreezeTarget {
        switch try u8() {
        case 0: return .party(try party(), asset: try optional { r throws(CoreError) in try r.asset() })
        case 1: return .key(try key(), asset: try optional { r throws(CoreError) in try r.asset() })
        case 2: return .keyUnits(try key(), asset: try asset(), units: try u64())
        case 3: return .vessel(try asset())
        case let tag: throw CoreError(.malformed, "freeze target tag \(tag)")
        }
    }
}
