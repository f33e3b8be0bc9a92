import PlimsollCrypto

extension Entry {
    /// One line for people: what the CLI prints and the HTTP history routes return next to the
    /// entry bytes, so a regulator reads an event without decoding it.
    public var summary: String {
        switch self {
        case .genesis(let genesis):
            return "registry \"\(genesis.name)\" registrar \(genesis.registrarKey.hex.prefix(16))…"
        case .transfer(let signed):
            let t = signed.transfer
            return "\(t.amount) × \(t.asset) \(t.from.hex.prefix(12))… → \(t.to.hex.prefix(12))… nonce \(t.nonce)"
        case .registrar(let entry):
            switch entry.action {
            case .registerParty(let p): return "\(p.kind.rawValue) \"\(p.name)\" \(p.country)"
            case .bindKey(let key, let party): return "key \(key.hex.prefix(16))… → party \(party)"
            case .declareOwnership(let d):
                return "party \(d.owner) owns \(d.shareBps) bps of party \(d.owned) (\(d.kind.rawValue))"
            case .endOwnership(let link): return "link \(link) ended"
            case .registerVessel(let v):
                return "\(v.asset) \"\(v.name)\" flag \(v.flag) \(v.units) units owner party \(v.roles.owner)"
            case .amendVessel(let a):
                var changed: [String] = []
                if let name = a.name { changed.append("name \(name)") }
                if let flag = a.flag { changed.append("flag \(flag)") }
                if a.type != nil { changed.append("type") }
                if a.grossTonnage != nil { changed.append("gross tonnage") }
                if let owner = a.owner { changed.append("owner party \(owner)") }
                if a.manager != nil { changed.append("manager") }
                if a.operator != nil { changed.append("operator") }
                if a.charterer != nil { changed.append("charterer") }
                return "\(a.asset) amended: " + (changed.isEmpty ? "nothing" : changed.joined(separator: ", "))
            case .registerMortgage(let m):
                return
                    "\(m.asset) mortgage of \(m.units) units of \(m.key.hex.prefix(12))… to party \(m.mortgagee) for \(m.amount) \(m.currency)"
            case .transferMortgage(let asset, let number, let to):
                return "\(asset) mortgage \(number) transferred to party \(to)"
            case .dischargeMortgage(let asset, let number): return "\(asset) mortgage \(number) discharged"
            case .reopenVessel(let asset, let reason): return "\(asset) reopened on the register: \(reason)"
            case .registerBareboatCharter(let c):
                return
                    "\(c.asset) bareboat chartered to party \(c.charterer) from \(c.fromMs) to \(c.toMs) ms, flag \(c.underlyingFlag) → \(c.bareboatFlag)"
            case .endBareboatCharter(let asset): return "\(asset) bareboat charter ended"
            case .rotateRegistrarKey(let rotation): return "registrar key rotated to \(rotation.newKey.hex.prefix(16))…"
            case .rotateSequencerKey(let rotation): return "sequencer key rotated to \(rotation.newKey.hex.prefix(16))…"
            case .amendVesselCompanies(let asset, let ism, let society):
                var changed: [String] = []
                switch ism {
                case .set(let party): changed.append("ISM company party \(party)")
                case .clear: changed.append("ISM company cleared")
                case nil: break
                }
                if let society {
                    changed.append(society.isEmpty ? "class society cleared" : "class society \(society)")
                }
                return "\(asset) amended: " + changed.joined(separator: ", ")
            case .consentToRelease(let c):
                return
                    "\(c.asset) mortgage \(c.number): mortgagee consents to release \(c.units) units to \(c.to.hex.prefix(12))…"
            case .amendParty(let a):
                var changed: [String] = []
                if let name = a.name { changed.append("name \(name)") }
                if a.aliases != nil { changed.append("aliases") }
                if let country = a.country { changed.append("country \(country)") }
                if let born = a.born { changed.append("born \(born)") }
                if a.identifiers != nil { changed.append("identifiers") }
                if let claim = a.kycClaim { changed.append("KYC by \(claim.issuer) until \(claim.expiresAtMs) ms") }
                return "party \(a.party) amended: " + changed.joined(separator: ", ")
            case .issue(let asset, let key, let units): return "\(units) × \(asset) → \(key.hex.prefix(12))…"
            case .freeze(let target, let reason): return "\(target.summary) frozen: \(reason)"
            case .unfreeze(let target, let reason): return "\(target.summary) unfrozen: \(reason)"
            case .forcedTransfer(let asset, let from, let to, let units, let order):
                return "\(units) × \(asset) \(from.hex.prefix(12))… → \(to.hex.prefix(12))… under order \(order)"
            case .forcedTransferOrder(let asset, let from, let to, let units, let order, let licence):
                return
                    "\(units) × \(asset) \(from.hex.prefix(12))… → \(to.hex.prefix(12))… under order \(order)"
                    + (licence.map { ", licence \($0)" } ?? "")
            case .deregisterVessel(let asset, let reason): return "\(asset) deregistered: \(reason)"
            case .setRules(let rules):
                return
                    "rules: max holders \(rules.maxHoldersPerVessel), min holding \(rules.minimumHolding), excluded \(rules.excludedCountries.map(\.code).joined(separator: ","))"
            case .recordVesselScreening(let asset, let status, let evidence):
                return "\(asset) screening \(status.rawValue): \(evidence)"
            case .recordScreening(let party, let status, let evidence):
                return "party \(party) screening \(status.rawValue): \(evidence)"
            case .adoptList(let list):
                return
                    "list \(list.source) (\(list.format), \(list.entityCount) entries) content \(list.contentHash.hex.prefix(16))… adopted"
            }
        }
    }
}

extension FreezeTarget {
    public var summary: String {
        switch self {
        case .party(let party, let asset): "party \(party)" + (asset.map { " for \($0)" } ?? "")
        case .key(let key, let asset): "key \(key.hex.prefix(12))…" + (asset.map { " for \($0)" } ?? "")
        case .keyUnits(let key, let asset, let units): "\(units) units of \(asset) on key \(key.hex.prefix(12))…"
        case .vessel(let asset): "vessel \(asset)"
        }
    }
}
