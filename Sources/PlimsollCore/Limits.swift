/// Every bound of the core in one place (STYLE.md: Bounds and batches).
public enum Limits {
    /// UTF-8 bytes of a party or vessel name, an alias, an identifier or an order reference.
    public static let textBytesMax = 256
    /// How far above the last registrar sequence an entry the sequencer key signed may go: its
    /// re-screens take the next sequences, so a stolen sequencer key cannot exhaust them.
    public static let sequencerSequenceGapMax: UInt64 = 1 << 20
    /// The highest registrar sequence: room above it, so taking the next one never overflows.
    public static let registrarSequenceMax: UInt64 = UInt64.max - (1 << 32)
    public static let aliasesMax = 32
    public static let identifiersMax = 16
    public static let kycClaimsMax = 8
    /// Units of a vessel: DESIGN.md's default is 64; a registry may register more, up to this.
    public static let vesselUnitsMax: UInt64 = 1_000_000
    /// Amounts, nonces and expiry times are JSON-safe integers, 1 ... 2^53 - 1.
    public static let jsonIntegerMax: UInt64 = (1 << 53) - 1
    public static let excludedCountriesMax = 64
    /// Mortgages in force on one vessel.
    public static let mortgagesPerVesselMax = 64
    /// Amended particulars a party's record keeps (the latest; the log keeps every amendment).
    public static let partyHistoryMax = 64
    /// Depth bound of any ownership walk.
    public static let ownershipDepthMax = 16
    /// The largest height, id, leaf index or time the store keeps: SQLite integers are signed
    /// 64-bit. Every number from a request or a command line is checked against it at the edge.
    public static let storedIntegerMax = UInt64(Int64.max)
    /// How much a new edition of a sanctions list may shrink against the adopted one, in percent
    /// of its entries, before `lists load` refuses it without `--allow-shrink`: a cut file or a
    /// failed download must never un-list people.
    public static let listShrinkPercentMax: UInt64 = 10
    /// UTF-8 bytes of a screening decision's evidence (matches, scores, ownership paths).
    public static let evidenceBytesMax = 4096
    /// UTF-8 bytes of a name or IMO text sent to be screened (`POST /v1/screen`, `plimsoll screen`).
    public static let screenQueryBytesMax = 512
    /// Matches one screening answer lists at most, best first.
    public static let screenMatchesMax = 50
    /// Length prefixes of the canonical encodings are u16: no encoded text or list may exceed it.
    public static let encodedLengthMax = Int(UInt16.max)
    /// A registry's maximum transfer validity: ten years at most, so intake time plus it stays a
    /// JSON-safe integer and nothing near it can overflow.
    public static let maxValiditySecondsMax: UInt64 = 315_360_000
    /// Entries in one block.
    public static let blockEntriesMax = 8190
}
