/// What a freeze or unfreeze applies to (DESIGN.md: party, key or vessel, whole or in part).
///
/// "In part" means: a party or key frozen for one asset only, or a number of units of one asset
/// on one key (those units cannot be sent; the rest can). A vessel is frozen whole.
public enum FreezeTarget: Hashable, Sendable, Codable {
    case party(PartyID, asset: AssetID?)
    case key(KeyRef, asset: AssetID?)
    case keyUnits(KeyRef, asset: AssetID, units: UInt64)
    case vessel(AssetID)
}

/// Reason codes of screening decisions a registrar or the screening engine records on a party.
public enum ScreeningStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case clear, review, block

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
