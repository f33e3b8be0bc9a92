import PlimsollCore
import Testing

/// How the bounds relate (Tiger Style): each is named once in `Limits`, and what one bound
/// promises another must keep.
struct LimitsTests {
    @Test func theBoundsFitEachOther() {
        // Everything encoded with a u16 length fits it.
        #expect(Limits.textBytesMax <= Limits.encodedLengthMax)
        #expect(Limits.evidenceBytesMax <= Limits.encodedLengthMax)
        #expect(Limits.aliasesMax <= Limits.encodedLengthMax && Limits.identifiersMax <= Limits.encodedLengthMax)
        // Amounts on the wire are JSON-safe, and a vessel's units are amounts.
        #expect(Limits.vesselUnitsMax <= Limits.jsonIntegerMax)
        #expect(Limits.jsonIntegerMax < Limits.storedIntegerMax, "every JSON integer is a stored integer")
        #expect(Limits.storedIntegerMax == UInt64(Int64.max), "SQLite integers are signed 64-bit")
        // A block's entry count is a u32 in the header.
        #expect(Limits.blockEntriesMax <= Int(UInt32.max))
        // A screening query and its evidence: a registrar's reason fits the evidence with its prefix.
        #expect(Limits.screenQueryBytesMax < Limits.evidenceBytesMax)
        #expect(Limits.screenMatchesMax >= 1)
        #expect((1...99).contains(Limits.listShrinkPercentMax))
        #expect(Limits.ownershipDepthMax >= 2)
    }
}
