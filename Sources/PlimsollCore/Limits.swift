/// Every bound of the core in one place (STYLE.md: Bounds and batches).
public enum Limits {
    /// UTF-8 bytes of a party or vessel name, an alias, an identifier or an order reference.
    public static let textBytesMax = 256
    public static let aliasesMax = 32
    public static let identifiersMax = 16
    public static let kycClaimsMax = 8
    /// Units of a vessel: DESIGN.md's default is 64; a registry may register more, up to this.
    public static let vesselUnitsMax: UInt64 = 1_000_000
    /// Amounts, nonces and expiry times are JSON-safe integers, 1 ... 2^53 - 1.
    public static let jsonIntegerMax: UInt64 = (1 << 53) - 1
    public static let excludedCountriesMax = 64
    /// Depth bound of any ownership walk.
    public static let ownershipDepthMax = 16
    /// Entries in one block.
    public static let blockEntriesMax = 8190
}
