/// Freeze and unfreeze of a party, key or vessel, whole or in part (see `FreezeTarget`).
extension Ledger {
    mutating func freeze(_ target: FreezeTarget, reason: String, on: Bool) throws(Rejection) {
        try Validate.text(reason, "reason")
        switch target {
        case .party(let id, let asset):
            guard let record = state.parties[id] else { throw Rejection(.unknownParty, "no party \(id)") }
            try checkAsset(asset)
            let isFrozen = asset.map { record.frozenAssets.contains($0) } ?? record.frozen
            try checkToggle(isFrozen, on: on, "party \(id)")
            updateParty(id) { record in
                if let asset { Self.toggle(&record.frozenAssets, asset, on) } else { record.frozen = on }
            }
        case .key(let key, let asset):
            guard let record = state.keys[key] else { throw Rejection(.unknownKey, "key is not bound to a party") }
            try checkAsset(asset)
            let isFrozen = asset.map { record.frozenAssets.contains($0) } ?? record.frozen
            try checkToggle(isFrozen, on: on, "key")
            updateKey(key) { record in
                if let asset { Self.toggle(&record.frozenAssets, asset, on) } else { record.frozen = on }
            }
        case .keyUnits(let key, let asset, let units):
            guard let record = state.keys[key] else { throw Rejection(.unknownKey, "key is not bound to a party") }
            try checkAsset(asset)
            guard units > 0 else { throw Rejection(.malformed, "units must be positive") }
            let frozen = record.frozenUnits(of: asset)
            if on {
                let held = state.balance(asset, key)
                guard frozen + units <= held else {
                    throw Rejection(.insufficientUnits, "key holds \(held) units, \(frozen) already frozen")
                }
                updateKey(key) { $0.setFrozenUnits(frozen + units, of: asset) }
            } else {
                guard units <= frozen else { throw Rejection(.notFrozen, "only \(frozen) units are frozen") }
                updateKey(key) { $0.setFrozenUnits(frozen - units, of: asset) }
            }
        case .vessel(let asset):
            guard let record = state.vessels[asset] else {
                throw Rejection(.unknownAsset, "\(asset) is not registered")
            }
            guard record.vessel.status != .deregistered else {
                throw Rejection(.assetNotActive, "\(asset) is deregistered")
            }
            try checkToggle(record.vessel.status == .frozen, on: on, "\(asset)")
            updateVessel(asset) { $0.vessel.status = on ? .frozen : .active }
        }
    }

    private func checkAsset(_ asset: AssetID?) throws(Rejection) {
        if let asset, state.vessels[asset] == nil { throw Rejection(.unknownAsset, "\(asset) is not registered") }
    }

    private func checkToggle(_ isFrozen: Bool, on: Bool, _ what: String) throws(Rejection) {
        if on && isFrozen { throw Rejection(.alreadyFrozen, "\(what) is already frozen") }
        if !on && !isFrozen { throw Rejection(.notFrozen, "\(what) is not frozen") }
    }

    private static func toggle(_ list: inout [AssetID], _ asset: AssetID, _ on: Bool) {
        if on { list.append(asset) } else { list.removeAll { $0 == asset } }
        list.sort()
    }
}
